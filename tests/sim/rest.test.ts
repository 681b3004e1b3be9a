import { type SimulatedFrame, startSimulatedFrame } from '../../src/sim/index.js';
import { asObject, getJson } from './raw-client.js';

describe('simulated frame REST /api/v2/', () => {
  let frame: SimulatedFrame;

  beforeAll(async () => {
    frame = await startSimulatedFrame({ artworks: 5, latency: 'none', mac: '02:00:00:00:00:AB' });
  });
  afterAll(async () => {
    await frame.stop();
  });

  it.each([
    ['http', () => frame.plainPort],
    ['https', () => frame.securePort],
  ] as const)('answers device info with string flags over %s', async (scheme, port) => {
    const url = `${scheme}://127.0.0.1:${port()}/api/v2/`;
    const { status, body } = await getJson(url);
    const device = asObject(body.device);

    expect(status).toBe(200);
    expect(device.FrameTVSupport).toBe('true');
    expect(device.TokenAuthSupport).toBe('true');
    expect(device.PowerState).toBe('on');
    expect(device.wifiMac).toBe('02:00:00:00:00:AB');
    expect(device.model).toBe('22_PONTUSM_FTV');
    expect(body.uri).toBe(url);
    expect(body.type).toBe('Samsung SmartTV');
    expect(typeof body.isSupport).toBe('string');
    expect(String(body.isSupport).endsWith('}\n')).toBe(true);
    expect(asObject(JSON.parse(String(body.isSupport))).FrameTVSupport).toBe('true');
    for (const value of Object.values(device)) expect(typeof value).toBe('string');
  });

  it('answers 404 for other paths', async () => {
    const { status } = await getJson(`http://127.0.0.1:${frame.plainPort}/api/v2/nothing`);

    expect(status).toBe(404);
  });
});
