import net from 'node:net';

/**
 * A TCP forwarder on 127.0.0.1:0 in front of a real server, so a test can cut a client's
 * connection uncleanly (as a network failure or a killed process would) without touching the
 * client's internals.
 */
export interface TcpProxy {
  port: number;
  url: string;
  /** Destroys every open connection on both sides; new connections are still accepted. */
  cut(): void;
  close(): Promise<void>;
}

export async function startTcpProxy(targetPort: number): Promise<TcpProxy> {
  const sockets = new Set<net.Socket>();
  const track = (socket: net.Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    socket.on('error', () => socket.destroy());
  };

  const server = net.createServer((inbound) => {
    const outbound = net.connect({ port: targetPort, host: '127.0.0.1' });
    track(inbound);
    track(outbound);
    inbound.pipe(outbound);
    outbound.pipe(inbound);
    inbound.once('close', () => outbound.destroy());
    outbound.once('close', () => inbound.destroy());
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no port assigned');

  return {
    port: address.port,
    url: `mqtt://127.0.0.1:${address.port}`,
    cut() {
      for (const socket of sockets) socket.destroy();
    },
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
