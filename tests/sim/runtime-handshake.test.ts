import http from 'node:http';
import { asObject, type Json, type RawClient } from './raw-client.js';
import { answerOf, noFrameFor, SimFixture } from './sim-fixture.js';

function post(port: number, route: string, body: unknown): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: '127.0.0.1', port, method: 'POST', path: route, agent: false },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('error', reject);
    req.end(JSON.stringify(body));
  });
}

function hostsOf(client: RawClient): Json[] {
  const data = asObject(client.frames[0]?.message.data);
  const clients = Array.isArray(data.clients) ? data.clients.map(asObject) : [];

  return clients.filter((entry) => entry.isHost === true);
}

/** §2.3 handshake variants as run-time switches (code, control API), not only profile fields. */
describe('handshake switches flipped at run time', () => {
  const fx = new SimFixture();
  afterEach(() => fx.stop());

  it('artNeverServes (code): new clients get connect only and no answers; off again, all is well', async () => {
    await fx.start({ profile: { multiClientPolicy: 'allow' } });
    const before = await fx.art();
    fx.frame.setSwitches({ artNeverServes: true });

    const stuck = await fx.art(false);
    expect(await noFrameFor(stuck, 40)).toBe(0);
    expect(stuck.frames.map((f) => f.message.event)).toEqual(['ms.channel.connect']);
    expect(hostsOf(stuck)).toHaveLength(2);
    expect(await answerOf(stuck, 'get_artmode_status')).toBeUndefined();
    expect(await answerOf(before, 'get_artmode_status')).toBeUndefined();

    fx.frame.setSwitches({ artNeverServes: false });
    expect(await answerOf(before, 'get_artmode_status')).toMatchObject({ value: 'on' });
    const fresh = await fx.art();
    expect(await answerOf(fresh, 'get_artmode_status')).toMatchObject({ value: 'on' });
    expect(await answerOf(stuck, 'get_artmode_status')).toBeUndefined();
  });

  it('artAppAbsent (POST /switches): no host listed, no ready, nothing answers', async () => {
    await fx.start({ controlPort: 0, profile: { multiClientPolicy: 'allow' } });
    const port = fx.frame.controlPort ?? 0;
    expect(await post(port, '/switches', { artAppAbsent: true })).toBe(200);

    const lonely = await fx.art(false);
    expect(hostsOf(lonely)).toEqual([]);
    expect(await noFrameFor(lonely, 40)).toBe(0);
    expect(await answerOf(lonely, 'api_version')).toBeUndefined();

    expect(await post(port, '/switches', { artAppAbsent: false })).toBe(200);
    const served = await fx.art();
    expect(hostsOf(served)).toHaveLength(2);
    expect(await answerOf(served, 'api_version')).toMatchObject({ version: '4.3.4.0' });
  });

  it('refuses a switch value the schema does not know', async () => {
    await fx.start({ controlPort: 0 });

    expect(await post(fx.frame.controlPort ?? 0, '/switches', { artAppAbsent: 'yes' })).toBe(400);
  });
});

/** §2.3, §6.5 (FAB#263, FAB#12): a 2020 set's 8001 art port after standby→wake. */
describe('zombie port after a wake', () => {
  const fx = new SimFixture();
  afterEach(() => fx.stop());

  const wake = () => {
    fx.frame.setPower('standby');
    fx.frame.setPower('on');
  };

  it('2021: after standby→wake the plain port connects but never serves; 8002 works', async () => {
    await fx.start({ profileName: '2021', profile: { multiClientPolicy: 'allow' } });
    const healthyBefore = await fx.art(true, false);
    expect(await answerOf(healthyBefore, 'get_artmode_status')).toBeDefined();
    wake();

    const zombie = await fx.art(false, false);
    expect(await noFrameFor(zombie, 40)).toBe(0);
    expect(await answerOf(zombie, 'get_artmode_status')).toBeUndefined();
    const secure = await fx.art(true, true);
    expect(await answerOf(secure, 'get_artmode_status')).toMatchObject({ value: 'on' });
  });

  it('2021: a power cycle (off → on) heals the plain port', async () => {
    await fx.start({ profileName: '2021' });
    wake();
    fx.frame.setPower('off');
    fx.frame.setPower('on');

    const plain = await fx.art(true, false);
    expect(await answerOf(plain, 'get_artmode_status')).toMatchObject({ value: 'on' });
  });

  it('2021 with the switch off, and 2022 by default: the plain port stays healthy', async () => {
    await fx.start({ profileName: '2021', switches: { zombieAfterWake: false } });
    wake();
    expect(await answerOf(await fx.art(true, false), 'get_artmode_status')).toBeDefined();
    await fx.stop();

    await fx.start({ profileName: '2022' });
    expect(fx.frame.switches().zombieAfterWake).toBe(false);
    wake();
    expect(await answerOf(await fx.art(true, false), 'get_artmode_status')).toBeDefined();
  });

  it('2022 with the switch on: a client kept across standby on 8001 stops being served', async () => {
    await fx.start({ profileName: '2022', switches: { zombieAfterWake: true } });
    const kept = await fx.art(true, false);
    wake();

    await kept.broadcast('wakeup');
    expect(await answerOf(kept, 'get_artmode_status')).toBeUndefined();
  });
});

describe('zombie port fixed in the profile (§2.3)', () => {
  const fx = new SimFixture();
  afterEach(() => fx.stop());

  it("zombiePort 'secure': 8002 connects and never serves, 8001 works", async () => {
    await fx.start({ profile: { zombiePort: 'secure', multiClientPolicy: 'allow' } });
    const zombie = await fx.art(false, true);
    expect(await answerOf(zombie, 'get_artmode_status')).toBeUndefined();
    expect(zombie.frames.map((f) => f.message.event)).toEqual(['ms.channel.connect']);

    const plain = await fx.art(true, false);
    expect(await answerOf(plain, 'get_artmode_status')).toMatchObject({ value: 'on' });
  });
});
