import { PROFILES, type ProfileName } from '../../src/sim/index.js';
import { parseRecords, readRawStream } from './d2d-reader.js';
import { connInfoOf } from './raw-client.js';
import { SimFixture } from './sim-fixture.js';

const CONN_INFO = { d2d_mode: 'socket', connection_id: 7, id: 'c0ffee' };

/** §7 Q7 (TMS `art.py`): thumbnail streams that reset or stop short in the middle of a record. */
describe.each(['2022', '2024'] as ProfileName[])('thumbnail stream faults on %s', (name) => {
  const fx = new SimFixture();
  const secured = PROFILES[name].d2dSecured;
  afterEach(() => fx.stop());

  const streamOf = async (count: number) => {
    const client = await fx.art(PROFILES[name].artHandshake === 'connect-ready');
    const ids = fx.frame.contentIds().slice(0, count);
    const reply = await client.reply(
      client.request('get_thumbnail_list', {
        content_id_list: ids.map((content_id) => ({ content_id })),
        conn_info: CONN_INFO,
      }),
    );
    const info = connInfoOf(reply);
    expect(info.secured).toBe(secured);

    return { ids, stream: await readRawStream(info.ip, info.port, info.secured) };
  };

  it('reset: whole records first, then part of one, then an RST (no FIN)', async () => {
    await fx.start({ profileName: name, switches: { thumbnailList: 'reset' } });
    const { ids, stream } = await streamOf(4);
    const records = parseRecords(stream.bytes);

    expect(stream.ending).toBe('reset');
    expect(records.whole.map((h) => h.fileID)).toEqual(ids.slice(0, 2));
    expect(records.cut?.header).toMatchObject({ fileID: ids[2], num: 2, total: 4 });
    expect(records.cut?.bytesReceived).toBeLessThan(Number(records.cut?.header.fileLength));
    expect(fx.frame.counters().thumbnailsSent).toBe(2);
  });

  it('truncated: a record stops short and the socket closes normally', async () => {
    await fx.start({ profileName: name, switches: { thumbnailList: 'truncated' } });
    const { ids, stream } = await streamOf(1);
    const records = parseRecords(stream.bytes);

    expect(stream.ending).toBe('fin');
    expect(records.whole).toEqual([]);
    expect(records.cut?.header).toMatchObject({ fileID: ids[0], num: 0, total: 1 });
    expect(records.cut?.bytesReceived).toBeGreaterThan(0);
    expect(records.cut?.bytesReceived).toBeLessThan(Number(records.cut?.header.fileLength));
  });

  it('ok: every record whole, then FIN (the same reader on a healthy stream)', async () => {
    await fx.start({ profileName: name });
    const { ids, stream } = await streamOf(3);

    expect(stream.ending).toBe('fin');
    expect(parseRecords(stream.bytes)).toEqual({
      whole: ids.map((id, num) => expect.objectContaining({ fileID: id, num, total: 3 })),
    });
  });
});
