import { asObject, type RawClient } from './raw-client.js';
import { answerOf, noFrameFor, SimFixture } from './sim-fixture.js';

const PROMPT_MS = 80;

function tokenOf(client: RawClient): string {
  const connect = client.frames.find((f) => f.message.event === 'ms.channel.connect');

  return String(asObject(connect?.message.data).token);
}

describe('remote-channel pairing prompt (§1.5)', () => {
  const fx = new SimFixture();
  afterEach(() => fx.stop());

  it('stays silent while the prompt is open, then connects with a new 8-digit token', async () => {
    await fx.start({ switches: { pairing: 'accept', promptDelayMs: PROMPT_MS } });
    const openedAt = Date.now();
    const client = await fx.open(fx.remoteUrl());

    expect(await noFrameFor(client, PROMPT_MS / 2)).toBe(0);
    await client.waitForEvent('ms.channel.connect');
    expect(Date.now() - openedAt).toBeGreaterThanOrEqual(PROMPT_MS - 10);
    expect(tokenOf(client)).toMatch(/^\d{8}$/);
    expect(client.frames.some((f) => f.message.event === 'ms.channel.ready')).toBe(false);
  });

  it('accepts a saved token at once, without a prompt', async () => {
    await fx.start({ switches: { pairing: 'accept', promptDelayMs: PROMPT_MS } });
    const first = await fx.open(fx.remoteUrl());
    await first.waitForEvent('ms.channel.connect', 1000);
    const token = tokenOf(first);

    const again = await fx.open(fx.remoteUrl('Conf', token));
    await again.waitForEvent('ms.channel.connect', PROMPT_MS / 2);
    expect(tokenOf(again)).toBe(token);
  });

  it('sends unauthorized and closes on deny; the next attempt dies without a close frame', async () => {
    await fx.start({ switches: { pairing: 'deny', promptDelayMs: PROMPT_MS } });
    const client = await fx.open(fx.remoteUrl('Denied'));
    await client.waitForEvent('ms.channel.unauthorized', 1000);
    await client.waitClosed();

    const again = await fx.open(fx.remoteUrl('Denied'));
    await again.waitClosed();
    expect(again.frames).toHaveLength(0);
    expect(again.closeCode).toBe(1006);
  });

  it('sends ms.channel.timeOut and closes when nobody answers', async () => {
    await fx.start({ switches: { pairing: 'timeout', promptDelayMs: PROMPT_MS } });
    const client = await fx.open(fx.remoteUrl());
    await client.waitForEvent('ms.channel.timeOut', 1000);
    await client.waitClosed();

    expect(client.frames.map((f) => f.message.event)).toEqual(['ms.channel.timeOut']);
  });

  it('answers the plain port with unauthorized and no prompt when TokenAuth is on', async () => {
    await fx.start({ switches: { pairing: 'accept', promptDelayMs: 5000 } });
    const client = await fx.open(fx.remoteUrl('Conf', undefined, false));
    await client.waitForEvent('ms.channel.unauthorized', 500);
    await client.waitClosed();
  });

  it.each([
    ['reprompt', 'ms.channel.connect'],
    ['no-authorized', 'ms.error'],
    ['unauthorized', 'ms.channel.unauthorized'],
  ] as const)('a revoked token with policy %s gets %s', async (policy, event) => {
    await fx.start({ profile: { revokedTokenReply: policy } });
    const first = await fx.open(fx.remoteUrl());
    await first.waitForEvent('ms.channel.connect');
    const token = tokenOf(first);
    fx.frame.revokeTokens();

    const again = await fx.open(fx.remoteUrl('Conf', token));
    const frame = await again.waitForEvent(event);
    if (policy === 'reprompt') expect(tokenOf(again)).not.toBe(token);
    if (policy === 'no-authorized') {
      expect(asObject(frame.message.data).message).toContain('No Authorized');
    }
  });
});

describe('art-channel token policies (§1.6)', () => {
  const fx = new SimFixture();
  afterEach(() => fx.stop());

  it('ignore: a token changes nothing', async () => {
    await fx.start({ profile: { artTokenPolicy: 'ignore' } });
    const client = await fx.open(fx.artUrl(true, '12345678'));
    await client.waitForEvent('ms.channel.ready');

    expect(await answerOf(client, 'get_artmode_status')).toMatchObject({ value: 'on' });
  });

  it('stall-to-timeout: with a token nothing comes, then timeOut; without one it connects', async () => {
    await fx.start({ profile: { artTokenPolicy: 'stall-to-timeout', channelTimeoutMs: 60 } });
    const stalled = await fx.open(fx.artUrl(true, '12345678'));
    await stalled.waitForEvent('ms.channel.timeOut', 1000);
    await stalled.waitClosed();
    expect(stalled.frames).toHaveLength(1);

    const tokenless = await fx.open(fx.artUrl(true));
    await tokenless.waitForEvent('ms.channel.ready');
  });

  it('require: only the remote channel token makes the art channel serve', async () => {
    await fx.start({ profile: { artTokenPolicy: 'require', multiClientPolicy: 'allow' } });
    const without = await fx.open(fx.artUrl(true));
    await without.waitForEvent('ms.channel.connect');
    expect(await answerOf(without, 'get_artmode_status')).toBeUndefined();
    await without.close();

    const remote = await fx.open(fx.remoteUrl());
    await remote.waitForEvent('ms.channel.connect');
    const withToken = await fx.open(fx.artUrl(true, tokenOf(remote)));
    await withToken.waitForEvent('ms.channel.ready');
    expect(await answerOf(withToken, 'get_artmode_status')).toMatchObject({ value: 'on' });
  });
});
