import { FrameArtApi } from '../../src/tv/art-api.js';
import { FrameConnection, type FrameConnectionOptions } from '../../src/tv/connection.js';
import { MemoryTokenStore } from '../../src/tv/token-store.js';
import type { ArtEvent } from '../../src/tv/types.js';
import { FakeTv, sendArt, sendConnect, sendReady } from './fake-tv.js';
import { captureLogger, FAST_BACKOFF, recordStates, waitForState } from './helpers.js';

describe('FrameConnection handshake and correlation edge cases', () => {
  let tv: FakeTv | null = null;
  let conn: FrameConnection | null = null;

  afterEach(async () => {
    await conn?.stop();
    conn = null;
    await tv?.stop();
    tv = null;
  });

  function connect(
    port: number,
    overrides: Partial<FrameConnectionOptions> = {},
    tokenStore = new MemoryTokenStore(),
  ) {
    const log = captureLogger();
    conn = new FrameConnection(
      {
        tvId: 'tv',
        host: '127.0.0.1',
        port,
        secure: false,
        backoff: FAST_BACKOFF,
        connectTimeoutMs: 300,
        readyTimeoutMs: 100,
        requestTimeoutMs: 300,
        ...overrides,
      },
      { logger: log.logger, tokenStore },
    );
    conn.start();
    return { conn, log };
  }

  it('backs off after ms.channel.timeOut, warning once and logging repeats at debug', async () => {
    tv = await FakeTv.start({
      onConnect: (ws) => {
        ws.send(JSON.stringify({ event: 'ms.channel.timeOut' }));
        ws.close();
      },
    });
    const { conn: c, log } = connect(tv.port);

    for (let i = 0; i < 3; i += 1) {
      await waitForState(c, 'connecting');
      await waitForState(c, 'backoff');
    }

    const failed = log.records.filter((r) => r.msg === 'tv connection failed');
    const repeats = log.records.filter((r) => r.msg === 'tv connection failed again');
    expect(failed).toHaveLength(1);
    expect(failed[0]).toMatchObject({ level: 40, reason: 'ms.channel.timeOut' });
    expect(repeats.length).toBeGreaterThanOrEqual(2);
    expect(repeats.every((r) => r.level === 20)).toBe(true);
    expect(tv.maxOpen).toBe(1);
  });

  it('closes and backs off when connect comes but neither ready nor an answer follows', async () => {
    tv = await FakeTv.start({ onConnect: (ws) => sendConnect(ws) });
    const { conn: c } = connect(tv.port);
    const states = recordStates(c);

    await waitForState(c, 'backoff', 4000);
    await waitForState(c, 'connecting');

    expect(states).not.toContain('ready');
    expect(tv.maxOpen).toBe(1);
  });

  it('backs off when the TV never sends ms.channel.connect', async () => {
    tv = await FakeTv.start({ onConnect: () => undefined });
    const { conn: c } = connect(tv.port);

    await waitForState(c, 'backoff', 2000);

    expect(c.stats().socketsOpened).toBe(1);
    expect(tv.maxOpen).toBe(1);
  });

  it('saves a token handed out in ms.channel.connect and never logs it', async () => {
    tv = await FakeTv.start({
      onConnect: (ws) => {
        sendConnect(ws, { token: 87654321 });
        sendReady(ws);
      },
    });
    const store = new MemoryTokenStore();
    const { conn: c, log } = connect(tv.port, {}, store);

    await waitForState(c, 'ready');
    await new Promise((resolve) => setTimeout(resolve, 20));

    await expect(store.load()).resolves.toBe('87654321');
    expect(log.text()).not.toContain('87654321');
  });

  it('puts the saved token in the URL only when sendToken is on', async () => {
    tv = await FakeTv.start({
      onConnect: (ws) => {
        sendConnect(ws);
        sendReady(ws);
      },
    });
    const { conn: c } = connect(tv.port, { sendToken: true }, new MemoryTokenStore('11223344'));
    await waitForState(c, 'ready');
    await c.stop();

    const { conn: plain } = connect(tv.port, {}, new MemoryTokenStore('11223344'));
    await waitForState(plain, 'ready');

    expect(tv.urls[0]).toContain('token=11223344');
    expect(tv.urls[1]).not.toContain('token=');
    expect(tv.urls[1]).toContain('name=RG9jZW50');
  });

  it('drops a late reply instead of handing it to the next request or as an event', async () => {
    let first = true;
    tv = await FakeTv.start({
      onConnect: (ws) => {
        sendConnect(ws);
        sendReady(ws);
      },
      onRequest: (ws, request) => {
        const reply = { event: request.request, request_id: request.request_id, value: 'off' };
        if (first) {
          first = false;
          setTimeout(() => sendArt(ws, { ...reply, value: 'late' }), 150);
          return;
        }
        setTimeout(() => sendArt(ws, reply), 100);
      },
    });
    const { conn: c, log } = connect(tv.port);
    await waitForState(c, 'ready');
    const events: ArtEvent[] = [];
    c.on('event', (event) => events.push(event));

    await expect(c.request('get_artmode_status', {}, { timeoutMs: 100 })).rejects.toMatchObject({
      code: 'TV_TIMEOUT',
    });
    const second = await c.request('get_artmode_status');

    expect(second.value).toBe('off');
    expect(events).toEqual([]);
    expect(
      log.records.some((r) => r.msg === 'tv reply without pending request dropped' && r.late),
    ).toBe(true);
  });

  it('survives junk frames and still answers requests', async () => {
    tv = await FakeTv.start({
      onConnect: (ws) => {
        sendConnect(ws);
        ws.send('not json at all');
        ws.send(JSON.stringify({ event: 'd2d_service_message', data: '{broken' }));
        ws.send(Buffer.from([1, 2, 3]), { binary: true });
        sendReady(ws);
      },
      onRequest: (ws, request) =>
        sendArt(ws, { event: request.request, request_id: request.request_id, value: 'on' }),
    });
    const { conn: c, log } = connect(tv.port);

    await waitForState(c, 'ready');

    await expect(c.request('get_artmode_status')).resolves.toMatchObject({ value: 'on' });
    expect(log.records.filter((r) => r.msg === 'tv frame ignored')).toHaveLength(2);
  });

  it('accepts the art_mode_changed broadcast when set_artmode_status gets no direct reply', async () => {
    tv = await FakeTv.start({
      onConnect: (ws) => {
        sendConnect(ws);
        sendReady(ws);
      },
      // 2020/2021 sets confirm only with the broadcast (frame-protocol.md §3.6).
      onRequest: (ws, request) => sendArt(ws, { event: 'art_mode_changed', status: request.value }),
    });
    const { conn: c } = connect(tv.port, { requestTimeoutMs: 5000 });
    await waitForState(c, 'ready');
    const api = new FrameArtApi(c);

    const started = Date.now();
    await api.setArtMode(true);

    expect(Date.now() - started).toBeLessThan(1000);
  });

  it('rejects setArtMode with TV_TIMEOUT when neither reply nor broadcast comes', async () => {
    tv = await FakeTv.start({
      onConnect: (ws) => {
        sendConnect(ws);
        sendReady(ws);
      },
    });
    const { conn: c } = connect(tv.port);
    await waitForState(c, 'ready');

    await expect(new FrameArtApi(c).setArtMode(false, { timeoutMs: 100 })).rejects.toMatchObject({
      code: 'TV_TIMEOUT',
    });
  });

  it('reports a reply that does not fit as TV_BAD_REPLY naming the request', async () => {
    tv = await FakeTv.start({
      onConnect: (ws) => {
        sendConnect(ws);
        sendReady(ws);
      },
      onRequest: (ws, request) =>
        sendArt(ws, { event: request.request, request_id: request.request_id, value: 'maybe' }),
    });
    const { conn: c } = connect(tv.port);
    await waitForState(c, 'ready');

    await expect(new FrameArtApi(c).getArtModeStatus()).rejects.toMatchObject({
      code: 'TV_BAD_REPLY',
      message: expect.stringContaining('get_artmode_status'),
    });
  });
});
