import net from 'node:net';
import { chooseDemoBroker, isListening } from '../../src/demo/broker.js';
import { parseDemoFlags } from '../../src/demo/flags.js';

const defaults = {
  artworks: '524',
  latency: 'realistic',
  logLevel: 'info',
  once: false,
  aiFake: false,
};

describe('the demo flags', () => {
  test('accept the defaults and turn the catalogue size into a number', () => {
    const parsed = parseDemoFlags(defaults);

    expect(parsed).toEqual({ ok: true, flags: { ...defaults, artworks: 524 } });
  });

  test.each([
    [{ artworks: 'abc' }, '--artworks: must be a whole number'],
    [{ artworks: '-5' }, '--artworks: must be a whole number'],
    [{ artworks: '0' }, '--artworks: must be at least 1'],
    [{ artworks: '999999' }, '--artworks: must be at most 10000'],
    [{ latency: 'slow' }, '--latency: must be none, fast or realistic'],
    [{ logLevel: 'loud' }, '--log-level: must be one of'],
    [{ dataDir: '  ' }, '--data-dir: must not be empty'],
  ])('refuse %j with a message naming the flag', (patch, message) => {
    const parsed = parseDemoFlags({ ...defaults, ...patch });

    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    expect(parsed.problems).toHaveLength(1);
    expect(parsed.problems[0]).toContain(message);
  });
});

describe('the demo broker', () => {
  test('is the one in MQTT_URL when set, and never stopped by the demo', async () => {
    const broker = await chooseDemoBroker({ MQTT_URL: 'mqtt://broker.example:1884' });

    expect(broker).toMatchObject({ kind: 'configured', host: 'broker.example', port: 1884 });
    await expect(broker.stop()).resolves.toBeUndefined();
  });

  test('tells a listening port from a closed one', async () => {
    const server = net.createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    const port = typeof address === 'object' && address ? address.port : 0;

    expect(await isListening('127.0.0.1', port)).toBe(true);
    await new Promise<void>((resolve) => server.close(() => resolve()));
    expect(await isListening('127.0.0.1', port)).toBe(false);
  });
});
