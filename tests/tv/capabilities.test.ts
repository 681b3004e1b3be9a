import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { silentLogger } from '../../src/log.js';
import { ArtRequester } from '../../src/tv/art-requester.js';
import { TvCapabilities } from '../../src/tv/capabilities.js';
import { FileCapabilityStore, MemoryCapabilityStore } from '../../src/tv/capability-store.js';
import { generationOf, generationOfModel } from '../../src/tv/capability-table.js';
import { type SimApi, startSimApi } from './sim-api-fixture.js';

describe('capability detection against the simulator', () => {
  let t: SimApi | null = null;

  afterEach(async () => {
    await t?.stop();
    t = null;
  });

  function requesterOf(sim: SimApi): { requester: ArtRequester; caps: TvCapabilities } {
    const caps = new TvCapabilities({ logger: silentLogger() });

    return { requester: new ArtRequester(sim.conn, caps, silentLogger()), caps };
  }

  it('latches "not supported" on error -9 (5.x) and then refuses without asking', async () => {
    t = await startSimApi('2025');
    const { requester, caps } = requesterOf(t);

    await expect(requester.call('get_brightness')).rejects.toMatchObject({ tvErrorCode: '-9' });
    expect(caps.observed('get_brightness')).toEqual({
      support: 'unsupported',
      reason: 'not_supported',
    });

    await expect(requester.call('get_brightness')).rejects.toMatchObject({
      code: 'TV_UNSUPPORTED',
    });
    expect(t.sim.counters().requests.get_brightness).toBe(1);
  });

  it('latches silence as unsupported only when the channel answers a probe right after', async () => {
    t = await startSimApi('2024');
    const { requester, caps } = requesterOf(t);

    await expect(requester.call('get_brightness', {}, { timeoutMs: 300 })).rejects.toMatchObject({
      code: 'TV_TIMEOUT',
    });

    expect(caps.observed('get_brightness')).toEqual({ support: 'unsupported', reason: 'silence' });
    expect(caps.feature('brightness')).not.toBe('unsupported');
  });

  it('does not take silence for "unsupported" while the art app is wedged', async () => {
    t = await startSimApi('2024');
    const { requester, caps } = requesterOf(t);
    t.sim.setSwitches({ appWedged: true });

    await expect(
      requester.call('get_current_artwork', {}, { timeoutMs: 200 }),
    ).rejects.toMatchObject({ code: 'TV_TIMEOUT' });

    expect(caps.observed('get_current_artwork')).toBeNull();
  });

  it('never latches a request every generation has on silence (a slow TV, §7 Q3)', async () => {
    t = await startSimApi('2022', { profile: { silentRequests: ['get_content_list'] } });
    const { requester, caps } = requesterOf(t);

    await expect(requester.call('get_content_list', {}, { timeoutMs: 200 })).rejects.toMatchObject({
      code: 'TV_TIMEOUT',
    });

    expect(caps.observed('get_content_list')).toBeNull();
    expect(caps.isOffered('get_content_list')).toBe(true);
  });

  it('latches -1 only after it repeats with no success in between (§7 Q2)', async () => {
    t = await startSimApi('2021');
    const { requester, caps } = requesterOf(t);

    await expect(requester.call('get_slideshow_status')).rejects.toMatchObject({
      tvErrorCode: '-1',
    });
    expect(caps.observed('get_slideshow_status')).toBeNull();
    await expect(requester.call('get_slideshow_status')).rejects.toMatchObject({
      tvErrorCode: '-1',
    });

    expect(caps.observed('get_slideshow_status')).toEqual({
      support: 'unsupported',
      reason: 'system_fail',
    });
  });

  it('hides thumbnails on a 2024 set whose thumbnail list fails with -1', async () => {
    t = await startSimApi('2024', { switches: { thumbnailList: 'error-1' } });
    const ids = t.sim.contentIds().slice(0, 2);

    for (let i = 0; i < 2; i += 1) {
      await expect(t.api.getThumbnails(ids, { timeoutMs: 1000 })).rejects.toMatchObject({
        tvErrorCode: '-1',
      });
    }

    expect(t.capabilities.feature('thumbnails')).toBe('unsupported');
    await expect(t.api.getThumbnails(ids, { timeoutMs: 1000 })).rejects.toMatchObject({
      code: 'TV_UNSUPPORTED',
    });
  });

  it('offers what the generation has and hides what it lacks', async () => {
    t = await startSimApi('2021');
    await t.api.detect();

    const features = t.capabilities.features();

    expect(features.slideshow).toBe('supported');
    expect(features.art_mode_settings).toBe('unsupported');
    expect(features.motion_timer).toBe('unsupported');
    expect(features.thumbnails).toBe('supported');
    expect(t.capabilities.isOffered('get_thumbnail_list')).toBe(false);
  });
});

/** Only `now()` matters to TvCapabilities; the timers are never used there. */
function manualClock(startMs = Date.parse('2025-01-01T00:00:00Z')) {
  let nowMs = startMs;

  return {
    now: () => nowMs,
    setTimeout: () => ({ id: null }),
    clearTimeout: () => {},
    advance: (ms: number) => {
      nowMs += ms;
    },
  };
}

const DAY_MS = 86_400_000;

describe('re-checking latched verdicts', () => {
  it('asks a latched request again once after the interval, and latches it afresh on refusal', () => {
    const clock = manualClock();
    const caps = new TvCapabilities({ logger: silentLogger(), clock, recheckAfterMs: 7 * DAY_MS });
    caps.setApiVersion('4.3.4.0');
    caps.noteUnsupported('get_brightness', 'silence');

    clock.advance(6 * DAY_MS);
    expect(caps.isOffered('get_brightness')).toBe(false);
    clock.advance(DAY_MS);
    expect(caps.isOffered('get_brightness')).toBe(true);
    expect(caps.supportOf('get_brightness')).toBe('unknown');

    caps.noteUnsupported('get_brightness', 'silence');
    expect(caps.isOffered('get_brightness')).toBe(false);
    expect(caps.toJSON().requests.get_brightness?.at).toBe(new Date(clock.now()).toISOString());
  });

  it('keeps a re-checked request once the TV answers it', () => {
    const clock = manualClock();
    const caps = new TvCapabilities({ logger: silentLogger(), clock });
    caps.setApiVersion('4.3.4.0');
    caps.noteUnsupported('get_thumbnail_list', 'not_supported');
    clock.advance(8 * DAY_MS);

    caps.noteAnswered('get_thumbnail_list');

    clock.advance(30 * DAY_MS);
    expect(caps.supportOf('get_thumbnail_list')).toBe('supported');
  });

  it('confirms a re-checked -1 at the first refusal, without new strikes (§7 Q2)', () => {
    const clock = manualClock();
    const caps = new TvCapabilities({ logger: silentLogger(), clock });
    caps.noteUnsupported('get_slideshow_status', 'system_fail');
    expect(caps.noteUnsupported('get_slideshow_status', 'system_fail')).toBe(true);
    clock.advance(7 * DAY_MS);
    expect(caps.isOffered('get_slideshow_status')).toBe(true);

    expect(caps.noteUnsupported('get_slideshow_status', 'system_fail')).toBe(true);

    expect(caps.isOffered('get_slideshow_status')).toBe(false);
  });

  it('re-checks a verdict a previous run saved long ago', async () => {
    const clock = manualClock();
    const store = new MemoryCapabilityStore({
      apiVersion: '4.3.4.0',
      model: null,
      mac: null,
      slideshowApi: null,
      artToken: null,
      requests: {
        get_brightness: {
          support: 'unsupported',
          reason: 'silence',
          at: new Date(clock.now() - 10 * DAY_MS).toISOString(),
        },
      },
    });
    const caps = new TvCapabilities({ store, logger: silentLogger(), clock });

    await caps.load();

    expect(caps.isOffered('get_brightness')).toBe(true);
  });

  it('asks the TV again after the interval, and refuses without asking once re-latched (2024)', async () => {
    const clock = manualClock(Date.now());
    const sim = await startSimApi('2024');
    try {
      const caps = new TvCapabilities({ logger: silentLogger(), clock });
      const requester = new ArtRequester(sim.conn, caps, silentLogger());
      const ask = () => requester.call('get_brightness', {}, { timeoutMs: 200 });
      await expect(ask()).rejects.toMatchObject({ code: 'TV_TIMEOUT' });
      await expect(ask()).rejects.toMatchObject({ code: 'TV_UNSUPPORTED' });
      expect(sim.sim.counters().requests.get_brightness).toBe(1);

      clock.advance(7 * DAY_MS + 1);
      await expect(ask()).rejects.toMatchObject({ code: 'TV_TIMEOUT' });
      await expect(ask()).rejects.toMatchObject({ code: 'TV_UNSUPPORTED' });

      expect(sim.sim.counters().requests.get_brightness).toBe(2);
    } finally {
      await sim.stop();
    }
  });
});

describe('FileCapabilityStore', () => {
  let dir: string;

  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'docent-caps-'));
  });

  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('persists observations atomically and a new run reads them back', async () => {
    const store = new FileCapabilityStore({ dataDir: dir, tvId: 'lounge' });
    const caps = new TvCapabilities({ store, logger: silentLogger() });
    caps.setApiVersion('4.3.4.0');
    caps.setDeviceFacts({ model: '24_PONTUSM_FTV', mac: '02:00:00:00:00:0A' });
    caps.noteUnsupported('get_brightness', 'silence');
    caps.setSlideshowApi('slideshow');
    await caps.flush();

    const text = await readFile(store.filePath, 'utf8');
    expect(JSON.parse(text)).toMatchObject({
      version: 1,
      api_version: '4.3.4.0',
      mac: '02:00:00:00:00:0A',
      slideshow_api: 'slideshow',
      requests: { get_brightness: { support: 'unsupported', reason: 'silence' } },
    });
    expect((await stat(path.dirname(store.filePath))).isDirectory()).toBe(true);

    const again = new TvCapabilities({ store, logger: silentLogger() });
    await again.load();
    expect(again.supportOf('get_brightness')).toBe('unsupported');
    expect(again.generation).toBe('4.x');
    expect(again.mac).toBe('02:00:00:00:00:0A');
  });

  it('rejects a file that does not fit and starts afresh', async () => {
    const store = new FileCapabilityStore({ dataDir: dir, tvId: 'lounge' });
    await new TvCapabilities({ store, logger: silentLogger() }).flush();
    await writeFile(path.join(dir, 'x'), '');
    const { mkdir } = await import('node:fs/promises');
    await mkdir(path.dirname(store.filePath), { recursive: true });
    await writeFile(store.filePath, '{"version":1,"requests":{"x":{"support":"maybe"}}}');

    await expect(store.load()).rejects.toMatchObject({ code: 'CAPABILITIES_FILE_INVALID' });
    const caps = new TvCapabilities({ store, logger: silentLogger() });
    await caps.load();
    expect(caps.apiVersion).toBeNull();
  });

  it('forgets observations when the API version changes (firmware update)', () => {
    const caps = new TvCapabilities({ logger: silentLogger() });
    caps.setApiVersion('4.3.4.0');
    caps.noteUnsupported('get_thumbnail_list', 'not_supported');

    caps.setApiVersion('5.0.1.0');

    expect(caps.observed('get_thumbnail_list')).toBeNull();
  });
});

describe('generations', () => {
  it.each([
    ['0.97', '0.97'],
    ['2.03', '2.x'],
    ['4.3.4.0', '4.x'],
    ['5.0.1.0', '5.x'],
    ['x', null],
  ])('reads API version %s as %s', (version, generation) => {
    expect(generationOf(version)).toBe(generation);
  });

  it.each([
    ['19_MUSEM_FRAME', '0.97'],
    ['21_MUSEM_FRAME', '2.x'],
    ['22_PONTUSM_FTV', '4.x'],
    ['25_PTM_FTV', '5.x'],
    ['SOMETHING', null],
  ])('guesses model %s as %s', (model, generation) => {
    expect(generationOfModel(model)).toBe(generation);
  });
});
