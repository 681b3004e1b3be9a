import { readFile } from 'node:fs/promises';
import path from 'node:path';
import {
  ArtworkDescriber,
  type ArtworkDescriberOptions,
  type DescribeResult,
} from '../../src/ai/describer.js';
import {
  MAX_SENSOR_STATE_CHARS,
  toDescriptionPayload,
  toSensorState,
} from '../../src/ai/payload.js';
import type { ArtworkDescription } from '../../src/ai/schema.js';
import { type Logger, silentLogger } from '../../src/log.js';
import type { Clock } from '../../src/util/clock.js';
import {
  captureLogger,
  type FakeOpenAiServer,
  fakeJpeg,
  makeTempDir,
  startFakeOpenAiServer,
  waitUntil,
} from './fake-openai.js';
import { ManualClock } from './manual-clock.js';

const API_KEY = 'sk-test-docent-0123456789abcdef';
const JAN_10_NOON_UTC = Date.UTC(2026, 0, 10, 12, 0, 0);

let fake: FakeOpenAiServer;
let temp: { dir: string; remove(): Promise<void> };
const describers: ArtworkDescriber[] = [];

beforeEach(async () => {
  fake = await startFakeOpenAiServer({ apiKey: API_KEY });
  temp = await makeTempDir();
});

afterEach(async () => {
  await Promise.all(describers.splice(0).map((describer) => describer.stop()));
  await fake.close();
  await temp.remove();
});

async function startDescriber(
  overrides: Partial<ArtworkDescriberOptions> = {},
  deps: { logger?: Logger; clock?: Clock } = {},
): Promise<ArtworkDescriber> {
  const describer = new ArtworkDescriber(
    {
      apiKey: API_KEY,
      baseUrl: fake.baseUrl,
      dataDir: temp.dir,
      tvId: 'living room',
      requestsPerMinute: 6000,
      ...overrides,
    },
    { logger: deps.logger ?? silentLogger(), clock: deps.clock, random: () => 0.5 },
  );
  describers.push(describer);
  await describer.start();

  return describer;
}

function descriptionOf(result: DescribeResult): ArtworkDescription {
  if (result.status !== 'ok') throw new Error(`expected ok, got ${result.code}: ${result.message}`);

  return result.description;
}

describe('ArtworkDescriber', () => {
  test('describes an artwork through structured output and shapes it for MQTT and HA', async () => {
    const describer = await startDescriber();
    const announced: string[] = [];
    describer.on('described', (contentId) => announced.push(contentId));

    const result = await describer.describe('MY_F0001', fakeJpeg('starry'), { priority: 'now' });

    expect(result).toMatchObject({ status: 'ok', cached: false });
    const description = descriptionOf(result);
    expect(description.title.length).toBeGreaterThan(0);
    expect(description.confidence).toBeGreaterThanOrEqual(0);
    expect(description.confidence).toBeLessThanOrEqual(1);
    expect(announced).toEqual(['MY_F0001']);
    expect(fake.stats.requests).toBe(1);

    const meta = describer.descriptionMeta('MY_F0001');
    expect(meta).toMatchObject({ contentId: 'MY_F0001', model: 'gpt-4o-mini', language: 'en' });
    if (!meta) throw new Error('no meta');
    const payload = toDescriptionPayload(description, meta);
    expect(Object.keys(payload).sort()).toEqual(
      [
        'artist',
        'confidence',
        'content_id',
        'described_at',
        'description',
        'language',
        'medium',
        'model',
        'mood',
        'style',
        'tags',
        'title',
        'year',
      ].sort(),
    );
    expect(payload.content_id).toBe('MY_F0001');
    expect(new Date(payload.described_at).toString()).not.toBe('Invalid Date');
    const state = toSensorState(description);
    expect(state.length).toBeLessThan(MAX_SENSOR_STATE_CHARS);
    expect(state).toContain(description.title);
  });

  test('refuses malformed model output and caches nothing', async () => {
    fake.setBehaviour({ kind: 'malformed' });
    const describer = await startDescriber();

    const result = await describer.describe('MY_F0002', fakeJpeg('bad'));

    expect(result).toMatchObject({ status: 'error', code: 'AI_BAD_OUTPUT' });
    expect(describer.cached('MY_F0002')).toBeNull();
    await describer.stop();
    const file = await readFile(
      path.join(temp.dir, 'tvs', 'living%20room', 'descriptions.json'),
      'utf8',
    ).catch(() => '');
    expect(file).not.toContain('MY_F0002');

    fake.setBehaviour({ kind: 'happy' });
    const again = await startDescriber();
    expect(await again.describe('MY_F0002', fakeJpeg('bad'))).toMatchObject({ status: 'ok' });
    expect(fake.stats.requests).toBe(2);
  });

  test('waits out a 429 for its retry-after, then succeeds', async () => {
    const clock = new ManualClock(JAN_10_NOON_UTC);
    fake.setBehaviour({ kind: 'rate-limited', times: 1, retryAfterSeconds: 7 });
    const describer = await startDescriber({ requestsPerMinute: 20 }, { clock });

    let settled: DescribeResult | null = null;
    const pending = describer.describe('MY_F0003', fakeJpeg('wave')).then((result) => {
      settled = result;
      return result;
    });
    await waitUntil(() => fake.stats.requests === 1 && clock.timerCount > 0);

    clock.advance(6_900);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(fake.stats.requests).toBe(1);
    expect(settled).toBeNull();

    clock.advance(100);
    const result = await pending;

    expect(result).toMatchObject({ status: 'ok', cached: false });
    expect(fake.stats.requests).toBe(2);
  });

  test('retries a 503 with backoff and gives up after the attempt limit', async () => {
    const clock = new ManualClock(JAN_10_NOON_UTC);
    fake.setBehaviour({ kind: 'server-error', times: 10 });
    const describer = await startDescriber({ maxAttempts: 3 }, { clock });

    const pending = describer.describe('MY_F0004', fakeJpeg('lilies'));
    for (let attempt = 1; attempt < 3; attempt++) {
      await waitUntil(() => fake.stats.requests === attempt && clock.timerCount > 0);
      clock.advance(60_000);
    }
    const result = await pending;

    expect(result).toMatchObject({ status: 'error', code: 'AI_UNAVAILABLE' });
    expect(fake.stats.requests).toBe(3);
  });

  test('a refused key disables AI work; later calls are refused without a request', async () => {
    const logs = captureLogger();
    const describer = await startDescriber(
      { apiKey: 'sk-wrong-key-0123456789' },
      { logger: logs.logger },
    );

    const first = await describer.describe('MY_F0005', fakeJpeg('kiss'));
    const second = await describer.describe('MY_F0006', fakeJpeg('other'));

    expect(first).toMatchObject({ status: 'error', code: 'AI_AUTH' });
    expect(second).toMatchObject({ status: 'error', code: 'AI_AUTH' });
    expect(describer.disabledReason).toBe('OpenAI rejected the API key');
    expect(fake.stats.requests).toBe(1);
    const errors = logs.records().filter((record) => record.level >= 50);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ component: 'ai', msg: expect.stringContaining('disabled') });
  });

  test('the API key never reaches a log line or a result, even when the server echoes it', async () => {
    const logs = captureLogger();
    const wrongKey = 'sk-proj-VERYSECRET-abcdef0123456789';
    const describer = await startDescriber(
      { apiKey: wrongKey, baseUrl: `${fake.baseUrl}` },
      { logger: logs.logger },
    );

    const result = await describer.describe('MY_F0007', fakeJpeg('secret'));
    await describer.stop();

    expect(result.status).toBe('error');
    expect(JSON.stringify(result)).not.toContain('VERYSECRET');
    expect(logs.text().length).toBeGreaterThan(0);
    expect(logs.text()).not.toContain('VERYSECRET');
    expect(logs.text()).not.toContain(API_KEY);
  });

  test('refuses with AI_BUDGET before sending when the daily cap would be exceeded', async () => {
    const describer = await startDescriber({ budget: { dailyTokens: 1000 } });

    const result = await describer.describe('MY_F0008', fakeJpeg('costly'));

    expect(result).toMatchObject({ status: 'error', code: 'AI_BUDGET' });
    expect(fake.stats.requests).toBe(0);
    expect(describer.usage()).toEqual({
      dailyTokens: 0,
      monthlyTokens: 0,
      dailyLimit: 1000,
      monthlyLimit: null,
      requests: 0,
      requestsToday: 0,
    });
  });

  test('counts real usage, keeps it across restarts and starts a new day at zero', async () => {
    const clock = new ManualClock(JAN_10_NOON_UTC);
    const budget = { dailyTokens: 10_000, monthlyTokens: 100_000 };
    const describer = await startDescriber({ budget }, { clock });

    // The fake reports 3040 tokens per request; after the first, 2900 prompt + 600 reply are reserved.
    for (const id of ['A', 'B', 'C']) {
      expect(await describer.describe(id, fakeJpeg(id))).toMatchObject({ status: 'ok' });
      clock.advance(1_000);
    }
    expect(await describer.describe('D', fakeJpeg('D'))).toMatchObject({ code: 'AI_BUDGET' });
    expect(fake.stats.requests).toBe(3);
    await describer.stop();

    const restarted = await startDescriber({ budget }, { clock });
    expect(restarted.usage()).toMatchObject({
      dailyTokens: 9120,
      monthlyTokens: 9120,
      requests: 3,
    });

    clock.advance(24 * 60 * 60 * 1000);
    expect(restarted.usage()).toMatchObject({ dailyTokens: 0, monthlyTokens: 9120 });
    expect(await restarted.describe('D', fakeJpeg('D'))).toMatchObject({ status: 'ok' });
  });

  test('answers from the disk cache after a restart without asking the API', async () => {
    const first = await startDescriber();
    const original = descriptionOf(await first.describe('MY_F0009', fakeJpeg('cached')));
    await first.stop();
    fake.resetStats();

    const second = await startDescriber();
    expect(second.cached('MY_F0009')).toEqual(original);
    const result = await second.describe('MY_F0009', fakeJpeg('cached'));

    expect(result).toEqual({ status: 'ok', description: original, cached: true });
    expect(fake.stats.requests).toBe(0);
  });

  test('asks again when the same content id comes with a different image', async () => {
    const describer = await startDescriber();

    await describer.describe('MY_F0010', fakeJpeg('before'));
    const result = await describer.describe('MY_F0010', fakeJpeg('after'));

    expect(result).toMatchObject({ status: 'ok', cached: false });
    expect(fake.stats.requests).toBe(2);
  });

  test('never sends the same image twice: concurrent calls share a request, twins reuse it', async () => {
    const describer = await startDescriber();
    const image = fakeJpeg('twin');

    const [one, two] = await Promise.all([
      describer.describe('MY_F0011', image),
      describer.describe('MY_F0011', image),
    ]);
    const twin = await describer.describe('MY_F0012', Buffer.from(image));

    expect(one).toEqual(two);
    expect(twin).toMatchObject({ status: 'ok', cached: true });
    expect(fake.stats.requests).toBe(1);
  });

  test('keeps at most `concurrency` requests in flight', async () => {
    fake.setDelayMs(60);
    const describer = await startDescriber({ concurrency: 2 });

    const results = await Promise.all(
      ['1', '2', '3', '4', '5'].map((id) => describer.describe(`MY_C${id}`, fakeJpeg(`c${id}`))),
    );

    expect(results.every((result) => result.status === 'ok')).toBe(true);
    expect(fake.stats.requests).toBe(5);
    expect(fake.stats.maxInFlight).toBe(2);
  });

  test("'now' requests start before queued background ones", async () => {
    fake.setDelayMs(40);
    const describer = await startDescriber({ concurrency: 1 });
    const order: string[] = [];
    describer.on('described', (contentId) => order.push(contentId));

    const running = describer.describe('first', fakeJpeg('first'));
    await waitUntil(() => fake.stats.requests === 1);
    const background = describer.describe('background', fakeJpeg('background'));
    const urgent = describer.describe('urgent', fakeJpeg('urgent'), { priority: 'now' });
    await Promise.all([running, background, urgent]);

    expect(order).toEqual(['first', 'urgent', 'background']);
  });

  test('holds to the requests-per-minute limit', async () => {
    const clock = new ManualClock(JAN_10_NOON_UTC);
    const describer = await startDescriber({ concurrency: 1, requestsPerMinute: 2 }, { clock });

    const done: string[] = [];
    const all = ['r1', 'r2', 'r3'].map((id) =>
      describer.describe(id, fakeJpeg(id)).then(() => done.push(id)),
    );
    await waitUntil(() => done.length === 1);
    await waitUntil(() => clock.timerCount > 0);
    // Burst of one token (concurrency 1), then one every 30 s.
    expect(fake.stats.requests).toBe(1);
    clock.advance(30_000);
    await waitUntil(() => done.length === 2);
    await waitUntil(() => clock.timerCount > 0);
    expect(fake.stats.requests).toBe(2);
    clock.advance(30_000);
    await Promise.all(all);

    expect(fake.stats.requests).toBe(3);
  });

  test('stop ends pending describes with AI_STOPPED', async () => {
    fake.setDelayMs(2_000);
    const describer = await startDescriber({ concurrency: 1 });

    const inFlight = describer.describe('slow', fakeJpeg('slow'));
    const queued = describer.describe('queued', fakeJpeg('queued'));
    await waitUntil(() => fake.stats.requests === 1);
    const startedMs = Date.now();
    await describer.stop();

    expect(await inFlight).toMatchObject({ status: 'error', code: 'AI_STOPPED' });
    expect(await queued).toMatchObject({ status: 'error', code: 'AI_STOPPED' });
    expect(Date.now() - startedMs).toBeLessThan(1_000);
    expect(await describer.describe('late', fakeJpeg('late'))).toMatchObject({
      code: 'AI_STOPPED',
    });
  });

  test('refuses bytes that are not an image without a request', async () => {
    const describer = await startDescriber();

    const result = await describer.describe('MY_F0013', Buffer.from('not an image'));

    expect(result).toMatchObject({ status: 'error', code: 'AI_BAD_INPUT' });
    expect(fake.stats.requests).toBe(0);
  });
});
