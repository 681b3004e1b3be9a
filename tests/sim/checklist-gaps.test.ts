import dgram from 'node:dgram';
import { asObject, channelUrl, getJson, type Json, RawClient, sleep } from './raw-client.js';
import { ART, answerOf, REMOTE, SimFixture } from './sim-fixture.js';

/** A UUID group the TV wrote shorter than a UUID's (leading zeros dropped, §2.1). */
const UUID_GROUP_LENGTHS = [8, 4, 4, 4, 12];
const hasShortGroup = (id: string): boolean =>
  id.split('-').some((group, i) => group.length < (UUID_GROUP_LENGTHS[i] ?? 0));

function connectData(client: RawClient): Json {
  return asObject(
    client.frames.find((f) => f.message.event === 'ms.channel.connect')?.message.data,
  );
}

function magicPacket(mac: string): Buffer {
  const macBytes = Buffer.from(mac.replace(/:/g, ''), 'hex');

  return Buffer.concat([Buffer.alloc(6, 0xff), ...Array.from({ length: 16 }, () => macBytes)]);
}

async function sendWol(port: number, mac: string): Promise<void> {
  const socket = dgram.createSocket('udp4');
  await new Promise<void>((resolve, reject) => {
    socket.send(magicPacket(mac), port, '127.0.0.1', (err) => (err ? reject(err) : resolve()));
  });
  await new Promise<void>((resolve) => socket.close(() => resolve()));
}

describe('client ids (§2.1, §8 item 2)', () => {
  const fx = new SimFixture();
  afterEach(() => fx.stop());

  it('gives UUID-shaped ids of which some really have short groups', async () => {
    await fx.start();
    const ids: string[] = [];
    for (let i = 0; i < 24; i += 1) {
      const client = await fx.art();
      ids.push(String(connectData(client).id));
      await client.close();
    }

    for (const id of ids) expect(id).toMatch(/^[0-9a-f]+(-[0-9a-f]+){4}$/);
    expect(ids.filter(hasShortGroup).length).toBeGreaterThan(0);
    expect(ids.filter((id) => !hasShortGroup(id)).length).toBeGreaterThan(0);
  });
});

describe('portraitMatteRefusal switch (§3.5, NW#7)', () => {
  const fx = new SimFixture();
  afterEach(() => fx.stop());

  it('off: a wide matte on a portrait artwork is accepted and broadcast', async () => {
    await fx.start({ artworks: 40, seed: 7, switches: { portraitMatteRefusal: false } });
    const client = await fx.art();
    const list = await answerOf(client, 'get_content_list');
    const items: unknown = JSON.parse(String(list?.content_list));
    const portrait = (Array.isArray(items) ? items.map(asObject) : []).find(
      (item) => Number(item.height) > Number(item.width),
    );
    expect(portrait).toBeDefined();
    const change = { content_id: portrait?.content_id, matte_id: 'panoramic_polar' };

    expect(await answerOf(client, 'change_matte', change)).toMatchObject(change);
    expect(await client.broadcast('matte_changed')).toMatchObject(change);
    fx.frame.setSwitches({ portraitMatteRefusal: true });
    const refused = { ...change, matte_id: 'triptych_black' };
    expect(await answerOf(client, 'change_matte', refused)).toMatchObject({ error_code: '-7' });
  });
});

describe('channel URL name (§1.3)', () => {
  const fx = new SimFixture();
  afterEach(() => fx.stop());

  it('refuses an upgrade whose name is not base64, keeps a + in one that is', async () => {
    await fx.start();
    const port = fx.frame.securePort;
    const bad = `wss://127.0.0.1:${port}/api/v2/channels/${ART}?name=not%20base64!`;
    await expect(RawClient.open(bad)).rejects.toThrow('upgrade refused');

    const plus = 'a+b/cw==';
    const client = await fx.open(`wss://127.0.0.1:${port}/api/v2/channels/${ART}?name=${plus}`);
    await client.waitForEvent('ms.channel.connect');
    const clients = connectData(client).clients;
    const self = (Array.isArray(clients) ? clients.map(asObject) : []).find((c) => !c.isHost);
    expect(self?.deviceName).toBe(plus);
  });
});

describe('remote channel (§1.5, §2.2)', () => {
  const fx = new SimFixture();
  afterEach(() => fx.stop());

  it('tells the other remote clients when someone joins and leaves', async () => {
    await fx.start();
    const first = await fx.open(fx.remoteUrl('One'));
    await first.waitForEvent('ms.channel.connect');
    const second = await fx.open(fx.remoteUrl('Two'));
    await second.waitForEvent('ms.channel.connect');
    const secondId = connectData(second).id;

    const joined = await first.waitForEvent('ms.channel.clientConnect');
    expect(asObject(joined.message.data)).toMatchObject({ id: secondId, isHost: false });
    await second.close();
    const left = await first.waitForEvent('ms.channel.clientDisconnect');
    expect(asObject(left.message.data).id).toBe(secondId);
  });

  it('tokenAuth off: 8001 joins at once without a token; REST says TokenAuthSupport false', async () => {
    await fx.start({ profile: { tokenAuth: false } });
    const client = await fx.open(channelUrl('ws', fx.frame.plainPort, REMOTE, 'Plain'));
    await client.waitForEvent('ms.channel.connect');
    const data = connectData(client);

    expect(data.token).toBeUndefined();
    expect(data.id).toEqual(expect.any(String));
    const { body } = await getJson(`http://127.0.0.1:${fx.frame.plainPort}/api/v2/`);
    expect(asObject(body.device).TokenAuthSupport).toBe('false');
    expect(JSON.parse(String(body.isSupport)).TokenAuthSupport).toBe('false');
  });

  it('tokenAuth on: REST says TokenAuthSupport true', async () => {
    await fx.start();
    const { body } = await getJson(`http://127.0.0.1:${fx.frame.plainPort}/api/v2/`);

    expect(asObject(body.device).TokenAuthSupport).toBe('true');
    expect(JSON.parse(String(body.isSupport)).TokenAuthSupport).toBe('true');
  });
});

describe('Wake-on-LAN right after standby (§6.4, RAY)', () => {
  const fx = new SimFixture();
  afterEach(() => fx.stop());

  it('ignores a packet sent right after the set went to standby, honours a later one', async () => {
    await fx.start({ profile: { bootDelayMs: 10, wolIgnoreAfterOffMs: 150 } });
    fx.frame.setPower('standby');
    await sendWol(fx.frame.wolPort, fx.frame.mac);
    await sleep(60);
    expect(fx.frame.state()).toMatchObject({ power: 'standby', booting: false });
    expect(fx.frame.counters().wolPackets).toBe(1);

    await sleep(120);
    await sendWol(fx.frame.wolPort, fx.frame.mac);
    await sleep(60);
    expect(fx.frame.state().power).toBe('on');
  });
});
