import fc from 'fast-check';
import {
  type JobRecord,
  playScenario,
  retryDelayMs,
  type Scenario,
  scenarioArb,
  type Timeline,
} from './scenario.js';

const NUM_RUNS = Number(process.env.QUEUE_RUNS ?? 150);

/** Sequence ranges in which a job sat in the queue (before its first start, between attempts). */
function queuedRanges(record: JobRecord): [number, number][] {
  const ranges: [number, number][] = [];
  let from = record.enqueueSeq;
  for (const [i, start] of record.starts.entries()) {
    ranges.push([from, start.seq]);
    from = record.attemptEnds[i]?.seq ?? Number.POSITIVE_INFINITY;
  }
  if (record.starts.length === record.attemptEnds.length) ranges.push([from, record.endSeq]);

  return ranges.filter(([a, b]) => a < b);
}

function queuedAt(record: JobRecord, seq: number): boolean {
  return queuedRanges(record).some(([from, to]) => from < seq && seq < to);
}

function checkEveryJobEndsOnce(timeline: Timeline): void {
  expect(timeline.violations).toEqual([]);
  expect(timeline.stopResolved).toBe(true);
  expect(timeline.pendingTimersAfterStop).toBe(0);
  for (const r of timeline.records) {
    expect(r.endEvents).toBe(1);
    expect(r.outcome?.status).toBe(r.endStatus);
  }
}

function checkOutcomes(timeline: Timeline): void {
  for (const r of timeline.records) {
    const { spec, outcome, starts } = r;
    const last = r.attemptEnds.at(-1);
    expect(starts.length).toBeLessThanOrEqual(spec.maxAttempts);
    expect(r.attemptEnds).toHaveLength(starts.length);

    for (const start of starts) {
      if (r.deadlineAt !== undefined) expect(start.atMs).toBeLessThan(r.deadlineAt);
    }
    for (const [i, end] of r.attemptEnds.entries()) {
      const next = starts[i + 1];
      if (!next) continue;
      // Only a transient failure is retried, and not before its not-before time.
      expect(end.result).toBe('transient');
      expect(next.atMs).toBeGreaterThanOrEqual(end.atMs + retryDelayMs(i + 1));
    }

    switch (outcome?.status) {
      case 'ok':
        expect(outcome.value).toBe(`v${r.index}`);
        expect(last?.result).toBe('ok');
        break;
      case 'error':
        expect(last).toBeDefined();
        expect(outcome.code).toBe(last?.result === 'permanent' ? 'TV_REJECTED' : 'TV_DOWN');
        if (last?.result === 'transient' && starts.length < spec.maxAttempts) {
          // Gave up early only because a retry could not start before the deadline.
          expect(r.deadlineAt).toBeDefined();
        }
        break;
      case 'expired':
        // At the deadline exactly (the fake clock fires timers on time), not later.
        expect(starts).toHaveLength(0);
        expect(r.endAtMs).toBe(r.deadlineAt);
        break;
      case 'superseded':
        expect(starts).toHaveLength(0);
        break;
      case 'cancelled':
        expect(r.endSeq).toBeGreaterThan(timeline.stopSeq);
        if (r.deadlineAt !== undefined && r.deadlineAt < timeline.stopAtMs) {
          // Only the job running at stop() may outlive its deadline: it had started in time.
          expect(last?.atMs).toBeGreaterThanOrEqual(timeline.stopAtMs);
        }
        break;
      default:
        throw new Error(`job ${r.index} has no outcome`);
    }
  }
}

function checkCoalescing(timeline: Timeline): void {
  const { records } = timeline;
  for (const older of records) {
    const key = older.spec.coalesceKey;
    const supersededBy = records.filter(
      (newer) =>
        key !== undefined &&
        newer.spec.coalesceKey === key &&
        newer.enqueueSeq > older.enqueueSeq &&
        !(newer.endStatus === 'expired' && newer.endAtMs === newer.enqueueAtMs) &&
        (older.starts[0]?.seq ?? older.endSeq) > newer.enqueueSeq &&
        older.endSeq > newer.enqueueSeq,
    );
    const first = supersededBy.sort((a, b) => a.enqueueSeq - b.enqueueSeq)[0];

    if (first && first.enqueueSeq < timeline.stopSeq) {
      expect(older.outcome).toEqual({ status: 'superseded', by: String(first.index) });
    }
    if (older.outcome?.status === 'superseded') {
      expect(first).toBeDefined();
      expect(older.outcome.by).toBe(String(first?.index));
    }
  }
}

function checkLaneOrder(timeline: Timeline): void {
  const { records } = timeline;
  for (const later of records) {
    const firstStart = later.starts[0];
    if (!firstStart) continue;
    const bypass = !later.spec.needsTv && !firstStart.gateOpen;
    if (bypass) continue;

    for (const earlier of records) {
      if (earlier.spec.lane !== later.spec.lane || earlier.enqueueSeq >= later.enqueueSeq) continue;
      expect(queuedAt(earlier, firstStart.seq)).toBe(false);
    }
  }
}

function checkUserWaits(timeline: Timeline): void {
  const { records } = timeline;
  for (const user of records) {
    if (user.spec.lane !== 'user') continue;
    const waitEndSeq = user.starts[0]?.seq ?? user.endSeq;

    for (const other of records) {
      if (other === user) continue;
      for (const start of other.starts) {
        if (start.seq <= user.enqueueSeq || start.seq >= waitEndSeq) continue;

        const earlierUserJob = other.spec.lane === 'user' && other.enqueueSeq < user.enqueueSeq;
        const gateHeldUser = user.spec.needsTv && !start.gateOpen;
        const behindEarlierUser = records.some(
          (r) => r.spec.lane === 'user' && r.enqueueSeq < user.enqueueSeq && queuedAt(r, start.seq),
        );
        expect({
          job: other.index,
          allowed: earlierUserJob || gateHeldUser || behindEarlierUser,
        }).toEqual({ job: other.index, allowed: true });
      }
    }
  }
}

function checkAll(scenario: Scenario, timeline: Timeline): void {
  expect(timeline.records).toHaveLength(scenario.jobs.length);
  checkEveryJobEndsOnce(timeline);
  checkOutcomes(timeline);
  checkCoalescing(timeline);
  checkLaneOrder(timeline);
  checkUserWaits(timeline);
}

describe('LaneScheduler properties', () => {
  it('holds the lane rules for random mixes of jobs, failures, gate flips and stops', async () => {
    await fc.assert(
      fc.asyncProperty(scenarioArb, async (scenario) => {
        const timeline = await playScenario(scenario);
        checkAll(scenario, timeline);
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it('runs everything to an outcome with the gate open and no stop', async () => {
    await fc.assert(
      fc.asyncProperty(scenarioArb, async (scenario) => {
        const open: Scenario = {
          ...scenario,
          tvReadyAtStart: true,
          gateFlips: [],
          stopAtMs: undefined,
        };
        const timeline = await playScenario(open);
        checkAll(open, timeline);
        for (const r of timeline.records) expect(r.endStatus).not.toBe('cancelled');
      }),
      { numRuns: NUM_RUNS },
    );
  });
});
