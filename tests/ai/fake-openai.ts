import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { z } from 'zod';
import { createLogger, type Logger } from '../../src/log.js';

export {
  type FakeOpenAiBehaviour,
  type FakeOpenAiServer,
  startFakeOpenAiServer,
} from '../../src/ai/fake-server.js';

/** Bytes that pass as a JPEG (the fake never decodes them); `seed` makes them distinct. */
export function fakeJpeg(seed: string): Buffer {
  return Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.from(seed, 'utf8')]);
}

export async function makeTempDir(): Promise<{ dir: string; remove(): Promise<void> }> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'docent-ai-'));

  return { dir, remove: () => rm(dir, { recursive: true, force: true }) };
}

/** A real pino logger (with Docent's redaction) whose output the test can read. */
export function captureLogger(): { logger: Logger; text(): string; records(): LogRecord[] } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer | string, _encoding, done) {
      chunks.push(chunk.toString());
      done();
    },
  });
  const logger = createLogger('trace', stream);

  return {
    logger,
    text: () => chunks.join(''),
    records: () =>
      chunks
        .join('')
        .split('\n')
        .filter((line) => line.trim() !== '')
        .map((line) => logRecordSchema.parse(JSON.parse(line))),
  };
}

const logRecordSchema = z.looseObject({
  level: z.number(),
  msg: z.string(),
  component: z.string().optional(),
});

export type LogRecord = z.infer<typeof logRecordSchema>;

export { waitUntil } from '../helpers/wait-until.js';
