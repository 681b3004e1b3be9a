import { EventEmitter } from 'node:events';
import WebSocket from 'ws';
import { z } from 'zod';
import { DocentError } from '../errors.js';
import type { Logger } from '../log.js';
import { decodeFrame } from './protocol.js';
import { loadTokenSafely, saveTokenSafely, type TokenStore } from './token-store.js';

export const REMOTE_CHANNEL = 'samsung.remote.control';

/**
 * Where Docent stands with the TV's pairing (frame-protocol.md §1.5):
 * - `none`: not tried yet;
 * - `pending`: the "allow this device?" prompt is open on the TV (the TV is silent meanwhile);
 * - `paired`: the TV accepted Docent (token saved, reused with the same client name);
 * - `denied`: the user refused, or the TV refuses a client it has on its deny list;
 * - `timeout`: nobody answered the prompt;
 * - `revoked`: the TV no longer accepts the saved token (it may prompt again right after).
 */
export type PairingState = 'none' | 'pending' | 'paired' | 'denied' | 'timeout' | 'revoked';

export interface RemoteControlOptions {
  host: string;
  /** The TLS port (8002): the only one with the prompt and tokens (§1.1, §1.5). */
  port: number;
  clientName: string;
  /** How long the prompt may stay open; HA waits 31 s (§1.5). Default 31000. */
  promptTimeoutMs?: number;
  /** Silence after the upgrade longer than this means a prompt is showing. Default 1500. */
  promptGraceMs?: number;
  /** Between keys; sending faster breaks the socket (§7 Q10, HA waits 1.2 s). Default 1200. */
  keyGapMs?: number;
}

export interface RemoteControlEvents {
  pairing: (state: PairingState, previous: PairingState) => void;
}

const messageSchema = z.looseObject({ data: z.looseObject({ message: z.string() }).optional() });

/**
 * The `samsung.remote.control` channel: pairing and key presses. A socket is opened per use and
 * closed after: the TV closes remote sockets ~25 s into standby anyway (§6.5). The token is a
 * secret and never logged.
 */
export class RemoteControl {
  private state: PairingState = 'none';
  private readonly emitter = new EventEmitter();
  private readonly log: Logger;
  /** The saved token was refused: later attempts go without it, so the TV prompts afresh. */
  private tokenRefused = false;
  private lastKeyAt = 0;
  private busy: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly options: RemoteControlOptions,
    private readonly deps: { tokenStore: TokenStore; logger: Logger },
  ) {
    this.log = deps.logger;
  }

  get pairing(): PairingState {
    return this.state;
  }

  on<K extends keyof RemoteControlEvents>(event: K, listener: RemoteControlEvents[K]): this {
    this.emitter.on(event, listener);

    return this;
  }

  off<K extends keyof RemoteControlEvents>(event: K, listener: RemoteControlEvents[K]): this {
    this.emitter.off(event, listener);

    return this;
  }

  /**
   * Opens the remote channel with the saved token (if any), waits for the TV's decision (bounded
   * by `promptTimeoutMs`), saves a new token and closes. Resolves with the resulting state.
   */
  async pair(): Promise<PairingState> {
    return this.exclusive(async () => {
      try {
        const socket = await this.open();
        socket.close();
      } catch (err) {
        if (!(err instanceof DocentError) || err.code !== 'TV_NOT_PAIRED') {
          throw err;
        }
      }

      return this.state;
    });
  }

  /** One short press (`Click`). Pairs first if needed; rejects with TV_NOT_PAIRED otherwise. */
  async click(key: string): Promise<void> {
    await this.exclusive(async () => {
      const socket = await this.open();
      try {
        await this.sendKey(socket, 'Click', key);
      } finally {
        socket.close();
      }
    });
  }

  /**
   * Press, hold `holdMs`, Release. The Release is sent even when the wait is cut short: a lost
   * Release leaves the key logically held and the physical remote dead (OH#11284).
   */
  async hold(key: string, holdMs: number): Promise<void> {
    await this.exclusive(async () => {
      const socket = await this.open();
      try {
        await this.sendKey(socket, 'Press', key);
        await sleep(holdMs);
      } finally {
        await this.sendKey(socket, 'Release', key).catch((err: unknown) => {
          this.log.warn({ err, key }, 'tv key release not sent');
        });
        socket.close();
      }
    });
  }

  private exclusive<T>(run: () => Promise<T>): Promise<T> {
    const next = this.busy.then(run, run);
    this.busy = next.catch(() => undefined);

    return next;
  }

  /** Resolves with an open, accepted socket; rejects with the pairing outcome otherwise. */
  private async open(): Promise<WebSocket> {
    const savedToken = this.tokenRefused ? null : await this.loadToken();
    const name = Buffer.from(this.options.clientName, 'utf8').toString('base64');
    const query = new URLSearchParams({ name });
    if (savedToken) {
      query.set('token', savedToken);
    }
    const url = `wss://${this.options.host}:${this.options.port}/api/v2/channels/${REMOTE_CHANNEL}?${query}`;
    const ws = new WebSocket(url, { rejectUnauthorized: false, handshakeTimeout: 5000 });
    const promptTimeoutMs = this.options.promptTimeoutMs ?? 31_000;
    const graceMs = this.options.promptGraceMs ?? 1500;

    return new Promise<WebSocket>((resolve, reject) => {
      let settled = false;
      let prompted = false;
      const timers: NodeJS.Timeout[] = [];
      const finish = (state: PairingState | null, err: Error | null): void => {
        if (settled) return;
        settled = true;
        for (const timer of timers) clearTimeout(timer);
        if (state) this.setState(state);
        if (err) {
          ws.terminate();
          reject(err);
          return;
        }
        resolve(ws);
      };

      ws.on('open', () => {
        timers.push(
          setTimeout(() => {
            prompted = true;
            // A saved token that is valid never brings a prompt: the TV forgot it (NW#30).
            if (savedToken) this.setState('revoked');
            this.setState('pending');
            this.log.info('tv pairing prompt showing, waiting for the user');
          }, graceMs),
          setTimeout(() => {
            finish('timeout', notPaired('nobody answered the pairing prompt on the TV'));
          }, promptTimeoutMs),
        );
      });
      ws.on('message', (data, isBinary) => {
        if (isBinary) return;
        const frame = decodeFrame(data.toString());
        if (frame.kind !== 'channel') return;
        switch (frame.event) {
          case 'ms.channel.connect':
            if (frame.token && frame.token !== savedToken) {
              if (savedToken && !prompted) this.setState('revoked');
              void this.saveToken(frame.token).finally(() => finish('paired', null));
              return;
            }
            finish('paired', null);
            return;
          case 'ms.channel.unauthorized':
            if (savedToken && !prompted) {
              this.tokenRefused = true;
              finish('revoked', notPaired('the TV no longer accepts the saved token'));
            } else {
              finish('denied', notPaired('the TV refused Docent'));
            }
            return;
          case 'ms.channel.timeOut':
            finish('timeout', notPaired('nobody answered the pairing prompt on the TV'));
            return;
          case 'ms.error': {
            const message = messageSchema.safeParse(frame).data?.data?.message ?? '';
            if (/no authori[sz]ed/i.test(message)) {
              this.tokenRefused = true;
              finish('revoked', notPaired('the TV no longer accepts the saved token'));
            }
            return;
          }
          default:
            // `ed.edenTV.update`, `ms.voiceApp.hide` may come first and are skipped (§1.5).
            return;
        }
      });
      ws.on('error', (err) => this.log.debug({ err }, 'tv remote socket error'));
      ws.on('close', () => {
        // After a "deny" the TV drops later attempts without any event (HA#68125).
        const state = this.state === 'denied' || prompted ? 'denied' : null;
        finish(state, notPaired('the TV closed the remote channel without a decision'));
      });
    });
  }

  private async sendKey(socket: WebSocket, cmd: 'Click' | 'Press' | 'Release', key: string) {
    const gapMs = this.options.keyGapMs ?? 1200;
    const waitMs = this.lastKeyAt + gapMs - Date.now();
    if (waitMs > 0 && cmd !== 'Release') {
      await sleep(waitMs);
    }
    const text = JSON.stringify({
      method: 'ms.remote.control',
      params: { Cmd: cmd, DataOfCmd: key, Option: 'false', TypeOfRemote: 'SendRemoteKey' },
    });
    await new Promise<void>((resolve, reject) => {
      socket.send(text, (err) => (err ? reject(err) : resolve()));
    });
    this.lastKeyAt = Date.now();
    this.log.debug({ key, cmd }, 'tv key sent');
  }

  private setState(next: PairingState): void {
    const previous = this.state;
    if (next === previous) {
      return;
    }

    this.state = next;
    this.log.info({ pairing: next, previous }, 'tv pairing changed');
    try {
      this.emitter.emit('pairing', next, previous);
    } catch (err) {
      this.log.error({ err }, 'tv pairing listener threw');
    }
  }

  private loadToken(): Promise<string | null> {
    return loadTokenSafely(this.deps.tokenStore, this.log);
  }

  private saveToken(token: string): Promise<void> {
    this.tokenRefused = false;

    return saveTokenSafely(this.deps.tokenStore, this.log, token);
  }
}

function notPaired(message: string): DocentError {
  return new DocentError('TV_NOT_PAIRED', message);
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
