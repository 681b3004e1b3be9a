import { asObject, RawClient, sleep } from './raw-client.js';
import { answerOf, noFrameFor, SimFixture } from './sim-fixture.js';

function pong(client: RawClient): Promise<void> {
  return new Promise((resolve) => {
    client.ws.once('pong', () => resolve());
    client.ws.ping();
  });
}

describe('art app failure switches (§2.4, §7 Q9)', () => {
  const fx = new SimFixture();
  afterEach(() => fx.stop());

  it('app wedged: the socket answers pings and carries broadcasts, requests get nothing', async () => {
    await fx.start({ switches: { appWedged: true } });
    const client = await fx.art();

    expect(await answerOf(client, 'get_artmode_status')).toBeUndefined();
    await pong(client);
    fx.frame.setArtMode(false);
    expect(await client.broadcast('art_mode_changed')).toMatchObject({ status: 'off' });
    expect(fx.frame.counters().requests.get_artmode_status).toBe(1);

    fx.frame.setSwitches({ appWedged: false });
    expect(await answerOf(client, 'get_artmode_status')).toMatchObject({ value: 'off' });
  });

  it('memory leak: replies stop after N requests and come back after a power cycle', async () => {
    await fx.start({ switches: { stopReplyingAfter: 2 } });
    const client = await fx.art();
    expect(await answerOf(client, 'get_artmode_status')).toBeDefined();
    expect(await answerOf(client, 'get_artmode_status')).toBeDefined();
    expect(await answerOf(client, 'get_artmode_status')).toBeUndefined();

    fx.frame.setPower('standby');
    fx.frame.setPower('on');
    expect(await answerOf(client, 'get_artmode_status')).toBeUndefined();

    fx.frame.setPower('off');
    fx.frame.setPower('on');
    const fresh = await fx.art();
    expect(await answerOf(fresh, 'get_artmode_status')).toMatchObject({ value: 'on' });
  });

  it('drops every art client on a schedule', async () => {
    await fx.start({ switches: { artDropEveryMs: 60 } });
    const client = await fx.art();
    await client.waitClosed(1000);

    expect(fx.frame.counters().artConnectionsDropped).toBe(1);
    fx.frame.setSwitches({ artDropEveryMs: 0 });
    const next = await fx.art();
    await sleep(120);
    expect(next.closeCode).toBeUndefined();
  });
});

describe('handshake variants (§2.3)', () => {
  const fx = new SimFixture();
  afterEach(() => fx.stop());

  it('connect-only: no ready, but requests are answered', async () => {
    await fx.start({ profile: { artHandshake: 'connect-only' } });
    const client = await fx.art(false);

    expect(await noFrameFor(client, 40)).toBe(0);
    expect(await answerOf(client, 'get_artmode_status')).toMatchObject({ value: 'on' });
  });

  it('zombie plain port: connect, no ready, no replies; the secure port works', async () => {
    await fx.start({ profile: { zombiePort: 'plain', multiClientPolicy: 'allow' } });
    const zombie = await fx.art(false, false);
    expect(await answerOf(zombie, 'get_artmode_status')).toBeUndefined();
    expect(zombie.frames.map((f) => f.message.event)).toEqual(['ms.channel.connect']);

    const healthy = await fx.art(true, true);
    expect(await answerOf(healthy, 'get_artmode_status')).toMatchObject({ value: 'on' });
  });

  it('never-serve: connect and nothing else', async () => {
    await fx.start({ profile: { artHandshake: 'never-serve' } });
    const client = await fx.art(false);

    expect(await answerOf(client, 'api_version')).toBeUndefined();
    expect(client.frames).toHaveLength(1);
  });

  it('no art app: the channel lists no host and nothing ever answers', async () => {
    await fx.start({ profile: { artHandshake: 'no-app' } });
    const client = await fx.art(false);
    const data = asObject(client.frames[0]?.message.data);
    const clients = Array.isArray(data.clients) ? data.clients.map(asObject) : [];

    expect(clients.some((c) => c.isHost === true)).toBe(false);
    expect(await answerOf(client, 'get_artmode_status')).toBeUndefined();
  });
});

describe('more than one art client and connection churn (§7 Q1, Q10)', () => {
  const fx = new SimFixture();
  afterEach(() => fx.stop());

  it('misroutes replies while several clients are open, then stops completing handshakes', async () => {
    await fx.start({
      profile: { multiClientPolicy: 'misroute-then-refuse', multiClientRefuseAfter: 1 },
    });
    const first = await fx.art();
    const second = await fx.art();
    const id = first.request('get_artmode_status');

    const misrouted = await second.reply(id);
    expect(misrouted).toMatchObject({ value: 'on' });
    expect(first.frames.some((f) => f.text.includes(id))).toBe(false);

    const refused = await fx.open(fx.artUrl());
    expect(await noFrameFor(refused, 60)).toBe(0);
    expect(fx.frame.counters()).toMatchObject({ refusedConnections: 1, artConnectionsOpen: 2 });
  });

  it('tells the other clients when someone joins and leaves (allow policy)', async () => {
    await fx.start({ profile: { multiClientPolicy: 'allow' } });
    const first = await fx.art();
    const second = await fx.art();
    const joined = asObject((await first.waitForEvent('ms.channel.clientConnect')).message.data);
    const secondId = asObject(second.frames[0]?.message.data).id;
    expect(joined).toMatchObject({ id: secondId, isHost: false });

    await second.close();
    const left = await first.waitForEvent('ms.channel.clientDisconnect');
    expect(asObject(left.message.data).id).toBe(secondId);
    expect(await answerOf(first, 'get_artmode_status')).toMatchObject({ value: 'on' });
  });

  it('refuses connections past the churn threshold for a while', async () => {
    await fx.start({
      profile: { multiClientPolicy: 'allow' },
      switches: { churnMaxConnects: 2, churnWindowMs: 1000, churnRefuseMs: 120 },
    });
    for (let i = 0; i < 2; i += 1) await (await fx.art()).close();

    await expect(RawClient.open(fx.artUrl())).rejects.toThrow();
    expect(fx.frame.counters().refusedConnections).toBe(1);
    await sleep(150);
    await fx.art();
  });
});
