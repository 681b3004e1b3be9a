import { type SimulatedFrame, startSimulatedFrame } from '../../src/sim/index.js';
import { asObject, channelUrl, RawClient, sleep } from './raw-client.js';

const ART = 'com.samsung.art-app';
const REMOTE = 'samsung.remote.control';
/** UUID-shaped, groups may be shorter than a UUID's (frame-protocol §2.1). */
const TV_ID = /^[0-9a-f]{1,8}-[0-9a-f]{1,4}-[0-9a-f]{1,4}-[0-9a-f]{1,4}-[0-9a-f]{1,12}$/;

describe('simulated frame channel handshake', () => {
  let frame: SimulatedFrame;
  const clients: RawClient[] = [];
  const open = async (url: string): Promise<RawClient> => {
    const client = await RawClient.open(url);
    clients.push(client);

    return client;
  };

  beforeEach(async () => {
    frame = await startSimulatedFrame({ artworks: 5, latency: 'none' });
  });
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((client) => client.close()));
    await frame.stop();
  });

  it.each(['ws', 'wss'] as const)(
    'sends connect then ready on the art channel over %s',
    async (scheme) => {
      const port = scheme === 'ws' ? frame.plainPort : frame.securePort;
      const client = await open(channelUrl(scheme, port, ART, 'SamsungTvArt', 'None'));
      await client.waitForEvent('ms.channel.ready');

      expect(client.frames.map((f) => f.message.event)).toEqual([
        'ms.channel.connect',
        'ms.channel.ready',
      ]);
      const data = asObject(client.frames[0]?.message.data);
      const list = Array.isArray(data.clients) ? data.clients.map(asObject) : [];
      const hosts = list.filter((entry) => entry.isHost === true);
      const self = list.find((entry) => entry.id === data.id);

      expect(hosts).toHaveLength(2);
      for (const host of hosts) {
        expect(host.deviceName).toBe('Smart Device');
        expect(host.id).toMatch(TV_ID);
        expect(typeof host.connectTime).toBe('number');
      }
      expect(self).toEqual({
        attributes: { name: 'U2Ftc3VuZ1R2QXJ0' },
        connectTime: expect.any(Number),
        deviceName: 'U2Ftc3VuZ1R2QXJ0',
        id: data.id,
        isHost: false,
      });
      expect(data.id).toMatch(TV_ID);
      expect(frame.counters()).toMatchObject({ artConnectionsOpened: 1, artConnectionsOpen: 1 });
    },
  );

  it('closes every art socket when a second art client connects (drop-all policy)', async () => {
    await frame.stop();
    frame = await startSimulatedFrame({
      artworks: 5,
      latency: 'none',
      profile: { multiClientPolicy: 'drop-all' },
    });
    const first = await open(channelUrl('wss', frame.securePort, ART));
    await first.waitForEvent('ms.channel.ready');
    const second = await open(channelUrl('wss', frame.securePort, ART));

    await Promise.all([first.waitClosed(), second.waitClosed()]);
    await first.waitForEvent('ms.channel.clientConnect');
    expect(frame.counters()).toMatchObject({
      artConnectionsOpened: 2,
      artConnectionsOpen: 0,
      maxArtConnectionsOpen: 2,
      artConnectionsDropped: 2,
    });
  });

  it('accepts a new art client once the previous one has gone', async () => {
    const first = await open(channelUrl('ws', frame.plainPort, ART));
    await first.waitForEvent('ms.channel.ready');
    await first.close();
    const second = await open(channelUrl('ws', frame.plainPort, ART));
    await second.waitForEvent('ms.channel.ready');

    expect(frame.counters()).toMatchObject({ artConnectionsDropped: 0, maxArtConnectionsOpen: 1 });
  });

  it('closes art sockets on dropArtConnections and counts them', async () => {
    const client = await open(channelUrl('wss', frame.securePort, ART));
    await client.waitForEvent('ms.channel.ready');
    frame.dropArtConnections();

    await client.waitClosed();
    expect(frame.counters().artConnectionsDropped).toBe(1);
  });

  it('issues an 8-digit token on the secure remote channel and confirms it later', async () => {
    const first = await open(channelUrl('wss', frame.securePort, REMOTE));
    const connect = asObject((await first.waitForEvent('ms.channel.connect')).message.data);
    const token = String(connect.token);
    expect(token).toMatch(/^\d{8}$/);

    const again = await open(channelUrl('wss', frame.securePort, REMOTE, 'DocentTest', token));
    const reconnect = asObject((await again.waitForEvent('ms.channel.connect')).message.data);
    expect(reconnect.token).toBe(token);
  });

  it('refuses the remote channel on the plain port as TokenAuth sets do', async () => {
    const client = await open(channelUrl('ws', frame.plainPort, REMOTE));

    await client.waitForEvent('ms.channel.unauthorized');
    await client.waitClosed();
  });

  it('toggles art mode on a KEY_POWER click and broadcasts it on the art channel', async () => {
    const art = await open(channelUrl('wss', frame.securePort, ART));
    await art.waitForEvent('ms.channel.ready');
    const remote = await open(channelUrl('wss', frame.securePort, REMOTE));
    await remote.waitForEvent('ms.channel.connect');
    remote.send({
      method: 'ms.remote.control',
      params: {
        Cmd: 'Click',
        DataOfCmd: 'KEY_POWER',
        Option: 'false',
        TypeOfRemote: 'SendRemoteKey',
      },
    });

    expect(await art.broadcast('art_mode_changed')).toEqual({
      event: 'art_mode_changed',
      status: 'off',
    });
    expect(frame.state().artMode).toBe('off');
  });

  it('pings its clients on a timer', async () => {
    await frame.stop();
    frame = await startSimulatedFrame({
      artworks: 1,
      latency: 'none',
      profile: { pingIntervalMs: 20 },
    });
    const client = await open(channelUrl('ws', frame.plainPort, ART));
    const pinged = new Promise<boolean>((resolve) => client.ws.once('ping', () => resolve(true)));

    expect(await pinged).toBe(true);
  });

  it('stalls into ms.channel.timeOut when the stall policy sees a token', async () => {
    await frame.stop();
    frame = await startSimulatedFrame({
      artworks: 1,
      latency: 'none',
      profile: { artTokenPolicy: 'stall-to-timeout', channelTimeoutMs: 50 },
    });
    const withToken = await open(channelUrl('wss', frame.securePort, ART, 'Docent', '12345678'));
    await withToken.waitClosed();

    expect(withToken.frames.map((f) => f.message.event)).toEqual(['ms.channel.timeOut']);
    const tokenless = await open(channelUrl('wss', frame.securePort, ART, 'Docent', 'None'));
    await tokenless.waitForEvent('ms.channel.ready');
  });

  it('connects but never serves without the remote token when the policy requires it', async () => {
    await frame.stop();
    frame = await startSimulatedFrame({
      artworks: 1,
      latency: 'none',
      profile: { artTokenPolicy: 'require' },
    });
    const tokenless = await open(channelUrl('wss', frame.securePort, ART));
    await tokenless.waitForEvent('ms.channel.connect');
    tokenless.request('api_version');
    await sleep(50);
    expect(tokenless.frames.map((f) => f.message.event)).toEqual(['ms.channel.connect']);
    await tokenless.close();

    const remote = await open(channelUrl('wss', frame.securePort, REMOTE));
    const token = String(
      asObject((await remote.waitForEvent('ms.channel.connect')).message.data).token,
    );
    const art = await open(channelUrl('wss', frame.securePort, ART, 'Docent', token));
    await art.waitForEvent('ms.channel.ready');
    expect(await art.reply(art.request('api_version'))).toMatchObject({ version: '4.3.4.0' });
  });
});
