/**
 * Pairing as Home Assistant sees it (frame-protocol.md §1.5): for each answer the TV gives to its
 * "allow Docent?" prompt, the pairing sensor (`state.pairing`) and the result of the Pair button
 * (the `pair` command). The steps share one TV, in order: a token must exist before the TV can
 * forget it.
 */
import type { SimSwitches } from '../../src/sim/index.js';
import { type Harness, startHarness } from './harness.js';

type Json = Record<string, unknown>;
/** How long the simulated prompt stays up before the TV answers. */
const PROMPT_MS = 600;

interface Pairing {
  result: Json;
  /** `state.pairing` as published during the attempt, repeats collapsed. */
  published: string[];
}

describe('pairing with the TV, as Home Assistant sees it', () => {
  let h: Harness;

  /** Presses Pair with the TV answering its prompt `answer`; waits for the sensor to settle. */
  async function pressPair(
    id: string,
    answer: SimSwitches['pairing'],
    settled: string,
  ): Promise<Pairing> {
    h.sim.setSwitches({ pairing: answer, promptDelayMs: PROMPT_MS });
    h.recorder.clear();
    const { result } = await h.command({ action: 'pair', id }, 20_000);
    await h.waitForState((s) => s.pairing === settled, 5_000);
    const published = h.recorder
      .on(h.topic('state'))
      .map((m) => String((JSON.parse(m.payload.toString()) as Json).pairing))
      .filter((value, i, all) => value !== all[i - 1]);

    return { result, published };
  }

  beforeAll(async () => {
    h = await startHarness({
      artworks: 12,
      // Firmware that refuses a forgotten token outright; the default profiles prompt again.
      simOptions: { profile: { revokedTokenReply: 'unauthorized' } },
      // Silence after 200 ms means the prompt is up (1.5 s in production).
      connection: { promptGraceMs: 200, promptTimeoutMs: 10_000 },
    });
    await h.waitForState((s) => s.connection === 'ready' && s.pairing === 'none');
  }, 30_000);

  afterAll(async () => {
    await h.stop();
  });

  test('a prompt the TV times out reads pending, then timeout; Pair fails with PAIRING_TIMEOUT', async () => {
    const { result, published } = await pressPair('pair-timeout', 'timeout', 'timeout');

    expect(published.slice(-2)).toEqual(['pending', 'timeout']);
    expect(result).toMatchObject({
      id: 'pair-timeout',
      status: 'error',
      error: { code: 'PAIRING_TIMEOUT', message: expect.stringContaining('prompt') },
    });
  });

  test('an allowed prompt reads pending, then paired; Pair succeeds', async () => {
    const { result, published } = await pressPair('pair-ok', 'accept', 'paired');

    expect(published.slice(-2)).toEqual(['pending', 'paired']);
    expect(result).toMatchObject({ id: 'pair-ok', status: 'ok', value: { pairing: 'paired' } });
  });

  test('a token the TV forgot reads revoked, without a prompt; Pair fails with PAIRING_REVOKED', async () => {
    h.sim.revokeTokens();
    const { result, published } = await pressPair('pair-revoked', 'accept', 'revoked');

    expect(published).not.toContain('pending');
    expect(published.at(-1)).toBe('revoked');
    expect(result).toMatchObject({
      id: 'pair-revoked',
      status: 'error',
      error: { code: 'PAIRING_REVOKED', message: expect.stringContaining('token') },
    });
  });

  test('a denied prompt reads pending, then denied; Pair fails with PAIRING_DENIED', async () => {
    // After a refused token Docent asks afresh, so the TV prompts again.
    const { result, published } = await pressPair('pair-denied', 'deny', 'denied');

    expect(published.slice(-2)).toEqual(['pending', 'denied']);
    expect(result).toMatchObject({
      id: 'pair-denied',
      status: 'error',
      error: { code: 'PAIRING_DENIED', message: expect.stringContaining('refused') },
    });
  });

  test('the art channel kept working through every prompt', async () => {
    const target = h.sim.contentIds()[3] as string;
    const { result } = await h.command({ action: 'select', content_id: target, id: 'after' });

    expect(result).toMatchObject({ status: 'ok' });
    expect(h.sim.counters().artConnectionsOpened).toBe(1);
  });
});
