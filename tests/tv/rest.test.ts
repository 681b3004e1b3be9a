import { readFileSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';
import { type SimulatedFrame, startSimulatedFrame } from '../../src/sim/index.js';
import { getDeviceInfo } from '../../src/tv/rest.js';

/** The 2022 set's REST body from the captured session (traces README, LOG22). */
function capturedRestBody(): string {
  const file = path.join(process.cwd(), 'tests/fixtures/traces/frame-2022-session.jsonl');
  const line = readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l))
    .find((l) => l.kind === 'GET /api/v2/ reply');
  return JSON.stringify(line.msg);
}

async function serve(
  handler: http.RequestListener,
): Promise<{ port: number; stop: () => Promise<void> }> {
  const server = http.createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const address = server.address();
  return {
    port: typeof address === 'object' && address ? address.port : 0,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('getDeviceInfo', () => {
  it('parses the captured 2022 body, turning string flags into booleans', async () => {
    const body = capturedRestBody();
    const server = await serve((_req, res) => res.end(body));

    const info = await getDeviceInfo({
      host: '127.0.0.1',
      port: server.port,
      secure: false,
      timeoutMs: 1000,
    });
    await server.stop();

    expect(info).toEqual({
      frameTvSupport: true,
      tokenAuthSupport: true,
      powerState: 'on',
      wifiMac: '02:00:00:00:00:0A',
      model: '22_PONTUSM_FTV',
      modelName: 'QN65LS03BAFXZA',
      name: 'Samsung The Frame 65',
    });
  });

  it('reads the simulator over HTTPS with its self-signed certificate', async () => {
    const sim: SimulatedFrame = await startSimulatedFrame({ artworks: 3, latency: 'none' });

    try {
      const info = await getDeviceInfo({
        host: sim.host,
        port: sim.securePort,
        secure: true,
        timeoutMs: 2000,
      });
      expect(info).toMatchObject({ frameTvSupport: true, powerState: 'on', wifiMac: sim.mac });

      sim.setPower('standby');
      const standby = await getDeviceInfo({
        host: sim.host,
        port: sim.plainPort,
        secure: false,
        timeoutMs: 2000,
      });
      expect(standby.powerState).toBe('standby');
    } finally {
      await sim.stop();
    }
  });

  it('gives null power state when the model does not report one', async () => {
    const server = await serve((_req, res) =>
      res.end(JSON.stringify({ device: { FrameTVSupport: 'false', name: 'x' } })),
    );

    const info = await getDeviceInfo({
      host: '127.0.0.1',
      port: server.port,
      secure: false,
      timeoutMs: 1000,
    });
    await server.stop();

    expect(info).toMatchObject({ powerState: null, frameTvSupport: false, wifiMac: null });
  });

  it('rejects with TV_UNREACHABLE when the connection is refused', async () => {
    const port = await closedPort();

    await expect(
      getDeviceInfo({ host: '127.0.0.1', port, secure: false, timeoutMs: 1000 }),
    ).rejects.toMatchObject({ code: 'TV_UNREACHABLE', transient: true });
  });

  it('rejects with TV_UNREACHABLE when the TV does not answer in time', async () => {
    const server = await serve(() => undefined);

    const started = Date.now();
    await expect(
      getDeviceInfo({ host: '127.0.0.1', port: server.port, secure: false, timeoutMs: 150 }),
    ).rejects.toMatchObject({ code: 'TV_UNREACHABLE' });
    expect(Date.now() - started).toBeLessThan(1000);
    await server.stop();
  });

  it('rejects a body that is not device info with TV_BAD_REPLY', async () => {
    const server = await serve((_req, res) => res.end('<html>router login</html>'));

    await expect(
      getDeviceInfo({ host: '127.0.0.1', port: server.port, secure: false, timeoutMs: 1000 }),
    ).rejects.toMatchObject({ code: 'TV_BAD_REPLY' });
    await server.stop();
  });
});
