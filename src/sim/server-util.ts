import { createHash } from 'node:crypto';
import type http from 'node:http';

export function listen(server: http.Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      const address = server.address();
      resolve(typeof address === 'object' && address !== null ? address.port : port);
    });
  });
}

export function closeServer(server: http.Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}

/** A stable `uuid:` device id (REST `id`/`duid`/`udn`) derived from the MAC and seed. */
export function deviceUuid(mac: string, seed: number): string {
  const hex = createHash('sha256').update(`${mac}/${seed}`).digest('hex');
  const groups = [hex.slice(0, 8), hex.slice(8, 12), `4${hex.slice(13, 16)}`];
  groups.push(`8${hex.slice(17, 20)}`, hex.slice(20, 32));

  return `uuid:${groups.join('-')}`;
}
