import wake from 'wakeonlan';
import { DocentError } from '../errors.js';
import type { Logger } from '../log.js';

export interface WakeOnLanOptions {
  /**
   * Send to this address only (e.g. a directed broadcast, or 127.0.0.1 in tests). Without it
   * the packet goes to the broadcast address of every IPv4 interface (frame-protocol.md §6.4).
   */
  address?: string;
  /** Local address to send from when `address` is given. Default 0.0.0.0. */
  from?: string;
  /** UDP port. Default 9. */
  port?: number;
  logger: Logger;
}

/**
 * Sends the Wake-on-LAN magic packet (a short burst, as the `wakeonlan` package does) for `mac`.
 * Rejects with WOL_FAILED when the MAC is invalid or no packet could be sent.
 */
export async function wakeOnLan(mac: string, options: WakeOnLanOptions): Promise<void> {
  const log = options.logger.child({ component: 'tv' });
  // The package ignores `address` unless `from` is set (it then sends per interface instead).
  const target =
    options.address === undefined
      ? {}
      : { address: options.address, from: options.from ?? '0.0.0.0' };

  try {
    await wake(mac, { ...target, port: options.port ?? 9 });
  } catch (err) {
    throw new DocentError('WOL_FAILED', 'Wake-on-LAN packet not sent', { cause: err });
  }

  log.info({ mac, address: options.address ?? 'broadcast' }, 'tv wake-on-lan sent');
}
