/**
 * Every supervision state (types.ts `ConnectionState`, `pairing` aside: pairing-sim.test.ts) is
 * reached and left on every model profile, with what the TV does on the wire as the only cause.
 */
import { PROFILES, type ProfileName } from '../../src/sim/profile.js';
import type { SimSwitches } from '../../src/sim/switches.js';
import type { FramePower } from '../../src/tv/power.js';
import type { ConnectionState } from '../../src/tv/types.js';
import { FAST_SUPERVISION, recordStates, waitForState } from './helpers.js';
import { FAST_TV, PROFILE_NAMES, type SimApi, startPower, startSimApi } from './sim-api-fixture.js';

/**
 * What Docent reports for a standby (§6.5), read from connection.ts and power.ts: power comes
 * from REST (and, on 5.x, from Docent's own confirmed standby), so it reads `off` everywhere; the
 * connection state describes the socket, so it stays `ready` where the TV keeps the art socket
 * and reads are still answered, and reads `standby` where the TV drops it and REST says standby.
 */
function standbyReading(name: ProfileName): string {
  return PROFILES[name].standbyArtSocket === 'keep'
    ? 'power reads off, the connection stays ready on the socket the TV keeps'
    : 'power reads off, the connection reads standby once the TV drops the socket';
}

/** `states` holds `path` in this order (other states may come between). */
function expectPath(states: ConnectionState[], path: ConnectionState[]): void {
  let at = 0;
  for (const state of states) {
    if (state === path[at]) at += 1;
  }

  expect({ states, reached: path.slice(0, at) }).toEqual({ states, reached: path });
}

describe.each(PROFILE_NAMES)('supervision states on the %s profile', (name) => {
  let t: SimApi | null = null;
  let power: FramePower | null = null;

  afterEach(async () => {
    power?.stop();
    power = null;
    await t?.stop();
    t = null;
  });

  async function start(): Promise<SimApi> {
    t = await startSimApi(name, {
      artworks: 5,
      profile: FAST_TV,
      connection: {
        ...FAST_SUPERVISION,
        hardFailuresBeforeHarder: 1,
        hardFailuresBeforeDormant: 2,
      },
    });

    return t;
  }

  it('goes offline while the TV is off, and through connecting back to ready when it is on', async () => {
    const { sim, conn } = await start();
    const states = recordStates(conn);

    sim.setPower('off');
    await waitForState(conn, 'offline');
    sim.setPower('on');
    await waitForState(conn, 'ready');

    expectPath(states, ['offline', 'connecting', 'ready']);
  });

  // 5.x says `standby` on REST while showing art (§6.1, XW#185): not a reason to read standby.
  it('backs off when the TV drops the socket while on, then connects again', async () => {
    const { sim, conn } = await start();
    const states = recordStates(conn);

    sim.dropArtConnections();
    await waitForState(conn, 'backoff');
    await waitForState(conn, 'ready');

    expect(states).toEqual(['backoff', 'connecting', 'ready']);
  });

  it.each<keyof SimSwitches>(['artAppAbsent', 'artNeverServes'])(
    'goes dormant while %s, and leaves dormant through a probe once the app serves',
    async (fault) => {
      const { sim, conn } = await start();
      const states = recordStates(conn);
      sim.setSwitches({ [fault]: true });
      sim.dropArtConnections();
      await waitForState(conn, 'dormant', 8000);
      const opened = conn.stats().socketsOpened;

      sim.setSwitches({ [fault]: false });
      await expect(conn.probe()).resolves.toBe('ready');

      expectPath(states, ['backoff', 'connecting', 'dormant', 'connecting', 'ready']);
      expect(conn.stats().socketsOpened).toBe(opened + 1);
      await expect(conn.request('get_artmode_status')).resolves.toHaveProperty('event');
    },
  );

  it(`in standby ${standbyReading(name)}, and both recover on wake`, async () => {
    const started = await start();
    const { sim, conn, api } = started;
    power = startPower(sim, started, { powerOffHoldMs: 250, pollIntervalMs: 100 });
    await expect(power.refresh()).resolves.toBe('art');
    const states = recordStates(conn);
    const opened = conn.stats().socketsOpened;
    const kept = sim.profile.standbyArtSocket === 'keep';
    // Listening first: the connection may pass through standby before setPower returns.
    const connectionStandby = kept ? null : waitForState(conn, 'standby');

    await power.setPower('off');

    expect(sim.state().power).toBe('standby');
    expect(power.power).toBe('off');
    if (kept) {
      expect(conn.state).toBe('ready');
      await expect(api.getArtModeStatus()).resolves.toMatch(/^(on|off)$/);
      expect(conn.stats().socketsOpened).toBe(opened);
    } else {
      await connectionStandby;
    }

    await power.setPower('art');

    await waitForState(conn, 'ready');
    expect(power.power).toBe('art');
    if (kept) {
      expect(states).toEqual([]);
      expect(conn.stats().socketsOpened).toBe(opened);
    } else {
      expectPath(states, ['standby', 'connecting', 'ready']);
    }
  });
});
