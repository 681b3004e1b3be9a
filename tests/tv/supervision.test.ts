import { nextWaitState, SupervisionCounters } from '../../src/tv/supervision.js';

describe('nextWaitState', () => {
  it.each([
    [{ kind: 'unreachable', usedToken: false } as const, 'unreachable', 'offline'],
    [{ kind: 'closed', usedToken: false, reason: 'x' } as const, 'standby', 'standby'],
    [{ kind: 'closed', usedToken: false, reason: 'x' } as const, 'on', 'backoff'],
    [{ kind: 'hard', usedToken: false, reason: 'x' } as const, 'unreachable', 'backoff'],
  ])('waits after %o with REST %s in %s', (outcome, power, state) => {
    expect(nextWaitState(outcome, power as 'on' | 'standby' | 'unreachable')).toBe(state);
  });
});

describe('SupervisionCounters', () => {
  const hard = { kind: 'hard', usedToken: false, reason: 'no ready' } as const;
  const closed = { kind: 'closed', usedToken: false, reason: 'socket closed' } as const;

  it('counts hard failures and starts over on any answer', () => {
    const counters = new SupervisionCounters();
    counters.noteOutcome(hard, 0, 1000);
    counters.noteOutcome(hard, 0, 1000);

    expect(counters.hardFailures).toBe(2);
    counters.noteAnswer();
    expect(counters.hardFailures).toBe(0);
  });

  it('starts over after a socket stayed ready for the healthy period, not before', () => {
    const counters = new SupervisionCounters();
    counters.noteOutcome(hard, 0, 1000);
    counters.noteReady(0);
    counters.noteOutcome(closed, 500, 1000);
    expect(counters.hardFailures).toBe(1);

    counters.noteReady(1000);
    counters.noteOutcome(closed, 2000, 1000);
    expect(counters.hardFailures).toBe(0);
  });

  it('doubles the hard backoff per further failure up to the cap, jittered over the upper half', () => {
    const counters = new SupervisionCounters();
    const backoff = { initialMs: 30_000, maxMs: 240_000 };
    const delays: Array<[number, number]> = [];
    for (let i = 0; i < 6; i += 1) {
      counters.noteOutcome(hard, 0, 1000);
      delays.push([
        counters.hardDelayMs(backoff, 2, () => 0),
        counters.hardDelayMs(backoff, 2, () => 1),
      ]);
    }

    expect(delays.slice(1)).toEqual([
      [15_000, 30_000],
      [30_000, 60_000],
      [60_000, 120_000],
      [120_000, 240_000],
      [120_000, 240_000],
    ]);
  });

  it('counts timeouts in a row until an answer', () => {
    const counters = new SupervisionCounters();
    counters.noteTimeout();
    expect(counters.noteTimeout()).toBe(2);
    counters.noteAnswer();
    expect(counters.noteTimeout()).toBe(1);
  });
});
