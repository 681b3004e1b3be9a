import net from 'node:net';
import sharp from 'sharp';
import { type SimulatedFrame, startSimulatedFrame } from '../../src/sim/index.js';
import { asObject, channelUrl, RawClient, readThumbnailStream, sleep } from './raw-client.js';

const ART = 'com.samsung.art-app';
const CONN_INFO = { d2d_mode: 'socket', connection_id: 2825700145, id: 'c0ffee' };

describe('simulated frame thumbnails over d2d', () => {
  let frame: SimulatedFrame;
  let client: RawClient;

  beforeEach(async () => {
    frame = await startSimulatedFrame({
      artworks: 12,
      latency: 'none',
      profile: { d2dAcceptTimeoutMs: 200 },
    });
    client = await RawClient.connectArt(channelUrl('wss', frame.securePort, ART));
  });
  afterEach(async () => {
    await client.close();
    await frame.stop();
  });

  const requestThumbnails = async (ids: string[]) => {
    const reply = await client.reply(
      client.request('get_thumbnail_list', {
        content_id_list: ids.map((content_id) => ({ content_id })),
        conn_info: CONN_INFO,
      }),
    );

    return { reply, connInfo: asObject(JSON.parse(String(reply.conn_info))) };
  };

  it('streams one record per artwork with a parsable header and the thumbnail bytes', async () => {
    const ids = frame.contentIds().slice(0, 3);
    const { reply, connInfo } = await requestThumbnails(ids);

    expect(reply.event).toBe('get_thumbnail_list');
    expect(connInfo).toEqual({
      ip: '127.0.0.1',
      port: expect.any(Number),
      key: expect.any(String),
      secured: false,
    });
    const records = await readThumbnailStream(String(connInfo.ip), Number(connInfo.port));

    expect(records.map((r) => r.header)).toEqual(
      ids.map((id, num) => ({
        fileID: id,
        fileType: 'jpg',
        num,
        total: 3,
        fileLength: expect.any(Number),
      })),
    );
    for (const [num, record] of records.entries()) {
      expect(record.bytes.equals(await frame.thumbnailOf(ids[num] ?? ''))).toBe(true);
      expect(record.bytes.subarray(0, 2).toString('hex')).toBe('ffd8');
    }
    expect(frame.counters().thumbnailsSent).toBe(3);
  });

  it('makes deterministic, orientation-aware JPEGs', async () => {
    const id = frame.contentIds()[0] ?? '';
    const first = await frame.thumbnailOf(id);
    const meta = await sharp(first).metadata();

    expect(meta.format).toBe('jpeg');
    expect(Math.max(meta.width ?? 0, meta.height ?? 0)).toBe(384);
    const other = await startSimulatedFrame({ artworks: 12, latency: 'none' });
    try {
      expect((await other.thumbnailOf(id)).equals(first)).toBe(true);
    } finally {
      await other.stop();
    }
    await expect(frame.thumbnailOf('MY_F9999')).rejects.toThrow('unknown content id');
  });

  it('answers an unknown content id with -4 and opens no listener', async () => {
    const reply = await client.reply(
      client.request('get_thumbnail_list', {
        content_id_list: [{ content_id: 'MY_F9999' }],
        conn_info: CONN_INFO,
      }),
    );

    expect(reply).toMatchObject({ event: 'error', error_code: '-4' });
  });

  it('closes the listener when nobody connects in time', async () => {
    const { connInfo } = await requestThumbnails(frame.contentIds().slice(0, 1));
    await sleep(400);

    await expect(
      new Promise((resolve, reject) => {
        const socket = net.connect(Number(connInfo.port), '127.0.0.1', () => {
          socket.destroy();
          resolve('connected');
        });
        socket.on('error', reject);
      }),
    ).rejects.toThrow(/ECONNREFUSED/);
  });
});
