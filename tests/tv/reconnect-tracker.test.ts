import { ReconnectTracker } from '../../src/tv/reconnect-tracker.js';
import type { Clock, ClockTimer } from '../../src/util/clock.js';
import { captureLogger } from './helpers.js';

/** A clock that only moves when the test says so. */
function manualClock(): Clock & { advance(ms: number): void } {
  let nowMs = 1_000_000;
  return {
    now: () => nowMs,
    setTimeout: (): ClockTimer => ({ id: null }),
    clearTimeout: () => undefined,
    advance(ms: number) {
      nowMs += ms;
    },
  };
}

const backoff = { initialMs: 1000, maxMs: 8000, resetAfterMs: 30_000 };

describe('ReconnectTracker', () => {
  it('warns on the first failure, logs repeats at debug and recovery once at info', () => {
    const clock = manualClock();
    const { logger, records } = captureLogger();
    const tracker = new ReconnectTracker(backoff, clock, logger);

    tracker.noteFailure('refused');
    clock.advance(1500);
    tracker.noteFailure('refused');
    clock.advance(2500);
    tracker.noteReady();
    tracker.noteReady();

    expect(records.map((r) => [r.level, r.msg])).toEqual([
      [40, 'tv connection failed'],
      [20, 'tv connection failed again'],
      [30, 'tv connection recovered'],
    ]);
    expect(records[2]).toMatchObject({ attempts: 2, outageMs: 4000 });
  });

  it('grows the backoff window with failures up to the cap', () => {
    const tracker = new ReconnectTracker(backoff, manualClock(), captureLogger().logger);
    const windows: number[] = [];

    for (let i = 0; i < 6; i += 1) {
      tracker.noteFailure('refused');
      windows.push(tracker.nextDelayMs());
    }

    expect(windows.every((ms, i) => ms <= Math.min(8000, 1000 * 2 ** i))).toBe(true);
  });

  it('starts over after a connection stayed ready for resetAfterMs', () => {
    const clock = manualClock();
    const { logger, records } = captureLogger();
    const tracker = new ReconnectTracker(backoff, clock, logger);
    for (let i = 0; i < 5; i += 1) tracker.noteFailure('refused');
    tracker.noteReady();

    clock.advance(30_000);
    tracker.noteClosed();
    tracker.noteFailure('socket closed');
    tracker.noteReady();

    expect(records.at(-1)).toMatchObject({ msg: 'tv connection recovered', attempts: 1 });
  });

  it('keeps counting when a connection dropped soon after becoming ready', () => {
    const clock = manualClock();
    const { logger, records } = captureLogger();
    const tracker = new ReconnectTracker(backoff, clock, logger);
    for (let i = 0; i < 5; i += 1) tracker.noteFailure('refused');
    tracker.noteReady();

    clock.advance(1000);
    tracker.noteClosed();
    tracker.noteFailure('socket closed');
    tracker.noteReady();

    expect(records.at(-1)).toMatchObject({ msg: 'tv connection recovered', attempts: 6 });
  });
});
