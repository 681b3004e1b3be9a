import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { type FakeOpenAiServer, startFakeOpenAiServer } from '../../src/ai/fake-server.js';
import { startSimulatedFrame } from '../../src/sim/index.js';
import { retainedOn, startRecorder } from '../helpers/mqtt-recorder.js';
import { waitUntil } from '../helpers/wait-until.js';
import { type Harness, startHarness } from './harness.js';

type Json = Record<string, unknown>;
type AiView = {
  status: string;
  tokens_today: number;
  tokens_month: number;
  requests_today: number;
  last_error: string | null;
};
const KEY = 'sk-test-descriptions';
const AI = {
  apiKey: KEY,
  model: 'gpt-4o-mini',
  language: 'en',
  describeCatalogue: false,
  requestsPerMinute: 600,
  concurrency: 10,
};
const ai_ = (state: Json) => state.ai as AiView | null | undefined;
const median = (values: number[]) =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;

const sync = (state: Json) => state.sync as { done: number; total: number; running: boolean };

describe('artwork descriptions beside the TV lanes', () => {
  let ai: FakeOpenAiServer;
  let h: Harness;

  beforeAll(async () => {
    ai = await startFakeOpenAiServer({ apiKey: KEY });
    h = await startHarness({
      artworks: 30,
      latencyScale: 0.1,
      ai: { ...AI, baseUrl: ai.baseUrl },
    });
    await h.waitForState(
      (s) => sync(s).total === 30 && sync(s).done === 30 && !sync(s).running,
      30_000,
    );
  });

  afterAll(async () => {
    await h.stop();
    await ai.close();
  });

  test('offers the description sensor and describe button in discovery', async () => {
    const topic = `homeassistant/device/docent_${h.tvId}/config`;
    const msg = await h.recorder.waitFor((m) => m.topic === topic);
    const components = (JSON.parse(msg.payload.toString()) as Json).components as Json;

    expect(Object.keys(components)).toEqual(expect.arrayContaining(['description', 'describe']));
  });

  test('describes the current artwork and publishes it retained and in the state', async () => {
    const state = await h.waitForState(
      (s) => s.description !== null && s.description !== undefined,
    );
    const description = state.description as Json;
    const current = state.current as Json;

    expect(typeof description.summary).toBe('string');
    expect((description.summary as string).length).toBeLessThanOrEqual(255);
    expect(current.title).toBe(description.title);

    const late = await startRecorder(h.broker.url, [h.topic('artwork/+/description')]);
    const retained = await late.waitFor((m) => m.retain, 5_000);
    await late.stop();
    expect(JSON.parse(retained.payload.toString())).toMatchObject({
      content_id: current.content_id,
    });
  });

  test('reports the AI service and the token budget in the state and its diagnostic sensors', async () => {
    const topic = `homeassistant/device/docent_${h.tvId}/config`;
    const msg = await h.recorder.waitFor((m) => m.topic === topic);
    const components = (JSON.parse(msg.payload.toString()) as Json).components as Json;
    expect(Object.keys(components)).toEqual(
      expect.arrayContaining(['ai_status', 'ai_tokens_today']),
    );

    const state = await h.waitForState(
      (s) => ai_(s)?.requests_today !== undefined && (ai_(s)?.tokens_today ?? 0) > 0,
    );
    expect(ai_(state)).toMatchObject({ status: 'ok', daily_limit: null, last_error: null });
    expect(ai_(state)?.tokens_month).toBeGreaterThanOrEqual(ai_(state)?.tokens_today ?? 0);
  });

  test('a select issued while ten descriptions are in flight is as fast as with AI idle', async () => {
    const ids = h.sim.contentIds();
    const select = (contentId: string, id: string) =>
      h.command({ action: 'select', content_id: contentId, id });
    const idle: number[] = [];
    for (const [i, contentId] of ids.slice(1, 4).entries()) {
      const reply = await select(contentId, `idle-select-${i}`);
      expect(reply.result).toMatchObject({ status: 'ok' });
      idle.push(reply.latencyMs);
    }

    ai.holdReplies();
    const describes = ids
      .slice(10, 20)
      .map((contentId, i) =>
        h.command({ action: 'describe', content_id: contentId, id: `describe-${i}` }, 60_000),
      );
    while (ai.stats.inFlight < 10) await new Promise((resolve) => setTimeout(resolve, 20));
    const busy: number[] = [];
    for (const [i, contentId] of ids.slice(4, 7).entries()) {
      const reply = await select(contentId, `busy-select-${i}`);
      expect(reply.result).toMatchObject({ status: 'ok' });
      busy.push(reply.latencyMs);
    }

    expect(ai.stats.inFlight).toBe(10);
    // Same TV, same lanes: only noise separates the two medians.
    expect(median(busy)).toBeLessThan(Math.max(300, median(idle) * 2));

    ai.releaseReplies();
    const results = await Promise.all(describes);
    for (const { result } of results) expect(result).toMatchObject({ status: 'ok' });
  }, 90_000);
  test('an artwork that leaves the TV takes its retained description with it', async () => {
    // A smaller generated catalogue keeps the oldest ids, MY_F0001 upwards.
    const gone = [...h.sim.contentIds()].sort().at(-1) as string;
    const described = await h.command({
      action: 'describe',
      content_id: gone,
      id: 'before-delete',
    });
    expect(described.result).toMatchObject({ status: 'ok' });
    const topic = h.topic(`artwork/${gone}/description`);
    await h.recorder.waitFor((m) => m.topic === topic && m.payload.length > 0);

    await h.sim.loadCatalogue({ kind: 'generated', artworks: 20 });
    const refreshed = await h.command({ action: 'refresh', id: 'after-delete' }, 30_000);

    expect(refreshed.result).toMatchObject({ status: 'ok' });
    await h.recorder.waitFor((m) => m.topic === topic && m.payload.length === 0);
    const retained = await retainedOn(h.broker.url, [h.topic('artwork/+/description')]);
    expect(retained.size).toBeGreaterThan(0);
    expect(retained.has(topic)).toBe(false);
  });
});

describe("the token budget is the daemon's, shared by every TV", () => {
  test('both TVs count against one budget, and both report its totals', async () => {
    const ai = await startFakeOpenAiServer({ apiKey: KEY });
    const second = await startSimulatedFrame({ artworks: 8, latencyScale: 0.1, seed: 7 });
    const h = await startHarness({
      artworks: 8,
      latencyScale: 0.1,
      extraTvs: [{ id: 'second_frame', name: 'Second Frame', sim: second }],
      ai: { ...AI, baseUrl: ai.baseUrl },
    });
    try {
      // Each TV describes its current artwork once its thumbnail is on disk.
      await waitUntil(() => ai.stats.requests >= 2, 30_000, 'two descriptions');
      const other = await h.recorder.waitFor((m) => {
        if (m.topic !== 'docent/second_frame/state') return false;
        const state = JSON.parse(m.payload.toString()) as Json;
        return (ai_(state)?.requests_today ?? 0) >= 2;
      }, 15_000);
      const mine = await h.waitForState((s) => (ai_(s)?.requests_today ?? 0) >= 2);

      const usage = JSON.parse(
        await readFile(path.join(h.dataDir, 'ai-usage.json'), 'utf8'),
      ) as Json;
      expect(usage.daily_requests).toBe(ai.stats.requests);
      expect(ai_(mine)?.tokens_today).toBe(usage.daily_tokens);
      expect(ai_(JSON.parse(other.payload.toString()) as Json)?.tokens_today).toBe(
        usage.daily_tokens,
      );
    } finally {
      await h.stop();
      await second.stop();
      await ai.close();
    }
  }, 60_000);
});

describe('a refused API key', () => {
  test('shows auth_failed with the reason on the AI status, never the key', async () => {
    const ai = await startFakeOpenAiServer({ apiKey: KEY });
    const wrongKey = 'sk-wrong-SECRETPART-0123456789';
    const h = await startHarness({
      artworks: 6,
      latencyScale: 0.1,
      ai: { ...AI, apiKey: wrongKey, baseUrl: ai.baseUrl },
    });
    try {
      const state = await h.waitForState((s) => ai_(s)?.status === 'auth_failed', 30_000);

      expect(ai_(state)?.last_error).toEqual(expect.any(String));
      expect(JSON.stringify(state)).not.toContain('SECRETPART');
    } finally {
      await h.stop();
      await ai.close();
    }
  }, 60_000);
});

describe('without an API key', () => {
  test('offers no AI entities and answers describe with AI_DISABLED', async () => {
    const h = await startHarness({ artworks: 10, latencyScale: 0.1 });
    try {
      const topic = `homeassistant/device/docent_${h.tvId}/config`;
      const msg = await h.recorder.waitFor((m) => m.topic === topic);
      const components = (JSON.parse(msg.payload.toString()) as Json).components as Json;
      expect(Object.keys(components)).not.toContain('description');

      const { result } = await h.command({ action: 'describe', id: 'no-ai' });
      expect(result).toMatchObject({ status: 'error', error: { code: 'AI_DISABLED' } });
    } finally {
      await h.stop();
    }
  });
});
