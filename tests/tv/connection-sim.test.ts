import { DocentError } from '../../src/errors.js';
import { silentLogger } from '../../src/log.js';
import { type SimulatedFrame, startSimulatedFrame } from '../../src/sim/index.js';
import { FrameConnection, type FrameConnectionOptions } from '../../src/tv/connection.js';
import { TvRequestError } from '../../src/tv/errors.js';
import { MemoryTokenStore } from '../../src/tv/token-store.js';
import { captureLogger, FAST_BACKOFF, recordStates, waitForState } from './helpers.js';

describe('FrameConnection against the simulated Frame', () => {
  let sim: SimulatedFrame;
  let conn: FrameConnection | null = null;

  beforeEach(async () => {
    sim = await startSimulatedFrame({ artworks: 30, latency: 'none', plainPort: 0, securePort: 0 });
  });

  afterEach(async () => {
    await conn?.stop();
    conn = null;
    await sim.stop();
  });

  function connect(overrides: Partial<FrameConnectionOptions> = {}, logger = silentLogger()) {
    conn = new FrameConnection(
      {
        tvId: 'living-room',
        host: sim.host,
        port: sim.securePort,
        secure: true,
        backoff: FAST_BACKOFF,
        requestTimeoutMs: 1000,
        ...overrides,
      },
      { logger, tokenStore: new MemoryTokenStore() },
    );
    conn.start();
    return conn;
  }

  it('reaches ready over WSS after ms.channel.connect and ms.channel.ready', async () => {
    const c = connect();
    const states = recordStates(c);

    await waitForState(c, 'ready');

    expect(states.slice(-2)).toEqual(['connecting', 'ready']);
    expect(sim.counters().artConnectionsOpen).toBe(1);
    expect(await c.request('get_artmode_status')).toMatchObject({ event: 'get_artmode_status' });
  });

  it('reaches ready over plain WS too', async () => {
    const c = connect({ port: sim.plainPort, secure: false });

    await waitForState(c, 'ready');

    expect(c.stats().socketsOpened).toBe(1);
  });

  it('emits ready once the channel is usable', async () => {
    const c = connect();
    const ready = new Promise<void>((resolve) => c.on('ready', resolve));

    await ready;

    expect(c.state).toBe('ready');
  });

  it('rejects a request before the channel is ready with TV_NOT_READY', async () => {
    const c = connect();

    await expect(c.request('get_artmode_status')).rejects.toMatchObject({
      code: 'TV_NOT_READY',
      transient: true,
    });
  });

  it('keeps one art connection across many requests and never opens two', async () => {
    const c = connect();
    await waitForState(c, 'ready');

    const replies = await Promise.all(
      Array.from({ length: 25 }, () => c.request('get_current_artwork')),
    );

    expect(replies).toHaveLength(25);
    expect(new Set(replies.map((r) => r.request_id)).size).toBe(25);
    const counters = sim.counters();
    expect(counters.artConnectionsOpened).toBe(1);
    expect(counters.maxArtConnectionsOpen).toBe(1);
    expect(counters.artConnectionsDropped).toBe(0);
    expect(counters.requests.get_current_artwork).toBe(25);
  });

  it('surfaces an error code from the TV as a TvRequestError naming the request', async () => {
    const c = connect();
    await waitForState(c, 'ready');

    const failure = c.request('select_image', { content_id: 'MY_F9999' });

    await expect(failure).rejects.toBeInstanceOf(TvRequestError);
    await expect(failure).rejects.toMatchObject({
      code: 'TV_ERROR',
      request: 'select_image',
      tvErrorCode: '-4',
      transient: false,
    });
  });

  it('goes backoff then ready on a new socket after the TV drops every art socket', async () => {
    const { logger, records } = captureLogger();
    const c = connect({}, logger);
    await waitForState(c, 'ready');
    const states = recordStates(c);

    sim.dropArtConnections();
    await waitForState(c, 'backoff');
    await waitForState(c, 'ready');

    expect(states).toEqual(['backoff', 'connecting', 'ready']);
    const counters = sim.counters();
    expect(counters.artConnectionsOpened).toBe(2);
    expect(counters.maxArtConnectionsOpen).toBe(1);
    expect(c.stats()).toEqual({ socketsOpened: 2, reconnects: 1 });
    expect(await c.request('get_artmode_status')).toMatchObject({ value: expect.any(String) });
    const warnings = records.filter((r) => r.msg === 'tv connection failed');
    const recoveries = records.filter((r) => r.msg === 'tv connection recovered');
    expect(warnings).toHaveLength(1);
    expect(warnings[0]?.level).toBe(40);
    expect(recoveries).toHaveLength(1);
    expect(recoveries[0]).toMatchObject({ attempts: 1, outageMs: expect.any(Number) });
  });

  it('rejects a pending request with TV_DISCONNECTED when the socket drops', async () => {
    const c = connect({ requestTimeoutMs: 5000 });
    await waitForState(c, 'ready');

    // The 4.x art app never answers a request it does not know (§3.3), so this one stays pending.
    const pending = c.request('get_brightness_of_the_moon');
    setTimeout(() => sim.dropArtConnections(), 50);

    await expect(pending).rejects.toMatchObject({ code: 'TV_DISCONNECTED', transient: true });
    await waitForState(c, 'ready');
  });

  it('times out a request the TV never answers with TV_TIMEOUT', async () => {
    const c = connect();
    await waitForState(c, 'ready');

    const started = Date.now();
    await expect(c.request('unknown_request', {}, { timeoutMs: 150 })).rejects.toMatchObject({
      code: 'TV_TIMEOUT',
      transient: true,
    });

    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
    expect(c.state).toBe('ready');
  });

  it('replaces the socket after three timeouts in a row with nothing heard in between', async () => {
    const c = connect({ maxConsecutiveTimeouts: 3 });
    await waitForState(c, 'ready');
    const states = recordStates(c);

    for (let i = 0; i < 3; i += 1) {
      await expect(c.request('unknown_request', {}, { timeoutMs: 50 })).rejects.toMatchObject({
        code: 'TV_TIMEOUT',
      });
    }
    await waitForState(c, 'backoff');
    await waitForState(c, 'ready');

    expect(states).toEqual(['backoff', 'connecting', 'ready']);
    expect(sim.counters().artConnectionsOpened).toBe(2);
    expect(sim.counters().maxArtConnectionsOpen).toBe(1);
  });

  it('does not count timeouts separated by an answer towards replacing the socket', async () => {
    const c = connect({ maxConsecutiveTimeouts: 2 });
    await waitForState(c, 'ready');

    for (let i = 0; i < 3; i += 1) {
      await expect(c.request('unknown_request', {}, { timeoutMs: 50 })).rejects.toBeInstanceOf(
        DocentError,
      );
      await c.request('get_artmode_status');
    }

    expect(sim.counters().artConnectionsOpened).toBe(1);
    expect(c.state).toBe('ready');
  });

  it('proves a channel that sends connect but never ready with one request', async () => {
    await sim.stop();
    sim = await startSimulatedFrame({
      artworks: 5,
      latency: 'none',
      profile: { artHandshake: 'connect-only' },
    });
    const c = connect({ readyTimeoutMs: 100 });

    await waitForState(c, 'ready');

    expect(sim.counters().requests.get_artmode_status).toBe(1);
    expect(sim.counters().artConnectionsOpened).toBe(1);
  });

  it('matches old-firmware replies that echo only id', async () => {
    await sim.stop();
    sim = await startSimulatedFrame({ artworks: 5, latency: 'none', profile: { echoId: true } });
    const c = connect();
    await waitForState(c, 'ready');

    const reply = await c.request('get_artmode_status');

    expect(reply.value).toMatch(/^(on|off)$/);
  });

  it('passes broadcasts on as art events', async () => {
    const c = connect();
    await waitForState(c, 'ready');
    const events: string[] = [];
    const changed = new Promise<void>((resolve) => {
      c.on('event', (event) => {
        events.push(event.event);
        if (event.event === 'art_mode_changed') resolve();
      });
    });

    sim.setArtMode(sim.state().artMode !== 'on');
    await changed;

    expect(events).toContain('art_mode_changed');
  });

  it('waits offline and keeps retrying while the TV answers neither socket nor REST', async () => {
    const { securePort } = sim;
    await sim.stop();
    const c = connect({ port: securePort });
    const states = recordStates(c);

    for (let i = 0; i < 2; i += 1) {
      await waitForState(c, 'connecting');
      await waitForState(c, 'offline');
    }

    expect(c.stats().socketsOpened).toBeGreaterThanOrEqual(2);
    expect(states.filter((s) => s === 'ready')).toHaveLength(0);

    sim = await startSimulatedFrame({ artworks: 5, latency: 'none', securePort });
    await waitForState(c, 'ready');

    expect(sim.counters().artConnectionsOpened).toBe(1);
  });

  it('stop() is idempotent, closes the socket and leaves the state offline', async () => {
    const c = connect();
    await waitForState(c, 'ready');

    await c.stop();
    await c.stop();

    expect(c.state).toBe('offline');
    await expect(c.request('get_artmode_status')).rejects.toMatchObject({ code: 'TV_NOT_READY' });
    await waitForClosed(sim);
  });

  it('stop() rejects a pending request with TV_DISCONNECTED', async () => {
    const c = connect({ requestTimeoutMs: 5000 });
    await waitForState(c, 'ready');

    const pending = c.request('unknown_request');
    await new Promise((resolve) => setTimeout(resolve, 20));
    await c.stop();

    await expect(pending).rejects.toMatchObject({ code: 'TV_DISCONNECTED' });
  });
});

async function waitForClosed(sim: SimulatedFrame): Promise<void> {
  for (let i = 0; i < 100 && sim.counters().artConnectionsOpen > 0; i += 1) {
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  expect(sim.counters().artConnectionsOpen).toBe(0);
}
