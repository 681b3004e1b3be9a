import dgram from 'node:dgram';
import { asObject, getJson, type RawClient, sleep } from './raw-client.js';
import { answerOf, SimFixture } from './sim-fixture.js';

const MAC = '02:00:00:00:00:0A';

function key(client: RawClient, cmd: 'Click' | 'Press' | 'Release', dataOfCmd = 'KEY_POWER') {
  client.send({
    method: 'ms.remote.control',
    params: { Cmd: cmd, DataOfCmd: dataOfCmd, Option: 'false', TypeOfRemote: 'SendRemoteKey' },
  });
}

function magicPacket(mac: string): Buffer {
  const macBytes = Buffer.from(mac.replace(/:/g, ''), 'hex');

  return Buffer.concat([Buffer.alloc(6, 0xff), ...Array.from({ length: 16 }, () => macBytes)]);
}

/** Sends one magic packet to the simulator's WoL port on loopback only. */
async function sendWol(port: number, mac = MAC): Promise<void> {
  const socket = dgram.createSocket('udp4');
  await new Promise<void>((resolve, reject) => {
    socket.send(magicPacket(mac), port, '127.0.0.1', (err) => (err ? reject(err) : resolve()));
  });
  await new Promise<void>((resolve) => socket.close(() => resolve()));
}

async function restPower(port: number): Promise<unknown> {
  const { body } = await getJson(`http://127.0.0.1:${port}/api/v2/`);

  return asObject(body.device).PowerState;
}

async function until(check: () => boolean, timeoutMs = 2000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not reached');
    await sleep(5);
  }
}

describe('KEY_POWER on the remote channel (§6.3)', () => {
  const fx = new SimFixture();
  let remote: RawClient;
  beforeEach(async () => {
    await fx.start({ profile: { powerLongPressMs: 80 } });
    remote = await fx.open(fx.remoteUrl());
    await remote.waitForEvent('ms.channel.connect');
  });
  afterEach(() => fx.stop());

  it('a click toggles art mode and TV mode while on', async () => {
    const art = await fx.art();
    key(remote, 'Click');

    expect(await art.broadcast('art_mode_changed')).toEqual({
      event: 'art_mode_changed',
      status: 'off',
    });
    expect(fx.frame.state()).toMatchObject({ power: 'on', artMode: 'off' });
  });

  it('a hold past the long-press time puts the set in standby; a short one toggles', async () => {
    key(remote, 'Press');
    await sleep(20);
    key(remote, 'Release');
    await until(() => fx.frame.state().artMode === 'off');
    expect(fx.frame.state().power).toBe('on');

    key(remote, 'Press');
    await sleep(100);
    key(remote, 'Release');
    await until(() => fx.frame.state().power === 'standby');
  });

  it('a Press without Release keeps the key held and later clicks do nothing', async () => {
    key(remote, 'Press');
    await until(() => fx.frame.state().powerKeyHeld);
    key(remote, 'Click');
    await sleep(30);

    expect(fx.frame.state()).toMatchObject({ powerKeyHeld: true, artMode: 'on', power: 'on' });
  });

  it('a click in standby wakes the set into the mode it was last in', async () => {
    key(remote, 'Click');
    await until(() => fx.frame.state().artMode === 'off');
    fx.frame.setPower('standby');
    key(remote, 'Click');

    await until(() => fx.frame.state().power === 'on');
    expect(fx.frame.state().artMode).toBe('off');
  });
});

describe('Wake-on-LAN (§6.4)', () => {
  const fx = new SimFixture();
  afterEach(() => fx.stop());

  it('a magic packet for our MAC wakes a switched-off set after the boot delay, into art', async () => {
    await fx.start({ profile: { bootDelayMs: 120, wolIgnoreAfterOffMs: 0 } });
    fx.frame.setPower('off');
    const sentAt = Date.now();
    await sendWol(fx.frame.wolPort);
    await until(() => fx.frame.state().booting);
    await expect(restPower(fx.frame.plainPort)).rejects.toThrow();

    await until(() => fx.frame.state().power === 'on');
    expect(Date.now() - sentAt).toBeGreaterThanOrEqual(100);
    expect(fx.frame.state().artMode).toBe('on');
    expect(fx.frame.counters().wolPackets).toBe(1);
    expect(await restPower(fx.frame.plainPort)).toBe('on');
  });

  it('ignores packets for another MAC', async () => {
    await fx.start({ profile: { bootDelayMs: 10, wolIgnoreAfterOffMs: 0 } });
    fx.frame.setPower('standby');
    await sendWol(fx.frame.wolPort, '02:00:00:00:00:0B');
    await sleep(60);

    expect(fx.frame.state()).toMatchObject({ power: 'standby', booting: false });
    expect(fx.frame.counters().wolPackets).toBe(0);
  });

  it('ignores a packet sent right after a power-off', async () => {
    await fx.start({ profile: { bootDelayMs: 10, wolIgnoreAfterOffMs: 150 } });
    fx.frame.setPower('off');
    await sendWol(fx.frame.wolPort);
    await sleep(60);
    expect(fx.frame.state().power).toBe('off');

    await sleep(100);
    await sendWol(fx.frame.wolPort);
    await until(() => fx.frame.state().power === 'on');
  });

  it('wakes into the last mode when the profile says so', async () => {
    await fx.start({ profile: { bootDelayMs: 10, wolIgnoreAfterOffMs: 0, wakeInto: 'last' } });
    fx.frame.setArtMode(false);
    fx.frame.setPower('standby');
    await sendWol(fx.frame.wolPort);

    await until(() => fx.frame.state().power === 'on');
    expect(fx.frame.state().artMode).toBe('off');
  });
});

describe('power states, REST and sockets across standby (§6.1, §6.5)', () => {
  const fx = new SimFixture();
  afterEach(() => fx.stop());

  it('2025 REST says standby while in art mode and on in TV mode', async () => {
    await fx.start({ profileName: '2025' });
    expect(await restPower(fx.frame.plainPort)).toBe('standby');

    fx.frame.setArtMode(false);
    expect(await restPower(fx.frame.plainPort)).toBe('on');
  });

  it('closes the remote channel with 1006 some time after standby', async () => {
    await fx.start({ profile: { remoteStandbyCloseMs: 80 } });
    const remote = await fx.open(fx.remoteUrl());
    await remote.waitForEvent('ms.channel.connect');
    fx.frame.setPower('standby');
    await sleep(30);
    expect(remote.closeCode).toBeUndefined();

    await remote.waitClosed();
    expect(remote.closeCode).toBe(1006);
  });

  it('leaves art sockets half-open on abrupt power loss: no close, nothing delivered', async () => {
    await fx.start({ profile: { pingIntervalMs: 20 }, switches: { halfOpenOnPowerLoss: true } });
    const art = await fx.art();
    fx.frame.setPower('off');
    let pings = 0;
    art.ws.on('ping', () => {
      pings += 1;
    });
    const id = art.request('get_artmode_status');
    await sleep(80);

    expect(art.closeCode).toBeUndefined();
    expect(pings).toBe(0);
    expect(art.frames.some((f) => f.text.includes(id))).toBe(false);
    expect(fx.frame.counters().artConnectionsOpen).toBe(0);
  });

  it('broadcasts go_to_standby when the panel sleeps on its motion timer, staying on', async () => {
    await fx.start();
    const art = await fx.art();
    fx.frame.sleepPanel();

    expect(await art.broadcast('go_to_standby')).toEqual({ event: 'go_to_standby' });
    expect(fx.frame.state().power).toBe('on');
    expect(await answerOf(art, 'get_artmode_status')).toMatchObject({ value: 'on' });
  });

  it('ticks a running slideshow: image_selected then slideshow_image_changed', async () => {
    await fx.start({ slideshowMinuteMs: 30 });
    const art = await fx.art();
    const before = fx.frame.state().currentContentId;
    await answerOf(art, 'set_slideshow_status', { value: '1', category_id: 'MY-C0002' });

    const step = await art.broadcast('slideshow_image_changed', 1000);
    expect(step.current_content_id).not.toBe(before);
    expect(fx.frame.state().currentContentId).toBe(step.current_content_id);
  });
});
