import net from 'node:net';
import tls from 'node:tls';
import type { Logger } from '../log.js';
import type { TlsMaterial } from './certificate.js';
import { transferKey } from './ids.js';
import type { ConnInfo } from './request-outcome.js';

export interface D2dListenerDeps {
  host: string;
  /** `conn_info.secured`: TLS with the TV's self-signed certificate (§4.1, §4.4). */
  tls: TlsMaterial | undefined;
  /** Close the listener when nobody connects in time (§7: clients allow 10 s for the connect). */
  acceptTimeoutMs: number;
  logger: Logger;
  /** Runs on the one accepted connection; the listener is already closed by then. */
  onSocket(socket: net.Socket, key: string): void;
}

/** A one-shot d2d listener. `close()` is idempotent; `done` settles when it is all over. */
export interface D2dListener {
  readonly connInfo: ConnInfo;
  readonly done: Promise<void>;
  close(): void;
}

/**
 * Listens on an ephemeral port for exactly one d2d connection (§4.1), TLS when secured. A second
 * connection is destroyed; nobody connecting within `acceptTimeoutMs` closes the listener.
 */
export async function openD2dListener(deps: D2dListenerDeps): Promise<D2dListener> {
  const server = deps.tls ? tls.createServer({ ...deps.tls }) : net.createServer();
  const key = transferKey();
  let socket: net.Socket | undefined;
  let resolveDone: () => void = () => {};
  const done = new Promise<void>((resolve) => {
    resolveDone = resolve;
  });

  const close = (): void => {
    clearTimeout(acceptTimer);
    if (server.listening) server.close();
    socket?.destroy();
    resolveDone();
  };
  const acceptTimer = setTimeout(() => {
    deps.logger.debug({ port: connInfo.port }, 'd2d listener timed out without a connection');
    close();
  }, deps.acceptTimeoutMs);
  acceptTimer.unref();

  const onConnection = (accepted: net.Socket): void => {
    if (socket) {
      accepted.destroy();
      return;
    }
    socket = accepted;
    clearTimeout(acceptTimer);
    server.close();
    accepted.on('error', (err) => deps.logger.debug({ err }, 'd2d socket error'));
    accepted.on('close', () => resolveDone());
    deps.onSocket(accepted, key);
  };
  server.on(deps.tls ? 'secureConnection' : 'connection', onConnection);
  server.on('tlsClientError', (err) => deps.logger.debug({ err }, 'd2d tls handshake failed'));

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, deps.host, () => resolve());
  });
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  const connInfo: ConnInfo = { ip: deps.host, port, key, secured: deps.tls !== undefined };

  return { connInfo, done, close };
}
