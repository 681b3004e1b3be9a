/**
 * Runs the commands of one TV session: parses a payload from `docent/<tv>/command`, routes it
 * (a TV job on the lanes, a browser change, a Wake-on-LAN packet, an AI description) and
 * publishes exactly one result for it (architecture.md rule 3).
 */
import { randomUUID } from 'node:crypto';
import type { Catalog } from '../catalog/catalog.js';
import { DocentError, errorCode, errorMessage } from '../errors.js';
import type { Logger } from '../log.js';
import { badCommandResult, type CommandResult, resultFromOutcome } from '../mqtt/command-result.js';
import { type Command, parseCommand } from '../mqtt/commands.js';
import type { LaneScheduler } from '../queue/scheduler.js';
import type { JobOutcome } from '../queue/types.js';
import type { CurrentArtwork, SlideshowStatus } from '../tv/types.js';
import { wakeOnLan } from '../tv/wake.js';
import type { BrowserFlow } from './browser-flow.js';
import { type CommandJobDeps, isTvCommand, jobForCommand, type TvCommand } from './command-jobs.js';
import type { SessionDescriptions } from './descriptions.js';
import type { TvPublisher } from './publisher.js';
import type { TvFeatures } from './tv-features.js';
import type { TvLink } from './tv-link.js';

/** Where Wake-on-LAN packets go. */
export interface WakeSettings {
  /** Send to this address only (tests: 127.0.0.1); broadcast when absent. */
  address?: string;
  port?: number;
}

export interface SessionCommandsDeps {
  scheduler: LaneScheduler;
  publisher: TvPublisher;
  browser: BrowserFlow;
  /** Null without an AI key (or before the session started). */
  descriptions(): SessionDescriptions | null;
  link: TvLink;
  features: TvFeatures;
  /** What the TV last reported about its slideshow, and the minutes of the last one that ran. */
  slideshow(): { status: SlideshowStatus | null; lastMinutes: number | null };
  /** The session's catalogue (replaced on start, so asked for each time). */
  catalog(): Catalog;
  /** How long a user command may wait to start before it ends `expired`. */
  userDeadlineMs: number;
  refresh(): Promise<JobOutcome<unknown>>;
  syncThumbnails(): void;
  /**
   * The TV accepted a select (select, next, previous, shuffle, show pick). Its broadcast usually
   * follows, but "next" pressed twice must step from the artwork just chosen, so the session
   * learns it now; the broadcast fills in the details.
   */
  onSelected(current: CurrentArtwork): void;
  /** A command ended in an error: remembered for the last-error sensor. */
  onError(code: string, message: string): void;
  logger: Logger;
}

export class SessionCommands {
  constructor(
    private readonly wake: WakeSettings,
    private readonly deps: SessionCommandsDeps,
  ) {}

  /** Parses one payload and answers it with exactly one result; never throws for bad input. */
  /**
   * `retained`: the broker replayed it from an earlier publish. It is refused, not run: a
   * retained command would run again after every restart (commands are never retained).
   */
  async handle(payload: Buffer, opts: { retained?: boolean } = {}): Promise<CommandResult> {
    const parsed = parseCommand(payload);
    if (opts.retained) {
      const id = parsed.ok ? (parsed.command.id ?? null) : parsed.id;
      this.deps.logger.warn(
        { cmd_id: id },
        'retained command ignored; publish commands without retain',
      );
      return this.finish(
        badCommandResult(
          id,
          {
            code: 'RETAINED_COMMAND',
            message:
              'a retained command would run again on every restart; publish it without retain ' +
              '(and clear the retained one with an empty retained payload)',
          },
          new Date(),
        ),
      );
    }
    if (!parsed.ok) {
      this.deps.logger.warn(
        { cmd_id: parsed.id, problem: parsed.error.message },
        'command rejected',
      );
      return this.finish(badCommandResult(parsed.id, parsed.error, new Date()));
    }

    // Commands from HA entities carry no id; one is made up so the result can be traced.
    const command: Command = { ...parsed.command, id: parsed.command.id ?? randomUUID() };
    let outcome: JobOutcome<unknown>;
    try {
      outcome = await this.run(command);
    } catch (err) {
      outcome = { status: 'error', code: errorCode(err), message: errorMessage(err) };
    }

    return this.finish(resultFromOutcome(command, outcome, new Date()));
  }

  private run(command: Command): Promise<JobOutcome<unknown>> | JobOutcome<unknown> {
    if (isTvCommand(command)) return this.enqueue(command);

    switch (command.action) {
      case 'refresh':
        this.probeIfWaiting();
        return this.deps.refresh();
      case 'reconnect':
        return this.reconnect();
      case 'pair':
        return this.pair(command.id);
      case 'power':
        return this.setPower(command.id, command.value);
      case 'describe':
        return this.describe(command.contentId);
      case 'sync_thumbnails':
        this.deps.syncThumbnails();
        return { status: 'ok', value: { started: true } };
      case 'wake':
        return this.wakeTv(command.id);
      case 'search':
        return this.deps.browser.search(command.query);
      case 'browse_filter':
        return this.deps.browser.setFilter(command.filter);
      case 'browse_pick':
        return this.deps.browser.setPick(command.contentId);
      case 'show_pick': {
        const pick = this.deps.browser.pick;
        if (pick === null) {
          return { status: 'error', code: 'NO_PICK', message: 'choose an artwork in the browser' };
        }
        return this.enqueue({ action: 'select', id: command.id, contentId: pick, show: true });
      }
    }
  }

  private enqueue(command: TvCommand): Promise<JobOutcome<unknown>> {
    this.probeIfWaiting();

    return this.deps.scheduler.enqueue(jobForCommand(command, this.jobDeps()));
  }

  /**
   * A user is waiting: a connection backing off (or given up, `dormant`) gets one attempt now
   * instead of after its delay. The attempt is bounded; the command's own deadline still holds.
   */
  private probeIfWaiting(): void {
    const state = this.deps.link.connection.state;
    if (state !== 'backoff' && state !== 'dormant') return;

    this.deps.logger.info({ state }, 'user command probes the tv');
    void this.deps.link.connection.probe();
  }

  private async reconnect(): Promise<JobOutcome<unknown>> {
    const state = await this.deps.link.connection.probe();

    return state === 'ready'
      ? { status: 'ok', value: { connection: state } }
      : { status: 'error', code: 'TV_NOT_READY', message: `the art channel is ${state}` };
  }

  /** The prompt is on the remote channel, so this needs no art channel (`needsTv: false`). */
  private pair(id: string | null): Promise<JobOutcome<unknown>> {
    return this.deps.scheduler.enqueue({
      lane: 'user',
      name: 'pair',
      ...(id === null ? {} : { id }),
      coalesceKey: 'pair',
      needsTv: false,
      maxAttempts: 1,
      run: async () => {
        const state = await this.deps.link.connection.pair();
        if (state !== 'paired') {
          throw new DocentError(`PAIRING_${state.toUpperCase()}`, pairingMessage(state));
        }

        return { pairing: state };
      },
    });
  }

  /**
   * Power may start from off, so it needs no art channel. Each step is verified and bounded in
   * tv/power.ts (a wake waits up to 30 s, frame-protocol.md §6.4).
   */
  private setPower(
    id: string | null,
    target: 'off' | 'watching' | 'art',
  ): Promise<JobOutcome<unknown>> {
    return this.deps.scheduler.enqueue({
      lane: 'user',
      name: 'power',
      ...(id === null ? {} : { id }),
      coalesceKey: 'power',
      needsTv: false,
      maxAttempts: 1,
      deadlineAt: Date.now() + this.deps.userDeadlineMs,
      run: async () => {
        await this.deps.link.power.setPower(target);

        return { power: target };
      },
    });
  }

  private jobDeps(): CommandJobDeps {
    const catalog = this.deps.catalog();

    const { features } = this.deps;

    return {
      api: this.deps.link.api,
      // An empty catalogue has never been read: let the TV decide whether the id exists.
      knownArtwork: (id) => (catalog.artworks().length ? catalog.has(id) : null),
      currentContentId: () => catalog.current()?.contentId ?? null,
      userDeadlineAt: () => Date.now() + this.deps.userDeadlineMs,
      artworkIds: () => catalog.artworks().map((a) => a.contentId),
      random: Math.random,
      onSelected: (contentId) => this.noteSelected(contentId),
      slideshow: () => this.deps.slideshow().status,
      lastSlideshowMinutes: () => this.deps.slideshow().lastMinutes,
      onFilterApplied: (contentId, filterId) => features.filterApplied(contentId, filterId),
      onFavouriteChanged: (contentId, on) => features.favouriteChanged(contentId, on),
      onSettingChanged: (setting, value) => features.settingChanged(setting, value),
    };
  }

  private noteSelected(contentId: string): void {
    const catalog = this.deps.catalog();
    if (catalog.current()?.contentId === contentId) return;

    const artwork = catalog.get(contentId);
    this.deps.onSelected({
      contentId,
      categoryId: artwork?.categoryId ?? null,
      matteId: artwork?.matteId ?? null,
      portraitMatteId: artwork?.portraitMatteId ?? null,
      contentType: artwork?.contentType ?? null,
    });
  }

  /** Wake-on-LAN needs no art channel, so it may run while the TV is off (`needsTv: false`). */
  private wakeTv(id: string | null): Promise<JobOutcome<unknown>> | JobOutcome<unknown> {
    // The configured MAC, else the one the TV reported over REST while it was on.
    const mac = this.deps.link.mac;
    if (mac === null) {
      return {
        status: 'error',
        code: 'UNSUPPORTED',
        message: 'wake needs the TV MAC address: set tvs[].mac, or let Docent see the TV on once',
      };
    }

    return this.deps.scheduler.enqueue({
      lane: 'user',
      name: 'wake',
      ...(id === null ? {} : { id }),
      coalesceKey: 'wake',
      needsTv: false,
      maxAttempts: 1,
      run: async () => {
        await wakeOnLan(mac, {
          ...(this.wake.address === undefined ? {} : { address: this.wake.address }),
          ...(this.wake.port === undefined ? {} : { port: this.wake.port }),
          logger: this.deps.logger,
        });

        return { sent: true };
      },
    });
  }

  /** AI work never enters the TV's lanes: it runs beside them, from thumbnails on disk. */
  private async describe(contentId: string | null): Promise<JobOutcome<unknown>> {
    const descriptions = this.deps.descriptions();
    if (!descriptions) {
      return { status: 'error', code: 'AI_DISABLED', message: 'no OpenAI API key is configured' };
    }
    const target = contentId ?? this.deps.catalog().current()?.contentId;
    if (!target)
      return { status: 'error', code: 'NO_CURRENT_ARTWORK', message: 'nothing to describe' };

    try {
      return { status: 'ok', value: await descriptions.describe(target) };
    } catch (err) {
      return { status: 'error', code: errorCode(err), message: errorMessage(err) };
    }
  }

  private async finish(result: CommandResult): Promise<CommandResult> {
    if (result.error) this.deps.onError(result.error.code, result.error.message);
    this.deps.logger.info(
      { cmd_id: result.id, action: result.action, status: result.status, error: result.error },
      'command finished',
    );
    await this.deps.publisher.result(result);

    return result;
  }
}

function pairingMessage(state: string): string {
  switch (state) {
    case 'denied':
      return 'the TV refused Docent: allow it under Device Connection Manager on the TV';
    case 'timeout':
      return 'nobody answered the prompt on the TV in time; press Pair again and allow Docent';
    case 'revoked':
      return 'the TV no longer accepts the saved token; press Pair and allow Docent on the TV';
    default:
      return `pairing ended ${state}`;
  }
}
