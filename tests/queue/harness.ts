import { silentLogger } from '../../src/log.js';
import { LaneScheduler } from '../../src/queue/scheduler.js';
import type { JobContext, JobEndInfo, JobSpec, Lane } from '../../src/queue/types.js';
import { FakeClock } from './fake-clock.js';

export const RETRY_DELAY_MS = 1_000;

/** A scheduler on a fake clock with a fixed retry delay, plus a recorder of starts and ends. */
export function setup(options: { tvReady?: boolean; defaultMaxAttempts?: number } = {}) {
  const clock = new FakeClock();
  const scheduler = new LaneScheduler({
    logger: silentLogger(),
    clock,
    retryDelayMs: () => RETRY_DELAY_MS,
    tvReady: options.tvReady ?? true,
    ...(options.defaultMaxAttempts === undefined
      ? {}
      : { defaultMaxAttempts: options.defaultMaxAttempts }),
  });
  const started: string[] = [];
  const ended: JobEndInfo[] = [];
  scheduler.on('job', (info) => ended.push(info));

  /** A job that records its start and takes `durationMs` of clock time. */
  function job(
    lane: Lane,
    name: string,
    durationMs = 100,
    extra: Partial<JobSpec<string>> = {},
  ): JobSpec<string> {
    return {
      lane,
      name,
      id: name,
      run: async (ctx: JobContext) => {
        started.push(name);
        await clock.sleep(durationMs, ctx.signal);

        return `${name} done`;
      },
      ...extra,
    };
  }

  return { clock, scheduler, started, ended, job };
}
