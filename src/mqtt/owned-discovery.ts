import { mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import writeFileAtomic from 'write-file-atomic';
import { z } from 'zod';
import type { Logger } from '../log.js';
import { parseJsonOrUndefined } from '../util/json.js';

const fileSchema = z.object({
  version: z.literal(1),
  /** Discovery config topics this data dir's daemon published and has not cleared. */
  topics: z.array(z.string()),
});

/**
 * The discovery topics one Docent installation published, kept in its data dir, so a later
 * start clears only its own leftovers (a TV removed from its config) and never the devices of
 * another Docent on the same broker, such as the demo beside a real installation.
 */
export class OwnedDiscovery {
  private readonly filePath: string;
  private topics = new Set<string>();

  constructor(
    dataDir: string,
    private readonly log: Logger,
  ) {
    this.filePath = path.join(dataDir, 'discovery-topics.json');
  }

  /** Never throws: a missing or damaged file means nothing is known to be ours yet. */
  async load(): Promise<ReadonlySet<string>> {
    try {
      const parsed = fileSchema.safeParse(parseJsonOrUndefined(await readFile(this.filePath)));
      if (parsed.success) this.topics = new Set(parsed.data.topics);
      else this.log.warn({ path: this.filePath }, 'discovery topic list damaged; starting empty');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') {
        this.log.warn({ err, path: this.filePath }, 'discovery topic list unreadable');
      }
    }

    return this.topics;
  }

  /** Records what is published now; failures are logged (the next start clears less). */
  async save(published: readonly string[]): Promise<void> {
    this.topics = new Set(published);
    try {
      await mkdir(path.dirname(this.filePath), { recursive: true });
      await writeFileAtomic(
        this.filePath,
        JSON.stringify({ version: 1, topics: [...this.topics].sort() }),
      );
    } catch (err) {
      this.log.warn({ err, path: this.filePath }, 'discovery topic list not saved');
    }
  }
}
