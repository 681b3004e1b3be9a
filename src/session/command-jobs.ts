import { DocentError } from '../errors.js';
import type { Command } from '../mqtt/commands.js';
import type { JobSpec } from '../queue/types.js';
import type { FrameArtApi } from '../tv/art-api.js';

/** What a command job needs from its TV session. */
export interface CommandJobDeps {
  api: FrameArtApi;
  /** Known content ids, or null while the catalogue has never been loaded. */
  knownArtwork(contentId: string): boolean | null;
  currentContentId(): string | null;
  /** Clock time by which a user command must have started. */
  userDeadlineAt(): number;
}

/** Commands that become one job on the TV; the others are run by the session itself. */
export type TvCommand = Exclude<Command, { action: 'refresh' | 'sync_thumbnails' | 'describe' }>;

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
          await deps.api.changeMatte(contentId, command.matteId);

          return { content_id: contentId, matte_id: command.matteId };
        },
      };
    case 'art_mode':
      return {
        ...user,
        name: 'art_mode',
        coalesceKey: 'art_mode',
        run: async () => {
          await deps.api.setArtMode(command.on);

          return { art_mode: command.on ? 'on' : 'off' };
        },
      };
    case 'slideshow':
      return {
        ...user,
        name: 'slideshow',
        coalesceKey: 'slideshow',
        run: async () => {
          const status = await deps.api.setSlideshowStatus({
            value: command.value,
            categoryId: command.categoryId ?? 'MY-C0002',
            shuffle: command.shuffle ?? false,
          });

          return { slideshow: status.value };
        },
      };
  }
}
