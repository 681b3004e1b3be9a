import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { silentLogger } from '../../src/log.js';
import { type SimulatedFrame, startSimulatedFrame } from '../../src/sim/index.js';
import type { SimProfile } from '../../src/sim/profile.js';
import type { SimSwitches } from '../../src/sim/switches.js';
import { FrameConnection } from '../../src/tv/connection.js';
import { type PairingState, RemoteControl } from '../../src/tv/remote-control.js';
import { FileTokenStore, MemoryTokenStore, type TokenStore } from '../../src/tv/token-store.js';
import type { ConnectionState } from '../../src/tv/types.js';
import { captureLogger, FAST_BACKOFF, recordStates, waitForState } from './helpers.js';

describe('pairing on the remote channel of the simulated Frame', () => {
  let frame: SimulatedFrame;

  afterEach(async () => {
    await frame.stop();
  });

  async function start(switches: Partial<SimSwitches>, profile: Partial<SimProfile> = {}) {
    frame = await startSimulatedFrame({ artworks: 3, latency: 'none', switches, profile });
  }

  function remote(tokens: TokenStore, logger = silentLogger(), promptTimeoutMs = 5000) {
    const control = new RemoteControl(
      {
        host: frame.host,
        port: frame.securePort,
        clientName: 'Docent',
        promptGraceMs: 60,
        promptTimeoutMs,
      },
      { tokenStore: tokens, logger },
    );
    const states: PairingState[] = [];
    control.on('pairing', (state) => states.push(state));

    return { control, states };
  }

  it('shows pending while the prompt is open, then paired; the token is saved 0600 and reused', async () => {
    await start({ pairing: 'accept', promptDelayMs: 300 });
    const dir = await mkdtemp(path.join(tmpdir(), 'docent-pair-'));
    try {
      const tokens = new FileTokenStore({ dataDir: dir, tvId: 'lounge' });
      const log = captureLogger();
      const { control, states } = remote(tokens, log.logger);

      await expect(control.pair()).resolves.toBe('paired');

      expect(states).toEqual(['pending', 'paired']);
      const token = await tokens.load();
      expect(token).toMatch(/^\d{8}$/);
      expect((await stat(tokens.filePath)).mode & 0o777).toBe(0o600);
      expect(log.text()).not.toContain(token ?? 'no token');

      const again = remote(tokens);
      await expect(again.control.pair()).resolves.toBe('paired');
      expect(again.states).toEqual(['paired']);
      expect(await tokens.load()).toBe(token);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('reports denied, and stays denied when the TV drops later attempts silently', async () => {
    await start({ pairing: 'deny', promptDelayMs: 150 });
    const { control, states } = remote(new MemoryTokenStore());

    await expect(control.pair()).resolves.toBe('denied');
    await expect(control.pair()).resolves.toBe('denied');

    expect(states).toEqual(['pending', 'denied']);
  });

  it('reports timeout when the TV gives up on the prompt', async () => {
    await start({ pairing: 'timeout', promptDelayMs: 150 });
    const { control, states } = remote(new MemoryTokenStore());

    await expect(control.pair()).resolves.toBe('timeout');

    expect(states).toEqual(['pending', 'timeout']);
  });

  it('reports timeout when nobody answers within Docent’s own bound', async () => {
    await start({ pairing: 'accept', promptDelayMs: 5000 });
    const { control, states } = remote(new MemoryTokenStore(), silentLogger(), 300);
    const started = Date.now();

    await expect(control.pair()).resolves.toBe('timeout');

    expect(Date.now() - started).toBeLessThan(1500);
    expect(states).toEqual(['pending', 'timeout']);
  });

  it('reports revoked when the TV forgot the token and re-prompts, then paired with a new token', async () => {
    await start({ pairing: 'accept', promptDelayMs: 150 });
    const tokens = new MemoryTokenStore();
    await remote(tokens).control.pair();
    const first = await tokens.load();
    frame.revokeTokens();
    const { control, states } = remote(tokens);

    await expect(control.pair()).resolves.toBe('paired');

    expect(states).toEqual(['revoked', 'pending', 'paired']);
    expect(await tokens.load()).not.toBe(first);
  });

  it('reports revoked when the TV answers the old token with unauthorized, then pairs afresh', async () => {
    await start({ pairing: 'auto' }, { revokedTokenReply: 'unauthorized' });
    const tokens = new MemoryTokenStore();
    await remote(tokens).control.pair();
    frame.revokeTokens();
    const { control, states } = remote(tokens);

    await expect(control.pair()).resolves.toBe('revoked');
    await expect(control.pair()).resolves.toBe('paired');

    expect(states).toEqual(['revoked', 'paired']);
  });

  it('forwards pairing changes from FrameConnection for the session to publish', async () => {
    await start({ pairing: 'deny', promptDelayMs: 1700 });
    const conn = new FrameConnection(
      { tvId: 'tv', host: frame.host, port: frame.securePort, secure: true, backoff: FAST_BACKOFF },
      { logger: silentLogger(), tokenStore: new MemoryTokenStore() },
    );
    const states: PairingState[] = [];
    conn.on('pairing', (state) => states.push(state));
    conn.start();
    try {
      await waitForState(conn, 'ready');

      await expect(conn.pair()).resolves.toBe('denied');

      expect(states).toEqual(['pending', 'denied']);
      expect(conn.pairing).toBe('denied');
    } finally {
      await conn.stop();
    }
  });

  function readyConnection(): FrameConnection {
    const conn = new FrameConnection(
      {
        tvId: 'tv',
        host: frame.host,
        port: frame.securePort,
        secure: true,
        backoff: FAST_BACKOFF,
        promptGraceMs: 60,
      },
      { logger: silentLogger(), tokenStore: new MemoryTokenStore() },
    );
    conn.start();

    return conn;
  }

  it.each([
    ['accept', 'paired'],
    ['deny', 'denied'],
  ] as [SimSwitches['pairing'], PairingState][])(
    'moves the connection state through pairing while the prompt is open (%s), then back',
    async (answer, outcome) => {
      await start({ pairing: answer, promptDelayMs: 400 });
      const conn = readyConnection();
      try {
        await waitForState(conn, 'ready');
        const states = recordStates(conn);
        let duringPrompt: ConnectionState | null = null;
        conn.on('pairing', (state) => {
          if (state === 'pending') setTimeout(() => (duringPrompt = conn.state), 150);
        });

        await expect(conn.pair()).resolves.toBe(outcome);

        expect(duringPrompt).toBe('pairing');
        expect(states).toEqual(['pairing', 'ready']);
        await expect(conn.request('get_artmode_status')).resolves.toHaveProperty('value');
      } finally {
        await conn.stop();
      }
    },
  );

  it('holds supervision changes while the prompt is open and shows where it ended', async () => {
    await start({ pairing: 'accept', promptDelayMs: 500 });
    const conn = readyConnection();
    try {
      await waitForState(conn, 'ready');
      const states = recordStates(conn);
      conn.on('pairing', (state) => {
        if (state === 'pending') frame.dropArtConnections();
      });

      await conn.pair();

      // The socket was replaced under the prompt; the state said `pairing` all along.
      expect(states).toEqual(['pairing', 'ready']);
      expect(conn.stats().socketsOpened).toBe(2);
      await expect(conn.request('get_artmode_status')).resolves.toHaveProperty('value');
    } finally {
      await conn.stop();
    }
  });
});
