/**
 * Waking the TV (§6.3, §6.4): Wake-on-LAN with the MAC read from REST and kept on disk for runs
 * that start with the TV off, and the one KEY_POWER click FramePower allows, only while REST says
 * standby and Wake-on-LAN did not work.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { silentLogger } from '../../src/log.js';
import { type SimulatedFrame, startSimulatedFrame } from '../../src/sim/index.js';
import type { SimProfile } from '../../src/sim/profile.js';
import { TvCapabilities } from '../../src/tv/capabilities.js';
import { FileCapabilityStore } from '../../src/tv/capability-store.js';
import type { FramePower, FramePowerOptions } from '../../src/tv/power.js';
import { waitForState } from './helpers.js';
import {
  connectToSim,
  FAST_CONNECTION,
  FAST_TV,
  PROFILE_NAMES,
  type SimApi,
  type SimClient,
  startPower,
  startSimApi,
} from './sim-api-fixture.js';

const POWER: Partial<FramePowerOptions> = {
  powerOffHoldMs: 250,
  pollIntervalMs: 100,
  wakeTimeoutMs: 3000,
  stepTimeoutMs: 3000,
  standbyRecheckMs: 100,
};

describe.each(PROFILE_NAMES)('Wake-on-LAN with the MAC an earlier run saved (%s)', (name) => {
  let dir: string;
  let sim: SimulatedFrame;
  const running: { client: SimClient; power: FramePower }[] = [];

  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'docent-wake-'));
    sim = await startSimulatedFrame({
      profileName: name,
      profile: FAST_TV,
      artworks: 5,
      latency: 'none',
    });
  });

  afterEach(async () => {
    await Promise.all(running.splice(0).map((run) => stopRun(run)));
    await sim.stop();
    await rm(dir, { recursive: true, force: true });
  });

  /** One Docent run: capabilities loaded from `dir`, a connection, FramePower; no MAC given. */
  async function startRun(): Promise<{
    capabilities: TvCapabilities;
    client: SimClient;
    power: FramePower;
  }> {
    const store = new FileCapabilityStore({ dataDir: dir, tvId: 'lounge' });
    const capabilities = new TvCapabilities({ store, logger: silentLogger() });
    await capabilities.load();
    const client = await connectToSim(sim, capabilities, {
      connection: FAST_CONNECTION,
      waitReady: false,
    });
    const run = { client, power: startPower(sim, client, POWER) };
    running.push(run);

    return { capabilities, ...run };
  }

  async function stopRun(run: { client: SimClient; power: FramePower }): Promise<void> {
    run.power.stop();
    await run.client.stop();
  }

  it('learns the MAC from REST while the TV is on, and a new run wakes it from off with it', async () => {
    const first = await startRun();
    await waitForState(first.client.conn, 'ready');
    await expect(first.power.refresh()).resolves.toBe('art');
    await first.capabilities.flush();
    await Promise.all(running.splice(0).map((run) => stopRun(run)));
    const file = path.join(dir, 'tvs', 'lounge', 'capabilities.json');
    expect(JSON.parse(await readFile(file, 'utf8'))).toMatchObject({ mac: sim.mac });

    sim.setPower('off');
    const second = await startRun();
    expect(second.capabilities.mac).toBe(sim.mac);
    await expect(second.power.refresh()).resolves.toBe('off');

    await second.power.setPower('art');

    expect(sim.state()).toMatchObject({ power: 'on', artMode: 'on' });
    expect(sim.counters().wolPackets).toBeGreaterThanOrEqual(1);
    expect(second.power.power).toBe('art');
  });

  it('cannot wake a TV that is off when no run ever saw it on (TV_NO_MAC)', async () => {
    sim.setPower('off');
    const run = await startRun();

    await expect(run.power.setPower('art')).rejects.toMatchObject({ code: 'TV_NO_MAC' });
    expect(sim.counters().wolPackets).toBe(0);
  });
});

describe.each(PROFILE_NAMES)('waking a TV from standby or off (%s)', (name) => {
  let t: SimApi | null = null;
  let power: FramePower | null = null;

  afterEach(async () => {
    power?.stop();
    power = null;
    await t?.stop();
    t = null;
  });

  /** A simulated TV of this profile (with `profile` changes) and FramePower on it. */
  async function tvWith(
    profile: Partial<SimProfile>,
    options: Partial<FramePowerOptions>,
  ): Promise<{ sim: SimulatedFrame; power: FramePower }> {
    const started = await startSimApi(name, {
      profile: { ...FAST_TV, ...profile },
      artworks: 5,
      connection: FAST_CONNECTION,
    });
    t = started;
    power = startPower(started.sim, started, { ...POWER, ...options });

    return { sim: started.sim, power };
  }

  it('wakes a standby TV that answers Wake-on-LAN with no key, however slowly it boots', async () => {
    // The click is a fallback: allowed only half a repeat (3 s) after a packet; the set boots in 1.5 s.
    const tv = await tvWith({ bootDelayMs: 1500 }, { wolRepeatMs: 6000, wakeTimeoutMs: 5000 });
    await tv.power.setPower('off');
    tv.sim.resetCounters();

    await tv.power.setPower('art');

    expect(tv.sim.state()).toMatchObject({ power: 'on', artMode: 'on' });
    expect(tv.sim.counters().wolPackets).toBeGreaterThanOrEqual(1);
    expect(tv.sim.counters().remoteKeys).toEqual({});
  });

  it('clicks KEY_POWER once when a standby TV ignores Wake-on-LAN, then sets art mode by request, verified', async () => {
    // §6.4 (RAY): a set ignores WoL for a while after it went to standby or off.
    const tv = await tvWith(
      { wolIgnoreAfterOffMs: 60_000 },
      // The click waits for the remote's key gap (1.2 s) after the standby's Release.
      { wolRepeatMs: 400, wakeTimeoutMs: 6000 },
    );
    // In TV mode before standby: the click wakes into that mode (§6.3), so art mode must then
    // be set by request; a second click (a blind toggle) would be counted below.
    await tv.power.setPower('watching');
    await tv.power.setPower('off');
    expect(tv.sim.state().power).toBe('standby');
    tv.sim.resetCounters();

    await tv.power.setPower('art');

    expect(tv.sim.state()).toMatchObject({ power: 'on', artMode: 'on' });
    expect(tv.power.power).toBe('art');
    const counters = tv.sim.counters();
    expect(counters.wolPackets).toBeGreaterThanOrEqual(1);
    expect(counters.remoteKeys).toEqual({ KEY_POWER: { click: 1, press: 0, release: 0 } });
    expect(counters.requests.set_artmode_status).toBeGreaterThanOrEqual(1);
  });

  it('reports the wake unverified when a fully-off TV (REST silent) ignores Wake-on-LAN', async () => {
    const tv = await tvWith(
      { wolIgnoreAfterOffMs: 60_000 },
      { wolRepeatMs: 400, wakeTimeoutMs: 1500 },
    );
    await tv.power.refresh();
    tv.sim.setPower('off');
    tv.sim.resetCounters();

    await expect(tv.power.setPower('art')).rejects.toMatchObject({ code: 'TV_POWER_UNVERIFIED' });

    // No key can reach a TV without network; what matters is that no success is claimed.
    expect(tv.sim.state().power).toBe('off');
    expect(tv.sim.counters().wolPackets).toBeGreaterThanOrEqual(1);
    expect(tv.power.power).toBe('off');
  });
});
