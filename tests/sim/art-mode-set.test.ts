import { PROFILE_NAMES, type ProfileName } from '../../src/sim/index.js';
import { innerEvent, innerOf, innerRequestId, type RawClient, sleep } from './raw-client.js';
import { answerOf, SimFixture } from './sim-fixture.js';

/** What a client sees for one `set_artmode_status`: its direct reply and the broadcast. */
type Step = 'reply' | 'broadcast';

/**
 * §3.6 and §8 item 11, per model: a change is always broadcast as `art_mode_changed`; the direct
 * reply comes first (0.97, 4.x, 5.x), never (2.x) or after the broadcast (2024). A value equal to
 * the current state is handled like a change, except on 5.x, which answers it with nothing.
 */
const EXPECTED: Record<ProfileName, { change: Step[]; redundant: Step[] }> = {
  '2019': { change: ['reply', 'broadcast'], redundant: ['reply', 'broadcast'] },
  '2021': { change: ['broadcast'], redundant: ['broadcast'] },
  '2022': { change: ['reply', 'broadcast'], redundant: ['reply', 'broadcast'] },
  '2024': { change: ['broadcast', 'reply'], redundant: ['broadcast', 'reply'] },
  '2025': { change: ['reply', 'broadcast'], redundant: [] },
};

/** The 2024 reply lag, shortened so a test can wait it out. */
const LAG_MS = 60;
/** Quiet time that proves nothing more comes, longer than the lag. */
const QUIET_MS = LAG_MS + 90;

function stepsOf(client: RawClient, id: string, from: number): Step[] {
  return client.frames.slice(from).flatMap((frame): Step[] => {
    if (innerRequestId(frame) === id) return ['reply'];

    return innerEvent(frame) === 'art_mode_changed' ? ['broadcast'] : [];
  });
}

function spell(steps: Step[]): string {
  return steps.length === 0 ? 'no reply and no broadcast' : steps.join(' then ');
}

describe.each(PROFILE_NAMES)('set_artmode_status on %s (§3.6, §8 item 11)', (name) => {
  const fx = new SimFixture();
  const expected = EXPECTED[name];
  let requester: RawClient;
  let observer: RawClient;
  beforeEach(async () => {
    await fx.start({
      profileName: name,
      profile: { artModeReplyLagMs: LAG_MS, multiClientPolicy: 'allow' },
    });
    requester = await fx.joinArt();
    observer = await fx.joinArt();
  });
  afterEach(() => fx.stop());

  /** Sends the request and returns what each client saw of it once the channel went quiet. */
  async function setArtMode(value: 'on' | 'off', count: number) {
    const from = { requester: requester.frames.length, observer: observer.frames.length };
    const id = requester.request('set_artmode_status', { value });
    await requester.waitUntil(() => stepsOf(requester, id, from.requester).length >= count);
    await sleep(QUIET_MS);
    const seen = requester.frames.slice(from.requester);

    return {
      requester: stepsOf(requester, id, from.requester),
      observer: stepsOf(observer, id, from.observer),
      reply: seen.find((f) => innerRequestId(f) === id),
      broadcast: seen.find((f) => innerEvent(f) === 'art_mode_changed'),
    };
  }

  it(`a change: the requester gets ${spell(expected.change)}; every client the broadcast`, async () => {
    const seen = await setArtMode('off', expected.change.length);

    expect(seen.requester).toEqual(expected.change);
    expect(seen.observer).toEqual(['broadcast']);
    expect(seen.broadcast && innerOf(seen.broadcast)).toEqual({
      event: 'art_mode_changed',
      status: 'off',
    });
    if (seen.reply) {
      expect(innerOf(seen.reply)).toMatchObject({ event: 'set_artmode_status', status: 'off' });
    }
    expect(fx.frame.state().artMode).toBe('off');
  });

  it(`a redundant value (on while on): the requester gets ${spell(expected.redundant)}`, async () => {
    const seen = await setArtMode('on', expected.redundant.length);

    expect(seen.requester).toEqual(expected.redundant);
    expect(seen.observer).toEqual(expected.redundant.filter((step) => step === 'broadcast'));
    expect(fx.frame.state().artMode).toBe('on');
  });

  it('refuses a boolean value with -7 and changes nothing', async () => {
    expect(await answerOf(requester, 'set_artmode_status', { value: false })).toMatchObject({
      event: 'error',
      error_code: '-7',
    });
    expect(fx.frame.state().artMode).toBe('on');
  });
});

describe('set_artmode_status reply lag (2024, FAB#264)', () => {
  const fx = new SimFixture();
  afterEach(() => fx.stop());

  it('the direct reply trails the broadcast by the configured lag', async () => {
    await fx.start({ profileName: '2024', profile: { artModeReplyLagMs: 120 } });
    const client = await fx.joinArt();
    const id = client.request('set_artmode_status', { value: 'off' });
    await client.broadcast('art_mode_changed');
    const broadcastAt = Date.now();
    const reply = await client.reply(id);

    expect(reply).toMatchObject({ event: 'set_artmode_status', status: 'off' });
    expect(Date.now() - broadcastAt).toBeGreaterThanOrEqual(100);
  });
});
