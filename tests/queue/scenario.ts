import fc from 'fast-check';
import { DocentError } from '../../src/errors.js';
import { silentLogger } from '../../src/log.js';
import { LaneScheduler } from '../../src/queue/scheduler.js';
import type { JobContext, JobOutcome, JobStatus, Lane } from '../../src/queue/types.js';
import { FakeClock, flushPromises } from './fake-clock.js';

/** What a job does on one attempt; attempts beyond the plan succeed. */
export type AttemptPlan = 'ok' | 'transient' | 'permanent';

export interface ScenarioJob {
  atMs: number;
  lane: Lane;
  durationMs: number;
  plan: AttemptPlan[];
  maxAttempts: number;
  deadlineInMs: number | undefined;
  coalesceKey: string | undefined;
  needsTv: boolean;
  honoursAbort: boolean;
}

export interface Scenario {
  jobs: ScenarioJob[];
  tvReadyAtStart: boolean;
  gateFlips: { atMs: number; ready: boolean }[];
  stopAtMs: number | undefined;
}

/** Deterministic, so the checks can compute each retry's not-before time. */
export const retryDelayMs = (attempt: number): number => 200 * attempt;

export const scenarioArb: fc.Arbitrary<Scenario> = fc.record({
  jobs: fc.array(
    fc.record({
      atMs: fc.integer({ min: 0, max: 3_000 }),
      lane: fc.constantFrom<Lane>('user', 'sync', 'background'),
      durationMs: fc.integer({ min: 1, max: 400 }),
      plan: fc.array(fc.constantFrom<AttemptPlan>('ok', 'transient', 'transient', 'permanent'), {
        minLength: 1,
        maxLength: 4,
      }),
      maxAttempts: fc.integer({ min: 1, max: 3 }),
      deadlineInMs: fc.option(fc.integer({ min: 0, max: 2_500 }), { nil: undefined }),
      coalesceKey: fc.option(fc.constantFrom('select', 'matte'), { nil: undefined, freq: 3 }),
      needsTv: fc.oneof(
        { weight: 4, arbitrary: fc.constant(true) },
        { weight: 1, arbitrary: fc.constant(false) },
      ),
      honoursAbort: fc.boolean(),
    }),
    { minLength: 1, maxLength: 20 },
  ),
  tvReadyAtStart: fc.boolean(),
  gateFlips: fc.array(
    fc.record({ atMs: fc.integer({ min: 0, max: 4_000 }), ready: fc.boolean() }),
    {
      maxLength: 5,
    },
  ),
  stopAtMs: fc.option(fc.integer({ min: 0, max: 6_000 }), { nil: undefined, freq: 2 }),
});

export interface Start {
  seq: number;
  atMs: number;
  attempt: number;
  gateOpen: boolean;
}

export interface AttemptEnd {
  seq: number;
  atMs: number;
  result: AttemptPlan;
}

export interface JobRecord {
  index: number;
  spec: ScenarioJob;
  enqueueSeq: number;
  enqueueAtMs: number;
  deadlineAt: number | undefined;
  starts: Start[];
  attemptEnds: AttemptEnd[];
  endSeq: number;
  endAtMs: number;
  endEvents: number;
  endStatus: JobStatus | undefined;
  outcome: JobOutcome<string> | undefined;
}

export interface Timeline {
  records: JobRecord[];
  /** Problems seen while playing (concurrency, idling); empty when all is well. */
  violations: string[];
  /** When stop() was first called: the scenario's stop, or the final one after all timers ran. */
  stopAtMs: number;
  stopSeq: number;
  pendingTimersAfterStop: number;
  stopResolved: boolean;
}

/** Plays a scenario on a fake clock and records what happened, in order. */
export async function playScenario(scenario: Scenario): Promise<Timeline> {
  const clock = new FakeClock(0);
  const scheduler = new LaneScheduler({
    logger: silentLogger(),
    clock,
    retryDelayMs,
    tvReady: scenario.tvReadyAtStart,
  });
  const violations: string[] = [];
  const records: JobRecord[] = [];
  let seq = 0;
  let active = 0;
  let gateOpen = scenario.tvReadyAtStart;
  let stopAtMs: number | undefined;
  let stopSeq: number | undefined;
  let stopping: Promise<void> | undefined;

  const requestStop = (): Promise<void> => {
    stopAtMs ??= clock.now();
    stopSeq ??= seq++;
    stopping = scheduler.stop();

    return stopping;
  };

  scheduler.on('job', (info) => {
    const record = records[Number(info.id)];
    if (!record) throw new Error('job event for an unknown job');
    record.endEvents += 1;
    record.endSeq = seq++;
    record.endAtMs = clock.now();
    record.endStatus = info.status;
  });

  for (const [index, spec] of scenario.jobs.entries()) {
    const record: JobRecord = {
      index,
      spec,
      enqueueSeq: -1,
      enqueueAtMs: -1,
      deadlineAt: undefined,
      starts: [],
      attemptEnds: [],
      endSeq: -1,
      endAtMs: -1,
      endEvents: 0,
      endStatus: undefined,
      outcome: undefined,
    };
    records.push(record);

    const run = async (ctx: JobContext): Promise<string> => {
      if (active !== 0) violations.push(`job ${index} started while another ran`);
      active += 1;
      record.starts.push({ seq: seq++, atMs: clock.now(), attempt: ctx.attempt, gateOpen });
      const result = spec.plan[ctx.attempt - 1] ?? 'ok';
      try {
        await clock.sleep(spec.durationMs, spec.honoursAbort ? ctx.signal : undefined);
      } finally {
        active -= 1;
        record.attemptEnds.push({ seq: seq++, atMs: clock.now(), result });
      }
      if (result === 'transient')
        throw new DocentError('TV_DOWN', 'socket closed', { transient: true });
      if (result === 'permanent') throw new DocentError('TV_REJECTED', 'error -1');

      return `v${index}`;
    };

    clock.setTimeout(() => {
      record.enqueueSeq = seq++;
      record.enqueueAtMs = clock.now();
      record.deadlineAt =
        spec.deadlineInMs === undefined ? undefined : clock.now() + spec.deadlineInMs;
      void scheduler
        .enqueue({
          lane: spec.lane,
          name: `job-${index}`,
          id: String(index),
          maxAttempts: spec.maxAttempts,
          needsTv: spec.needsTv,
          ...(spec.coalesceKey === undefined ? {} : { coalesceKey: spec.coalesceKey }),
          ...(record.deadlineAt === undefined ? {} : { deadlineAt: record.deadlineAt }),
          run,
        })
        .then((outcome) => {
          record.outcome = outcome;
        });
    }, spec.atMs);
  }

  for (const flip of scenario.gateFlips) {
    clock.setTimeout(() => {
      gateOpen = flip.ready;
      seq++;
      scheduler.setTvReady(flip.ready);
    }, flip.atMs);
  }

  if (scenario.stopAtMs !== undefined)
    clock.setTimeout(() => void requestStop(), scenario.stopAtMs);

  while (await clock.step()) {
    // Timers due at this same ms (e.g. a retry's not-before) have not fired yet: check after them.
    const settled = clock.nextDueAtMs() !== clock.now();
    if (settled && stopping === undefined && scheduler.running() === null) {
      checkIdle(records, scheduler.depth(), gateOpen, clock.now(), violations);
    }
  }

  let stopResolved = false;
  void requestStop().then(() => {
    stopResolved = true;
  });
  await clock.runAll();
  await flushPromises();

  return {
    records,
    violations,
    stopAtMs: stopAtMs ?? clock.now(),
    stopSeq: stopSeq ?? seq,
    pendingTimersAfterStop: clock.pendingCount(),
    stopResolved,
  };
}

/**
 * The scheduler is idle: every lane that still holds jobs must be held up by a job waiting
 * for its retry time (with the gate closed, only jobs that do not need the TV are checked).
 */
function checkIdle(
  records: JobRecord[],
  depth: Record<Lane, number>,
  gateOpen: boolean,
  nowMs: number,
  violations: string[],
): void {
  const queued = records.filter((r) => r.enqueueSeq >= 0 && r.endEvents === 0);
  const retryWaiting = (lane: Lane) =>
    queued.some((r) => {
      const last = r.attemptEnds.at(-1);
      return (
        r.spec.lane === lane &&
        last !== undefined &&
        last.atMs + retryDelayMs(r.starts.length) > nowMs
      );
    });

  for (const lane of ['user', 'sync', 'background'] as const) {
    if (depth[lane] === 0 || retryWaiting(lane)) continue;

    const startable = queued.some((r) => r.spec.lane === lane && (gateOpen || !r.spec.needsTv));
    if (startable) violations.push(`idle at ${nowMs} with startable ${lane} jobs`);
  }
}
