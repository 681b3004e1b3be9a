import { DocentError } from '../errors.js';
import type { Command } from '../mqtt/commands.js';
import type { JobSpec } from '../queue/types.js';
import type { FrameArtApi } from '../tv/art-api.js';
import type { SlideshowStatus } from '../tv/types.js';
import { shuffleArtwork, stepArtwork } from './navigation.js';

/** What a command job needs from its TV session. */
export interface CommandJobDeps {
  api: FrameArtApi;
  /** Known content ids, or null while the catalogue has never been loaded. */
  knownArtwork(contentId: string): boolean | null;
  currentContentId(): string | null;
  /** Clock time by which a user command must have started. */
  userDeadlineAt(): number;
  /** Content ids in catalogue order, for next / previous / shuffle. */
  artworkIds(): readonly string[];
  /** A number in [0, 1) for shuffle; `Math.random` in the daemon. */
  random(): number;
  /**
   * The TV accepted a select. Called inside the job, before the next job can start, so a second
   * "next" steps from the artwork the first one chose even before the TV's broadcast arrives.
   */
  onSelected(contentId: string): void;
  /** What the TV last reported about its slideshow (null: not read yet). */
  slideshow(): SlideshowStatus | null;
  /** Minutes of the last slideshow that ran, for `value: 'on'` while it is off. */
  lastSlideshowMinutes(): number | null;
  /** The TV applied a photo filter, changed a favourite or a setting (the session follows). */
  onFilterApplied(contentId: string, filterId: string): void;
  onFavouriteChanged(contentId: string, on: boolean): void;
  onSettingChanged(setting: 'brightness' | 'color_temperature', value: number): void;
}

/** Slideshow interval for `value: 'on'` when the TV has never run one. */
const DEFAULT_SLIDESHOW_MINUTES = 15;
/** The TV's "My Photos" category: the default slideshow source. */
const MY_PHOTOS_CATEGORY = 'MY-C0002';

/** Commands that become one job on the TV; the others are run by the session itself. */
export type TvCommand = Extract<
  Command,
  {
    action:
      | 'select'
      | 'matte'
      | 'art_mode'
      | 'slideshow'
      | 'next'
      | 'previous'
      | 'shuffle'
      | 'brightness'
      | 'color_temperature'
      | 'photo_filter'
      | 'favourite';
  }
>;

const TV_COMMAND_ACTIONS: ReadonlySet<string> = new Set<TvCommand['action']>([
  'select',
  'matte',
  'art_mode',
  'slideshow',
  'next',
  'previous',
  'shuffle',
  'brightness',
  'color_temperature',
  'photo_filter',
  'favourite',
]);

/** Whether a command is one job on the TV's lanes (`jobForCommand` takes it). */
export function isTvCommand(command: Command): command is TvCommand {
  return TV_COMMAND_ACTIONS.has(command.action);
}

/**
 * Turns a parsed MQTT command into the job that carries it out. User commands run on the
 * `user` lane with a deadline; a newer select / matte / art-mode / slideshow command supersedes an
 * older one that has not started (architecture rule 4).
 */
export function jobForCommand(command: TvCommand, deps: CommandJobDeps): JobSpec<unknown> {
  const user = {
    lane: 'user' as const,
    ...(command.id === null ? {} : { id: command.id }),
    deadlineAt: deps.userDeadlineAt(),
  };

  switch (command.action) {
    case 'select':
      return {
        ...user,
        name: 'select',
        coalesceKey: 'select',
        run: async () => {
          if (deps.knownArtwork(command.contentId) === false) {
            throw new DocentError('UNKNOWN_ARTWORK', `no artwork ${command.contentId} on this TV`);
          }
          await deps.api.selectImage(command.contentId, { show: command.show });
          deps.onSelected(command.contentId);

          return { content_id: command.contentId };
        },
      };
    case 'matte':
      return {
        ...user,
        name: 'matte',
        coalesceKey: 'matte',
        run: async () => {
          const contentId = command.contentId ?? deps.currentContentId();
          if (!contentId) {
            throw new DocentError('NO_CURRENT_ARTWORK', 'no artwork to change the matte of');
          }
          await deps.api.changeMatte(
            contentId,
            command.matteId,
            command.portraitMatteId ?? undefined,
          );

          return { content_id: contentId, matte_id: command.matteId };
        },
      };
    case 'art_mode':
      return {
        ...user,
        name: 'art_mode',
        coalesceKey: 'art_mode',
        run: async () => {
          // 5.x sets ignore a redundant set without a reply (§3.6): ask first.
          await deps.api.setArtMode(command.on, { checkFirst: true });

          return { art_mode: command.on ? 'on' : 'off' };
        },
      };
    case 'slideshow':
      return {
        ...user,
        name: 'slideshow',
        coalesceKey: 'slideshow',
        run: async () => {
          // What the command leaves out is kept as the TV has it.
          const now = deps.slideshow();
          const status = await deps.api.setSlideshowStatus({
            value: slideshowValue(command.value, now, deps.lastSlideshowMinutes()),
            categoryId: command.categoryId ?? now?.categoryId ?? MY_PHOTOS_CATEGORY,
            shuffle: command.shuffle ?? now?.type === 'shuffleslideshow',
          });

          return { slideshow: status.value };
        },
      };
    case 'next':
    case 'previous':
    case 'shuffle':
      return {
        ...user,
        name: command.action,
        // Not coalesced: two "next" presses step twice. Each picks its target when it starts,
        // from the artwork shown then.
        run: async () => {
          const ids = deps.artworkIds();
          const current = deps.currentContentId();
          const target =
            command.action === 'shuffle'
              ? shuffleArtwork(ids, current, deps.random)
              : stepArtwork(ids, current, command.action === 'next' ? 1 : -1);
          if (target === null) throw new DocentError('EMPTY_CATALOGUE', 'no artworks on this TV');
          await deps.api.selectImage(target, { show: true });
          deps.onSelected(target);

          return { content_id: target };
        },
      };
    case 'brightness':
      return {
        ...user,
        name: 'brightness',
        coalesceKey: 'brightness',
        run: async () => {
          const value = await deps.api.settings.setBrightness(command.value);
          deps.onSettingChanged('brightness', value);

          return { brightness: value };
        },
      };
    case 'color_temperature':
      return {
        ...user,
        name: 'color_temperature',
        coalesceKey: 'color_temperature',
        run: async () => {
          const value = await deps.api.settings.setColorTemperature(command.value);
          deps.onSettingChanged('color_temperature', value);

          return { color_temperature: value };
        },
      };
    case 'photo_filter':
      return {
        ...user,
        name: 'photo_filter',
        coalesceKey: 'photo_filter',
        run: async () => {
          const contentId = command.contentId ?? deps.currentContentId();
          if (!contentId) throw new DocentError('NO_CURRENT_ARTWORK', 'no artwork to filter');
          await deps.api.applyPhotoFilter(contentId, command.filterId);
          deps.onFilterApplied(contentId, command.filterId);

          return { content_id: contentId, filter_id: command.filterId };
        },
      };
    case 'favourite':
      return {
        ...user,
        name: 'favourite',
        run: async () => {
          const contentId = command.contentId ?? deps.currentContentId();
          if (!contentId) throw new DocentError('NO_CURRENT_ARTWORK', 'no artwork to favourite');
          const on = await deps.api.setFavourite(contentId, command.on);
          deps.onFavouriteChanged(contentId, on);

          return { content_id: contentId, favourite: on ? 'on' : 'off' };
        },
      };
  }
}

/**
 * `on` keeps the interval running, else the last one used (else 15 min); null keeps what the TV
 * has, `off` included.
 */
function slideshowValue(
  value: 'off' | 'on' | number | null,
  now: SlideshowStatus | null,
  lastMinutes: number | null,
): 'off' | number {
  const running = now && /^[0-9]+$/.test(now.value) ? Number(now.value) : null;
  if (value === null) return running ?? 'off';
  if (value === 'on') return running ?? lastMinutes ?? DEFAULT_SLIDESHOW_MINUTES;

  return value;
}
