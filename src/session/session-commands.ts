/**
 * Runs the commands of one TV session: parses a payload from `docent/<tv>/command`, routes it
 * (a TV job on the lanes, a browser change, a Wake-on-LAN packet, an AI description) and
 * publishes exactly one result for it (architecture.md rule 3).
 */
import { randomUUID } from 'node:crypto';
import type { Catalog } from '../catalog/catalog.js';
import { errorCode, errorMessage } from '../errors.js';
import type { Logger } from '../log.js';
import { badCommandResult, type CommandResult, resultFromOutcome } from '../mqtt/command-result.js';
import { type Command, parseCommand } from '../mqtt/commands.js';
import type { LaneScheduler } from '../queue/scheduler.js';
import type { JobOutcome } from '../queue/types.js';
import type { FrameArtApi } from '../tv/art-api.js';
import type { CurrentArtwork } from '../tv/types.js';
import { wakeOnLan } from '../tv/wake.js';
import type { BrowserFlow } from './browser-flow.js';
import { type CommandJobDeps, jobForCommand, type TvCommand } from './command-jobs.js';
import type { SessionDescriptions } from './descriptions.js';
import type { TvPublisher } from './publisher.js';

/** Where Wake-on-LAN packets go; `mac` null when the TV's MAC is not known. */
export interface WakeSettings {
  mac: string | null;
  /** Send to this address only (tests: 127.0.0.1); broadcast when absent. */
  address?: string;
  port?: number;
}

export interface SessionCommandsDeps {
  scheduler: LaneScheduler;
  publisher: TvPublisher;
  browser: BrowserFlow;
  descriptions: SessionDescriptions | null;
  api: FrameArtApi;
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
  async handle(payload: Buffer): Promise<CommandResult> {
    const parsed = parseCommand(payload);
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
    switch (command.action) {
      case 'refresh':
        return this.deps.refresh();
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
      default:
        return this.enqueue(command);
    }
  }

  private enqueue(command: TvCommand): Promise<JobOutcome<unknown>> {
    return this.deps.scheduler.enqueue(jobForCommand(command, this.jobDeps()));
  }

  private jobDeps(): CommandJobDeps {
    const catalog = this.deps.catalog();

    return {
      api: this.deps.api,
      // An empty catalogue has never been read: let the TV decide whether the id exists.
      knownArtwork: (id) => (catalog.artworks().length ? catalog.has(id) : null),
      currentContentId: () => catalog.current()?.contentId ?? null,
      userDeadlineAt: () => Date.now() + this.deps.userDeadlineMs,
      artworkIds: () => catalog.artworks().map((a) => a.contentId),
      random: Math.random,
      onSelected: (contentId) => this.noteSelected(contentId),
      slideshow: () => null,
      onFilterApplied: () => {},
      onFavouriteChanged: () => {},
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
    const mac = this.wake.mac;
    if (mac === null) {
      // TODO(#6): read the MAC from the TV's REST answer (`wifiMac`) once tv/ offers it, so wake
      // works without `tvs[].mac` in the configuration.
      return {
        status: 'error',
        code: 'UNSUPPORTED',
        message: 'wake needs the TV MAC address (tvs[].mac in the configuration)',
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
    const descriptions = this.deps.descriptions;
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
