import { type SimulatedFrame, startSimulatedFrame } from '../../src/sim/index.js';
import { channelUrl, RawClient } from './raw-client.js';

const ART = 'com.samsung.art-app';
/** get_matte_list is ~100 ms in the realistic table; scaled to make timing obvious. */
const SCALE = 1.5;
const MATTE_LIST_MS = 150;

describe('simulated frame request service', () => {
  let frame: SimulatedFrame | undefined;
  const clients: RawClient[] = [];

  afterEach(async () => {
    await Promise.all(clients.splice(0).map((client) => client.close()));
    await frame?.stop();
  });

  it('serves requests one at a time, in arrival order, with their service time', async () => {
    frame = await startSimulatedFrame({ artworks: 5, latency: 'realistic', latencyScale: SCALE });
    const client = await RawClient.connectArt(channelUrl('ws', frame.plainPort, ART));
    clients.push(client);
    const sentAt = Date.now();
    const first = client.request('get_matte_list');
    const second = client.request('get_matte_list');

    await client.reply(second);
    const elapsedMs = Date.now() - sentAt;
    const order = client.frames
      .filter((f) => f.message.event === 'd2d_service_message')
      .map((f) => JSON.parse(String(f.message.data)).request_id);

    expect(elapsedMs).toBeGreaterThanOrEqual(2 * MATTE_LIST_MS - 2);
    expect(order).toEqual([first, second]);
    expect(frame.counters().serviceMs).toBe(2 * MATTE_LIST_MS);
    expect(frame.counters().requests.get_matte_list).toBe(2);
  });

  it('scales content-list service time with the list length', async () => {
    frame = await startSimulatedFrame({ artworks: 230, latency: 'fast' });
    const client = await RawClient.connectArt(channelUrl('ws', frame.plainPort, ART));
    clients.push(client);
    await client.reply(client.request('get_content_list', { category_id: 'MY-C0002' }));

    // realistic ~1 s per 115 items → 2 s for 230; 'fast' is a twentieth of that.
    expect(frame.counters().serviceMs).toBe(100);
  });

  it('broadcasts a reply to every art client when its requester has gone', async () => {
    frame = await startSimulatedFrame({
      artworks: 5,
      latency: 'realistic',
      profile: { multiClientPolicy: 'allow' },
    });
    const leaving = await RawClient.connectArt(channelUrl('ws', frame.plainPort, ART));
    const staying = await RawClient.connectArt(channelUrl('ws', frame.plainPort, ART));
    clients.push(leaving, staying);
    const id = leaving.request('get_matte_list');
    await leaving.close();

    expect(await staying.reply(id, 1000)).toMatchObject({
      event: 'get_matte_list',
      request_id: id,
    });
    expect(await staying.waitForEvent('ms.channel.clientDisconnect')).toBeDefined();
  });

  it('resets counters but keeps counting open sockets', async () => {
    frame = await startSimulatedFrame({ artworks: 5, latency: 'none' });
    const client = await RawClient.connectArt(channelUrl('ws', frame.plainPort, ART));
    clients.push(client);
    await client.reply(client.request('api_version'));
    frame.resetCounters();

    expect(frame.counters()).toEqual({
      artConnectionsOpened: 0,
      artConnectionsOpen: 1,
      maxArtConnectionsOpen: 1,
      artConnectionsDropped: 0,
      requests: {},
      thumbnailsSent: 0,
      refusedConnections: 0,
      bytesSent: 0,
      wolPackets: 0,
      serviceMs: 0,
      requestsDropped: 0,
      remoteKeys: {},
    });
  });
});
