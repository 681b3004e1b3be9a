import { type SimulatedFrame, startSimulatedFrame } from '../../src/sim/index.js';
import { asObject, channelUrl, getJson, RawClient, sleep } from './raw-client.js';

const ART = 'com.samsung.art-app';

describe('simulated frame power states', () => {
  let frame: SimulatedFrame;
  const clients: RawClient[] = [];
  const connect = async () => {
    const client = await RawClient.connectArt(channelUrl('wss', frame.securePort, ART));
    clients.push(client);

    return client;
  };
  const restPower = async () => {
    const { body } = await getJson(`http://127.0.0.1:${frame.plainPort}/api/v2/`);

    return asObject(body.device).PowerState;
  };

  beforeEach(async () => {
    frame = await startSimulatedFrame({ artworks: 5, latency: 'none' });
  });
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((client) => client.close()));
    await frame.stop();
  });

  it('goes to standby: broadcasts go_to_standby, REST says standby, writes do nothing', async () => {
    const client = await connect();
    frame.setPower('standby');

    expect(await client.broadcast('go_to_standby')).toEqual({ event: 'go_to_standby' });
    expect(await restPower()).toBe('standby');
    const write = client.request('set_artmode_status', { value: 'off' });
    const read = client.request('get_artmode_status');
    expect((await client.reply(read)).value).toBe('on');
    await sleep(30);
    expect(client.frames.some((f) => String(f.message.data ?? '').includes(write))).toBe(false);
    expect(frame.state()).toMatchObject({ power: 'standby', artMode: 'on' });
  });

  it('wakes up: broadcasts wakeup and REST says on', async () => {
    const client = await connect();
    frame.setPower('standby');
    frame.setPower('on');

    expect(await client.broadcast('wakeup')).toEqual({ event: 'wakeup' });
    expect(await restPower()).toBe('on');
  });

  it('switched off: closes art sockets, REST and upgrades get nothing', async () => {
    const client = await connect();
    frame.setPower('off');

    await client.waitClosed();
    await expect(getJson(`http://127.0.0.1:${frame.plainPort}/api/v2/`)).rejects.toThrow();
    await expect(RawClient.open(channelUrl('wss', frame.securePort, ART))).rejects.toThrow();
    expect(frame.counters()).toMatchObject({ artConnectionsOpen: 0, artConnectionsDropped: 1 });

    frame.setPower('on');
    expect(await restPower()).toBe('on');
    await connect();
  });

  it('toggles art mode from the TV itself and broadcasts art_mode_changed', async () => {
    const client = await connect();
    frame.setArtMode(false);

    expect(await client.broadcast('art_mode_changed')).toEqual({
      event: 'art_mode_changed',
      status: 'off',
    });
    expect(frame.state().artMode).toBe('off');
  });
});
