import { silentLogger } from '../../src/log.js';
import type { ProfileName, SimProfile } from '../../src/sim/profile.js';
import { FramePower, type TvPower } from '../../src/tv/power.js';
import { type SimApi, startSimApi } from './sim-api-fixture.js';

/** Short hardware timings so every transition finishes in well under a second or two. */
const FAST_TV: Partial<SimProfile> = {
  bootDelayMs: 300,
  powerLongPressMs: 100,
  wolIgnoreAfterOffMs: 0,
  remoteStandbyCloseMs: 0,
};

describe.each(['2022', '2025', '2019'] as ProfileName[])('FramePower on the %s profile', (name) => {
  let t: SimApi;
  let power: FramePower;
  let changes: TvPower[];

  beforeEach(async () => {
    t = await startSimApi(name, { profile: FAST_TV, artworks: 5 });
    power = new FramePower(
      {
        host: t.sim.host,
        port: t.sim.securePort,
        secure: true,
        wol: { address: '127.0.0.1', from: '127.0.0.1', port: t.sim.wolPort },
        powerOffHoldMs: 250,
        pollIntervalMs: 100,
        wakeTimeoutMs: 5000,
        stepTimeoutMs: 5000,
        standbyRecheckMs: 100,
      },
      { connection: t.conn, api: t.api, capabilities: t.capabilities, logger: silentLogger() },
    );
    power.start();
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

  it('switches art mode off and on by request, verified, without power keys', async () => {
    await power.setPower('watching');
    expect(t.sim.state()).toMatchObject({ power: 'on', artMode: 'off' });
    expect(power.power).toBe('watching');

    await power.setPower('art');
    expect(t.sim.state()).toMatchObject({ power: 'on', artMode: 'on' });
    expect(t.sim.state().powerKeyHeld).toBe(false);
  });

  it('goes to standby by holding KEY_POWER and wakes from standby with Wake-on-LAN', async () => {
    await power.refresh();

    await power.setPower('off');
    expect(t.sim.state().power).toBe('standby');
    expect(power.power).toBe('off');
    expect(t.sim.state().powerKeyHeld).toBe(false);

    await power.setPower('art');
    expect(t.sim.state()).toMatchObject({ power: 'on', artMode: 'on' });
    expect(t.sim.counters().wolPackets).toBeGreaterThanOrEqual(1);
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

describe('FramePower and the ambiguous standby event', () => {
  it('keeps art when go_to_standby comes from the motion sensor (panel sleep)', async () => {
    const t = await startSimApi('2022', { artworks: 5 });
    const power = new FramePower(
      { host: t.sim.host, port: t.sim.securePort, secure: true, standbyRecheckMs: 50 },
      { connection: t.conn, api: t.api, capabilities: t.capabilities, logger: silentLogger() },
    );
    power.start();
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
    const power = new FramePower(
      { host: t.sim.host, port: t.sim.securePort, secure: true, standbyRecheckMs: 50 },
      { connection: t.conn, api: t.api, capabilities: t.capabilities, logger: silentLogger() },
    );
    power.start();
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
