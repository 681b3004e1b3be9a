import type { ProfileName } from '../../src/sim/profile.js';
import type { FramePower, TvPower } from '../../src/tv/power.js';
import {
  FAST_CONNECTION,
  FAST_TV,
  PROFILE_NAMES,
  type SimApi,
  startPower,
  startSimApi,
} from './sim-api-fixture.js';

describe.each(PROFILE_NAMES)('FramePower on the %s profile', (name) => {
  let t: SimApi;
  let power: FramePower;
  let changes: TvPower[];

  beforeEach(async () => {
    t = await startSimApi(name, { profile: FAST_TV, artworks: 5, connection: FAST_CONNECTION });
    power = startPower(t.sim, t, {
      powerOffHoldMs: 250,
      pollIntervalMs: 100,
      wakeTimeoutMs: 5000,
      stepTimeoutMs: 5000,
      standbyRecheckMs: 100,
    });
    changes = [];
    power.on('power', (p) => changes.push(p));
  });

  afterEach(async () => {
    power.stop();
    await t.stop();
  });

  it('reads art while the TV shows art (REST standby on 5.x notwithstanding)', async () => {
    await expect(power.refresh()).resolves.toBe('art');
    expect(t.capabilities.mac).toBe(t.sim.mac);
  });

  it('switches art mode off and on by request, verified, without any remote key', async () => {
    await power.setPower('watching');
    expect(t.sim.state()).toMatchObject({ power: 'on', artMode: 'off' });
    expect(power.power).toBe('watching');

    await power.setPower('art');
    expect(t.sim.state()).toMatchObject({ power: 'on', artMode: 'on' });
    expect(power.power).toBe('art');

    // A KEY_POWER click would toggle art mode too (§6.3): only set_artmode_status may do it.
    expect(t.sim.counters().remoteKeys).toEqual({});
    expect(t.sim.counters().requests.set_artmode_status).toBeGreaterThanOrEqual(2);
  });

  it('goes to standby by holding KEY_POWER and wakes from standby with Wake-on-LAN', async () => {
    await power.refresh();

    await power.setPower('off');
    expect(t.sim.state().power).toBe('standby');
    expect(power.power).toBe('off');
    expect(t.sim.state().powerKeyHeld).toBe(false);
    // Held, never clicked: a click on a TV that is on only toggles art mode (§6.3).
    expect(t.sim.counters().remoteKeys).toEqual({
      KEY_POWER: { click: 0, press: 1, release: 1 },
    });

    await power.setPower('art');
    expect(t.sim.state()).toMatchObject({ power: 'on', artMode: 'on' });
    expect(t.sim.counters().wolPackets).toBeGreaterThanOrEqual(1);
    expect(t.sim.counters().remoteKeys.KEY_POWER?.click).toBe(0);
    expect(changes).toEqual(['art', 'off', 'art']);
  });

  it('wakes a fully-off TV with the MAC remembered while it was on', async () => {
    await power.refresh();
    t.sim.setPower('off');
    await expect(power.refresh()).resolves.toBe('off');

    await power.setPower('watching');

    expect(t.sim.state()).toMatchObject({ power: 'on', artMode: 'off' });
  });
});

describe.each(['2024', '2025'] as ProfileName[])(
  'FramePower through a motion-sensor panel sleep on the %s profile',
  (name) => {
    it('keeps art (REST says standby in art mode on 5.x) and still switches to watching', async () => {
      const t = await startSimApi(name, {
        profile: FAST_TV,
        artworks: 5,
        connection: FAST_CONNECTION,
      });
      const power = startPower(t.sim, t, {
        pollIntervalMs: 100,
        stepTimeoutMs: 3000,
        wakeTimeoutMs: 3000,
        standbyRecheckMs: 50,
      });
      try {
        await expect(power.refresh()).resolves.toBe('art');
        const changes: TvPower[] = [];
        power.on('power', (p) => changes.push(p));

        t.sim.sleepPanel();
        await new Promise((resolve) => setTimeout(resolve, 300));
        await expect(power.refresh()).resolves.toBe('art');
        expect(changes).toEqual([]);

        await power.setPower('watching');

        expect(t.sim.state()).toMatchObject({ power: 'on', artMode: 'off' });
        expect(t.sim.counters().wolPackets).toBe(0);
        expect(t.sim.counters().remoteKeys).toEqual({});
        expect(changes).toEqual(['watching']);
      } finally {
        power.stop();
        await t.stop();
      }
    });
  },
);

describe('FramePower and the ambiguous standby event', () => {
  it('keeps art when go_to_standby comes from the motion sensor (panel sleep)', async () => {
    const t = await startSimApi('2022', { artworks: 5 });
    const power = startPower(t.sim, t, { standbyRecheckMs: 50 });
    try {
      await power.refresh();
      const changes: TvPower[] = [];
      power.on('power', (p) => changes.push(p));

      t.sim.sleepPanel();
      await new Promise((resolve) => setTimeout(resolve, 300));

      expect(power.power).toBe('art');
      expect(changes).toEqual([]);
    } finally {
      power.stop();
      await t.stop();
    }
  });

  it('reports off when go_to_standby is a real standby', async () => {
    const t = await startSimApi('2022', { artworks: 5 });
    const power = startPower(t.sim, t, { standbyRecheckMs: 50 });
    try {
      await power.refresh();
      const off = new Promise<void>((resolve) =>
        power.on('power', (p) => {
          if (p === 'off') resolve();
        }),
      );

      t.sim.setPower('standby');

      await off;
      expect(power.power).toBe('off');
    } finally {
      power.stop();
      await t.stop();
    }
  });
});
