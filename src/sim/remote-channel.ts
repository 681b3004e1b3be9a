import type { WebSocket } from 'ws';
import { z } from 'zod';
import type { Logger } from '../log.js';
import { type ChannelClient, clientEntry } from './channel-client.js';
import { pairingToken } from './ids.js';
import { parseChannelMessage } from './messages.js';
import type { SimProfile } from './profile.js';
import type { SimSwitches } from './switches.js';

export interface RemoteChannelDeps {
  logger: Logger;
  profile: SimProfile;
  switches: SimSwitches;
  newClientId(): string;
  /** A key event on `samsung.remote.control` (frame-protocol §6.3). */
  onKey(cmd: 'Click' | 'Press' | 'Release', key: string): void;
  onBytesSent(bytes: number): void;
}

const keySchema = z.object({
  Cmd: z.enum(['Click', 'Press', 'Release']),
  DataOfCmd: z.string(),
});

/**
 * `samsung.remote.control`: pairing prompt and tokens, key presses (frame-protocol §1.5, §6.3).
 * The prompt's answer and delay come from the switches; a saved token skips the prompt.
 */
export class RemoteChannel {
  private readonly clients = new Set<ChannelClient>();
  /** Sockets waiting on the simulated prompt; they hear nothing meanwhile (§1.5 step 1). */
  private readonly prompting = new Map<WebSocket, NodeJS.Timeout>();
  private readonly tokens = new Set<string>();
  /** Tokens issued before `revokeTokens()`: what a TV that forgot its pairings meets (NW#30). */
  private readonly revoked = new Set<string>();
  /** Client names the user denied; their later attempts die without a close frame (HA#68125). */
  private readonly denied = new Set<string>();
  private standbyTimer: NodeJS.Timeout | undefined;

  constructor(private readonly deps: RemoteChannelDeps) {}

  accept(ws: WebSocket, name: string, secure: boolean, urlToken: string | undefined): void {
    ws.on('error', (err) => this.deps.logger.debug({ err }, 'remote socket error'));
    if (!secure && this.deps.profile.tokenAuth) {
      // TokenAuth sets answer the remote channel on 8001 with `unauthorized`, no prompt (§1.5).
      this.refuse(ws, { event: 'ms.channel.unauthorized' });
      return;
    }
    if (!secure) {
      // §1.5, §7 Q14: 8001 never prompts; without TokenAuth it joins at once and, as the token
      // flow exists only on 8002, no token is handed out.
      this.join(ws, name, undefined);
      return;
    }
    if (urlToken !== undefined && this.tokens.has(urlToken)) {
      this.join(ws, name, urlToken);
      return;
    }
    const revokedReply =
      urlToken !== undefined && this.revoked.has(urlToken)
        ? this.deps.profile.revokedTokenReply
        : 'reprompt';
    if (revokedReply === 'unauthorized') {
      this.refuse(ws, { event: 'ms.channel.unauthorized' });
      return;
    }
    if (revokedReply === 'no-authorized') {
      this.refuse(ws, { event: 'ms.error', data: { message: 'No Authorized' } });
      return;
    }
    if (this.denied.has(name)) {
      // HA#68125 reports close code 1002 without a close frame; ws can only drop the socket
      // here, which a client sees as 1006. Either way no close frame arrives.
      ws.terminate();
      return;
    }
    this.prompt(ws, name);
  }

  /** Was this token issued by the remote channel (what a token-requiring art app checks)? */
  isKnownToken(token: string): boolean {
    return this.tokens.has(token);
  }

  /** The TV forgets every pairing (long power loss, NW#30; a reset device list). */
  revokeTokens(): void {
    for (const token of this.tokens) this.revoked.add(token);
    this.tokens.clear();
    this.denied.clear();
  }

  /** §6.5, NW#16: remote sockets die with 1006 some time after standby. */
  enterStandby(): void {
    const closeMs = this.deps.profile.remoteStandbyCloseMs;
    if (closeMs <= 0) return;
    clearTimeout(this.standbyTimer);
    this.standbyTimer = setTimeout(() => this.closeAll(), closeMs);
  }

  leaveStandby(): void {
    clearTimeout(this.standbyTimer);
  }

  closeAll(): void {
    clearTimeout(this.standbyTimer);
    for (const client of this.clients) client.ws.terminate();
    this.clients.clear();
    for (const [ws, timer] of this.prompting) {
      clearTimeout(timer);
      ws.terminate();
    }
    this.prompting.clear();
  }

  private prompt(ws: WebSocket, name: string): void {
    const { pairing, promptDelayMs } = this.deps.switches;
    if (pairing === 'auto') {
      this.join(ws, name, pairingToken());
      return;
    }
    const timer = setTimeout(() => {
      this.prompting.delete(ws);
      if (ws.readyState !== ws.OPEN) return;
      if (pairing === 'accept') this.join(ws, name, pairingToken());
      else if (pairing === 'timeout') this.refuse(ws, { event: 'ms.channel.timeOut' });
      else {
        this.denied.add(name);
        this.refuse(ws, { event: 'ms.channel.unauthorized' });
      }
    }, promptDelayMs);
    this.prompting.set(ws, timer);
    ws.on('close', () => {
      clearTimeout(timer);
      this.prompting.delete(ws);
    });
  }

  private join(ws: WebSocket, name: string, token: string | undefined): void {
    const client: ChannelClient = {
      ws,
      id: this.deps.newClientId(),
      name,
      connectTime: Date.now(),
      isHost: false,
    };
    const others = [...this.clients];
    this.clients.add(client);
    if (token !== undefined) this.tokens.add(token);

    ws.on('message', (data, isBinary) => {
      if (!isBinary) this.onText(data.toString());
    });
    ws.on('close', () => this.leave(client));
    // Remote channel: only `ms.channel.connect` with the token, never `ready` (§1.5, NW#4).
    const clients = [...others, client].map(clientEntry);
    this.send(ws, {
      data: { clients, id: client.id, ...(token === undefined ? {} : { token }) },
      event: 'ms.channel.connect',
    });
    // §2.2: the others on the channel hear about the newcomer, as on the art channel.
    for (const other of others) {
      this.send(other.ws, { data: clientEntry(client), event: 'ms.channel.clientConnect' });
    }
  }

  private leave(client: ChannelClient): void {
    if (!this.clients.delete(client)) return;

    for (const other of this.clients) {
      this.send(other.ws, { data: clientEntry(client), event: 'ms.channel.clientDisconnect' });
    }
  }

  private refuse(ws: WebSocket, message: unknown): void {
    this.send(ws, message);
    ws.close();
  }

  private send(ws: WebSocket, message: unknown): void {
    if (ws.readyState !== ws.OPEN) return;
    const text = JSON.stringify(message);
    this.deps.onBytesSent(Buffer.byteLength(text));
    ws.send(text);
  }

  private onText(text: string): void {
    const message = parseChannelMessage(text);
    if (message?.method !== 'ms.remote.control') return;
    const key = keySchema.safeParse(message.params);
    if (!key.success) return;

    this.deps.logger.debug({ key: key.data.DataOfCmd, cmd: key.data.Cmd }, 'remote key');
    this.deps.onKey(key.data.Cmd, key.data.DataOfCmd);
  }
}
