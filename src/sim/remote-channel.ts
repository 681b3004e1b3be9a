import type { WebSocket } from 'ws';
import { z } from 'zod';
import type { Logger } from '../log.js';
import { type ChannelClient, clientEntry } from './channel-client.js';
import { pairingToken } from './ids.js';
import { parseChannelMessage } from './messages.js';

export interface RemoteChannelDeps {
  logger: Logger;
  newClientId(): string;
  /** A short `KEY_POWER` click (frame-protocol §6.3). */
  onPowerClick(): void;
}

const keySchema = z.object({
  Cmd: z.enum(['Click', 'Press', 'Release']),
  DataOfCmd: z.string(),
});

/**
 * `samsung.remote.control`: pairing tokens and key presses, kept small. Pairing is auto-accepted
 * (no prompt); the plain port refuses the channel as TokenAuth sets do (frame-protocol §1.5).
 */
export class RemoteChannel {
  private readonly clients = new Set<ChannelClient>();
  private readonly tokens = new Set<string>();

  constructor(private readonly deps: RemoteChannelDeps) {}

  accept(ws: WebSocket, name: string, secure: boolean, urlToken: string | undefined): void {
    if (!secure) {
      // TokenAuth sets answer the remote channel on 8001 with `unauthorized`, no prompt (§1.5).
      ws.send(JSON.stringify({ event: 'ms.channel.unauthorized' }));
      ws.close();
      return;
    }
    const client: ChannelClient = {
      ws,
      id: this.deps.newClientId(),
      name,
      connectTime: Date.now(),
      isHost: false,
    };
    this.clients.add(client);
    // A known token is confirmed as is; anything else gets a fresh one, as after a re-prompt.
    const token = urlToken !== undefined && this.tokens.has(urlToken) ? urlToken : pairingToken();
    this.tokens.add(token);

    ws.on('message', (data, isBinary) => {
      if (!isBinary) this.onText(data.toString());
    });
    ws.on('close', () => this.clients.delete(client));
    ws.on('error', (err) => this.deps.logger.debug({ err }, 'remote socket error'));
    ws.send(
      JSON.stringify({
        data: { clients: [clientEntry(client)], id: client.id, token },
        event: 'ms.channel.connect',
      }),
    );
  }

  /** Was this token issued by the remote channel (what a token-requiring art app checks)? */
  isKnownToken(token: string): boolean {
    return this.tokens.has(token);
  }

  closeAll(): void {
    for (const client of this.clients) client.ws.terminate();
    this.clients.clear();
  }

  private onText(text: string): void {
    const message = parseChannelMessage(text);
    if (message?.method !== 'ms.remote.control') return;
    const key = keySchema.safeParse(message.params);
    if (!key.success) return;

    this.deps.logger.debug({ key: key.data.DataOfCmd, cmd: key.data.Cmd }, 'remote key');
    // TODO(#2): Press…Release hold (≥2 s → standby) is not modelled; done = §8 item 20.
    if (key.data.DataOfCmd === 'KEY_POWER' && key.data.Cmd === 'Click') this.deps.onPowerClick();
  }
}
