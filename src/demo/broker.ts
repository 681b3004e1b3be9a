import net from 'node:net';
import { Aedes } from 'aedes';

export interface DemoBroker {
  url: string;
  /** Where the URL came from, for the demo's banner. */
  kind: 'configured' | 'local' | 'embedded';
  port: number;
  host: string;
  stop(): Promise<void>;
}

/** True when something accepts TCP connections on host:port within `timeoutMs`. */
export function isListening(host: string, port: number, timeoutMs = 500): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    const done = (result: boolean) => {
      socket.destroy();
      resolve(result);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

/** An in-process MQTT broker (aedes) for machines without one. Port 0 picks a free port. */
export async function startEmbeddedBroker(port = 0, host = '127.0.0.1'): Promise<DemoBroker> {
  const aedes = await Aedes.createBroker();
  const server = net.createServer(aedes.handle);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const address = server.address();
  const boundPort = typeof address === 'object' && address ? address.port : port;

  return {
    url: `mqtt://${host}:${boundPort}`,
    kind: 'embedded',
    host,
    port: boundPort,
    stop: async () => {
      await new Promise<void>((resolve) => aedes.close(() => resolve()));
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/**
 * The demo's broker: `MQTT_URL` when set, else a broker already listening on localhost:1883,
 * else an embedded one (on 1883 when free, so the printed mosquitto commands work unchanged).
 */
export async function chooseDemoBroker(env: NodeJS.ProcessEnv): Promise<DemoBroker> {
  const configured = env.MQTT_URL;
  if (configured) {
    const url = new URL(configured);
    return {
      url: configured,
      kind: 'configured',
      host: url.hostname,
      port: Number(url.port || 1883),
      stop: async () => {},
    };
  }
  if (await isListening('127.0.0.1', 1883)) {
    return {
      url: 'mqtt://127.0.0.1:1883',
      kind: 'local',
      host: '127.0.0.1',
      port: 1883,
      stop: async () => {},
    };
  }
  try {
    return await startEmbeddedBroker(1883);
  } catch {
    return startEmbeddedBroker(0);
  }
}
