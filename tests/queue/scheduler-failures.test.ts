import { DocentError } from '../../src/errors.js';
import type { JobContext } from '../../src/queue/types.js';
import { type FakeClock, flushPromises } from './fake-clock.js';
import { RETRY_DELAY_MS, setup } from './harness.js';

afterEach(async () => {
  await flushPromises();
});

describe('retries', () => {
  function flaky(clock: FakeClock, failures: number, transient = true) {
    const attemptTimes: number[] = [];
    const run = async (ctx: JobContext) => {
      attemptTimes.push(clock.now());
      await clock.sleep(100);
      if (ctx.attempt <= failures) {
        throw new DocentError('TV_TIMEOUT', 'no reply from the TV', { transient });
      }

      return 'shown';
    };

    return { attemptTimes, run };
  }

  it('re-queues a transient failure at the head of its lane and serves other lanes meanwhile', async () => {
    const { clock, scheduler, job, started } = setup();
    const { attemptTimes, run } = flaky(clock, 1);

    const select = scheduler.enqueue({ lane: 'user', name: 'select', run });
    const laterUser = scheduler.enqueue(job('user', 'matte', 100));
    const background = scheduler.enqueue(job('background', 'thumbs', 300));
    await clock.runAll();

    expect(await select).toEqual({ status: 'ok', value: 'shown' });
    // The background chunk ran while the retry waited; the later user job kept its place.
    expect(started).toEqual(['thumbs', 'matte']);
    expect(attemptTimes).toEqual([1_000_000, 1_000_000 + 100 + RETRY_DELAY_MS]);
    expect((await laterUser).status).toBe('ok');
    expect((await background).status).toBe('ok');
    await scheduler.stop();
  });

  it('ends error with the code after maxAttempts transient failures', async () => {
    const { clock, scheduler, ended } = setup();
    const { attemptTimes, run } = flaky(clock, 10);

    const outcome = scheduler.enqueue({ lane: 'user', name: 'select', maxAttempts: 3, run });
    await clock.runAll();

    expect(await outcome).toEqual({
      status: 'error',
      code: 'TV_TIMEOUT',
      message: 'no reply from the TV',
    });
    expect(attemptTimes).toHaveLength(3);
    expect(ended[0]).toMatchObject({ status: 'error', attempts: 3, ranMs: 300 });
    await scheduler.stop();
  });

  it('uses defaultMaxAttempts when the job sets none', async () => {
    const { clock, scheduler } = setup({ defaultMaxAttempts: 2 });
    const { attemptTimes, run } = flaky(clock, 10);

    const outcome = scheduler.enqueue({ lane: 'sync', name: 'refresh', run });
    await clock.runAll();

    expect((await outcome).status).toBe('error');
    expect(attemptTimes).toHaveLength(2);
    await scheduler.stop();
  });

  it.each<[string, () => unknown, string, string]>([
    [
      'a permanent DocentError',
      () => new DocentError('TV_REJECTED', 'unknown content id'),
      'TV_REJECTED',
      'unknown content id',
    ],
    ['a plain Error', () => new Error('boom'), 'INTERNAL', 'boom'],
    ['a thrown string', () => 'bad', 'INTERNAL', 'bad'],
  ])('ends error at once on %s', async (_title, makeError, code, message) => {
    const { clock, scheduler } = setup();
    let attempts = 0;

    const outcome = scheduler.enqueue({
      lane: 'user',
      name: 'select',
      run: async () => {
        attempts += 1;
        throw makeError();
      },
    });
    await clock.runAll();

    expect(await outcome).toEqual({ status: 'error', code, message });
    expect(attempts).toBe(1);
    await scheduler.stop();
  });

  it('turns a synchronous throw into an error outcome', async () => {
    const { clock, scheduler } = setup();

    const outcome = scheduler.enqueue<string>({
      lane: 'user',
      name: 'select',
      run: () => {
        throw new DocentError('BAD_ARGS', 'no content id');
      },
    });
    await clock.runAll();

    expect(await outcome).toEqual({ status: 'error', code: 'BAD_ARGS', message: 'no content id' });
    await scheduler.stop();
  });

  it('ends a job waiting for a retry with its last error when the deadline passes', async () => {
    const { clock, scheduler } = setup();
    const { attemptTimes, run } = flaky(clock, 10);
    const deadlineAt = clock.now() + 500;

    const outcome = scheduler.enqueue({ lane: 'user', name: 'select', deadlineAt, run });
    await clock.runAll();

    expect(await outcome).toEqual({
      status: 'error',
      code: 'TV_TIMEOUT',
      message: 'no reply from the TV',
    });
    expect(attemptTimes).toHaveLength(1);
    await scheduler.stop();
  });
});

describe('deadlines', () => {
  it('expires a job that cannot start in time, at its deadline, without running it', async () => {
    const { clock, scheduler, job, started } = setup();
    const startMs = clock.now();
    let expiredAtMs = 0;

    void scheduler.enqueue(job('background', 'thumbs', 5_000));
    const select = scheduler.enqueue(job('user', 'select', 100, { deadlineAt: startMs + 2_000 }));
    void select.then(() => {
      expiredAtMs = clock.now();
    });
    await clock.runAll();

    expect(await select).toEqual({ status: 'expired' });
    expect(expiredAtMs).toBe(startMs + 2_000);
    expect(started).toEqual(['thumbs']);
    await scheduler.stop();
  });

  it('does not start a job whose deadline passed while its timer was late', async () => {
    const { clock, scheduler, job, started } = setup();

    void scheduler.enqueue(job('sync', 'refresh', 40));
    const select = scheduler.enqueue(job('user', 'select', 100, { deadlineAt: clock.now() + 50 }));
    clock.jump(100);
    await clock.runAll();

    expect(await select).toEqual({ status: 'expired' });
    expect(started).toEqual(['refresh']);
    await scheduler.stop();
  });

  it('expires a job held by the closed TV gate', async () => {
    const { clock, scheduler, job, started, ended } = setup({ tvReady: false });

    const select = scheduler.enqueue(
      job('user', 'select', 100, { deadlineAt: clock.now() + 30_000 }),
    );
    await clock.runAll();

    expect(await select).toEqual({ status: 'expired' });
    expect(started).toEqual([]);
    expect(ended[0]).toMatchObject({ status: 'expired', waitedMs: 30_000, attempts: 0 });
    await scheduler.stop();
  });

  it('expires at once a job whose deadline has passed', async () => {
    const { clock, scheduler, job } = setup();

    const outcome = scheduler.enqueue(job('user', 'select', 100, { deadlineAt: clock.now() }));

    expect(await outcome).toEqual({ status: 'expired' });
    expect(clock.pendingCount()).toBe(0);
    await scheduler.stop();
  });

  it('leaves a job alone once it has started before its deadline', async () => {
    const { clock, scheduler, job } = setup();

    const outcome = scheduler.enqueue(
      job('user', 'select', 5_000, { deadlineAt: clock.now() + 10 }),
    );
    await clock.runAll();

    expect(await outcome).toEqual({ status: 'ok', value: 'select done' });
    await scheduler.stop();
  });
});
