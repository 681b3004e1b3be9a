import { Writable } from 'node:stream';
import { DocentError } from '../../src/errors.js';
import { createLogger, silentLogger } from '../../src/log.js';
import { LaneScheduler } from '../../src/queue/scheduler.js';
import type { JobContext, JobEndInfo, JobSpec, Lane } from '../../src/queue/types.js';
import { FakeClock, flushPromises } from './fake-clock.js';

const RETRY_DELAY_MS = 1_000;

function setup(options: { tvReady?: boolean; defaultMaxAttempts?: number } = {}) {
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

afterEach(async () => {
  await flushPromises();
});

describe('LaneScheduler', () => {
  it('runs a job and resolves with its value', async () => {
    const { clock, scheduler, job, ended } = setup();

    const outcome = scheduler.enqueue(job('user', 'select', 250));
    await clock.runAll();

    await expect(outcome).resolves.toEqual({ status: 'ok', value: 'select done' });
    expect(ended).toEqual([
      {
        name: 'select',
        lane: 'user',
        id: 'select',
        status: 'ok',
        waitedMs: 0,
        ranMs: 250,
        attempts: 1,
      },
    ]);
    await scheduler.stop();
  });

  it.each<[string, [Lane, string][], string[]]>([
    [
      'user before sync before background, whatever the enqueue order',
      [
        ['background', 'bg-1'],
        ['background', 'bg-2'],
        ['sync', 'sync-1'],
        ['user', 'user-1'],
      ],
      ['bg-1', 'user-1', 'sync-1', 'bg-2'],
    ],
    [
      'FIFO within a lane',
      [
        ['sync', 'blocker'],
        ['user', 'u-1'],
        ['user', 'u-2'],
        ['user', 'u-3'],
      ],
      ['blocker', 'u-1', 'u-2', 'u-3'],
    ],
    [
      'a user job waits only for the running job, not for queued work',
      [
        ['background', 'thumbs-1'],
        ['background', 'thumbs-2'],
        ['background', 'thumbs-3'],
        ['sync', 'refresh'],
        ['user', 'select'],
        ['sync', 'refresh-2'],
      ],
      ['thumbs-1', 'select', 'refresh', 'refresh-2', 'thumbs-2', 'thumbs-3'],
    ],
  ])('orders jobs: %s', async (_title, jobs, expectedOrder) => {
    const { clock, scheduler, job, started } = setup();

    const outcomes = jobs.map(([lane, name]) => scheduler.enqueue(job(lane, name)));
    await clock.runAll();

    expect(started).toEqual(expectedOrder);
    for (const outcome of await Promise.all(outcomes)) expect(outcome.status).toBe('ok');
    await scheduler.stop();
  });

  it('runs exactly one job at a time', async () => {
    const { clock, scheduler } = setup();
    let active = 0;
    let maxActive = 0;
    const run = async () => {
      active += 1;
      maxActive = Math.max(maxActive, active);
      await clock.sleep(50);
      active -= 1;
    };

    const lanes: Lane[] = ['user', 'sync', 'background', 'user', 'sync', 'background'];
    const outcomes = lanes.map((lane) => scheduler.enqueue({ lane, name: 'work', run }));
    await clock.runAll();
    await Promise.all(outcomes);

    expect(maxActive).toBe(1);
    expect(clock.now() - 1_000_000).toBe(300);
    await scheduler.stop();
  });

  it('reports depth and the running job, and emits change', async () => {
    const { clock, scheduler, job } = setup();
    let changes = 0;
    scheduler.on('change', () => {
      changes += 1;
    });

    void scheduler.enqueue(job('background', 'thumbs'));
    void scheduler.enqueue(job('sync', 'refresh'));
    void scheduler.enqueue(job('user', 'select'));

    expect(scheduler.running()).toEqual({ name: 'thumbs', lane: 'background' });
    expect(scheduler.depth()).toEqual({ user: 1, sync: 1, background: 0 });
    expect(changes).toBeGreaterThanOrEqual(3);

    await clock.runAll();
    expect(scheduler.running()).toBeNull();
    expect(scheduler.depth()).toEqual({ user: 0, sync: 0, background: 0 });
    await scheduler.stop();
  });
});

describe('coalescing', () => {
  it('a newer job supersedes older queued ones with the same key', async () => {
    const { clock, scheduler, job, started } = setup();

    const running = scheduler.enqueue(job('user', 'select-1', 100, { coalesceKey: 'select' }));
    const older = scheduler.enqueue(job('user', 'select-2', 100, { coalesceKey: 'select' }));
    const other = scheduler.enqueue(job('user', 'matte-1', 100, { coalesceKey: 'matte' }));
    const old = scheduler.enqueue(job('user', 'select-3', 100, { coalesceKey: 'select' }));
    const newest = scheduler.enqueue(job('user', 'select-4', 100, { coalesceKey: 'select' }));
    await clock.runAll();

    expect(await running).toEqual({ status: 'ok', value: 'select-1 done' });
    expect(await older).toEqual({ status: 'superseded', by: 'select-3' });
    expect(await old).toEqual({ status: 'superseded', by: 'select-4' });
    expect((await other).status).toBe('ok');
    expect((await newest).status).toBe('ok');
    expect(started).toEqual(['select-1', 'matte-1', 'select-4']);
    await scheduler.stop();
  });

  it('says superseded by null when the newer job has no id', async () => {
    const { clock, scheduler, job } = setup();

    void scheduler.enqueue(job('sync', 'blocker'));
    const older = scheduler.enqueue(job('user', 'brightness-1', 100, { coalesceKey: 'bright' }));
    void scheduler.enqueue({
      ...job('user', 'brightness-2', 100, { coalesceKey: 'bright' }),
      id: undefined,
    });
    await clock.runAll();

    expect(await older).toEqual({ status: 'superseded', by: null });
    await scheduler.stop();
  });
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
    expect(attemptTimes[1]! - attemptTimes[0]!).toBeGreaterThanOrEqual(100 + RETRY_DELAY_MS);
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

describe('TV gate', () => {
  it('holds jobs that need the TV until the gate opens, and runs the others', async () => {
    const { clock, scheduler, job, started } = setup({ tvReady: false });

    const select = scheduler.enqueue(job('user', 'select'));
    const wake = scheduler.enqueue(job('user', 'wake', 100, { needsTv: false }));
    const thumbs = scheduler.enqueue(job('background', 'thumbs'));
    await clock.runAll();

    expect(started).toEqual(['wake']);
    expect(scheduler.depth()).toEqual({ user: 1, sync: 0, background: 1 });

    scheduler.setTvReady(true);
    await clock.runAll();

    expect(started).toEqual(['wake', 'select', 'thumbs']);
    expect((await select).status).toBe('ok');
    expect((await wake).status).toBe('ok');
    expect((await thumbs).status).toBe('ok');
    await scheduler.stop();
  });

  it('puts a job that passed the gate back behind the jobs it passed when it must retry', async () => {
    const { clock, scheduler, job, started } = setup({ tvReady: false });
    let wakeAttempts = 0;

    const select = scheduler.enqueue(job('user', 'select'));
    const wake = scheduler.enqueue<string>({
      lane: 'user',
      name: 'wake',
      needsTv: false,
      run: async () => {
        wakeAttempts += 1;
        scheduler.setTvReady(true);
        await clock.sleep(10);
        if (wakeAttempts === 1)
          throw new DocentError('WOL_FAILED', 'no route', { transient: true });

        return 'awake';
      },
    });
    await clock.advance(10);

    // The select runs at once instead of waiting for the wake's retry time.
    expect(started).toEqual(['select']);
    await clock.runAll();
    expect(await select).toEqual({ status: 'ok', value: 'select done' });
    expect(await wake).toEqual({ status: 'ok', value: 'awake' });
    await scheduler.stop();
  });

  it('does not interrupt the running job when the gate closes', async () => {
    const { clock, scheduler, job, started } = setup();

    const first = scheduler.enqueue(job('sync', 'refresh', 1_000));
    void scheduler.enqueue(job('sync', 'refresh-2', 1_000));
    scheduler.setTvReady(false);
    await clock.runAll();

    expect(await first).toEqual({ status: 'ok', value: 'refresh done' });
    expect(started).toEqual(['refresh']);
    await scheduler.stop();
  });
});

describe('stop', () => {
  it('cancels queued jobs, aborts the running one and awaits its outcome', async () => {
    const { clock, scheduler, job, ended } = setup();
    let sawAbort = false;

    const running = scheduler.enqueue<string>({
      lane: 'background',
      name: 'thumbs',
      run: async (ctx) => {
        ctx.signal.addEventListener('abort', () => {
          sawAbort = true;
        });
        await clock.sleep(1_000, ctx.signal);

        return 'never';
      },
    });
    const queued = scheduler.enqueue(job('user', 'select'));
    const withDeadline = scheduler.enqueue(
      job('sync', 'refresh', 100, { deadlineAt: clock.now() + 1e6 }),
    );

    const stopped = scheduler.stop();
    expect(scheduler.stop()).toBe(stopped);
    await stopped;

    expect(sawAbort).toBe(true);
    expect(await running).toEqual({ status: 'cancelled' });
    expect(await queued).toEqual({ status: 'cancelled' });
    expect(await withDeadline).toEqual({ status: 'cancelled' });
    expect(ended.map((info) => info.status)).toEqual(['cancelled', 'cancelled', 'cancelled']);
    expect(clock.pendingCount()).toBe(0);
  });

  it('lets a running job that ignores the abort finish ok', async () => {
    const { clock, scheduler, job } = setup();

    const running = scheduler.enqueue(
      job('user', 'select', 500, {
        run: async () => {
          await clock.sleep(500);
          return 'finished anyway';
        },
      }),
    );
    let stopped = false;
    const stopping = scheduler.stop().then(() => {
      stopped = true;
    });
    await flushPromises();
    expect(stopped).toBe(false);

    await clock.runAll();
    await stopping;

    expect(await running).toEqual({ status: 'ok', value: 'finished anyway' });
  });

  it('cancels jobs enqueued after stop', async () => {
    const { scheduler, job, started } = setup();

    await scheduler.stop();
    const outcome = await scheduler.enqueue(job('user', 'select'));

    expect(outcome).toEqual({ status: 'cancelled' });
    expect(started).toEqual([]);
  });

  it('awaits a job that calls stop() from inside its own run', async () => {
    const { clock, scheduler } = setup();
    let stopDone: Promise<void> = Promise.resolve();

    const outcome = scheduler.enqueue({
      lane: 'user',
      name: 'shutdown',
      run: async () => {
        stopDone = scheduler.stop();
        await clock.sleep(10);

        return 'bye';
      },
    });
    await clock.runAll();
    await stopDone;

    expect(await outcome).toEqual({ status: 'ok', value: 'bye' });
  });
});

describe('events and logs', () => {
  it('keeps scheduling when a listener throws', async () => {
    const { clock, scheduler, job } = setup();
    scheduler.on('job', () => {
      throw new Error('listener broke');
    });
    scheduler.on('change', () => {
      throw new Error('listener broke');
    });

    const outcomes = [scheduler.enqueue(job('user', 'a')), scheduler.enqueue(job('user', 'b'))];
    await clock.runAll();

    expect((await Promise.all(outcomes)).map((o) => o.status)).toEqual(['ok', 'ok']);
    await scheduler.stop();
  });

  it('stops calling a listener after it unsubscribes', async () => {
    const { clock, scheduler, job } = setup();
    const seen: string[] = [];
    const off = scheduler.on('job', (info) => seen.push(info.name));

    await Promise.all([scheduler.enqueue(job('user', 'a')), clock.runAll()]);
    off();
    await Promise.all([scheduler.enqueue(job('user', 'b')), clock.runAll()]);

    expect(seen).toEqual(['a']);
    await scheduler.stop();
  });

  it('logs each job at debug with cmd_id and lane, and warns on a retry', async () => {
    const records: Record<string, unknown>[] = [];
    const stream = new Writable({
      write(chunk: Buffer, _encoding, callback) {
        records.push(JSON.parse(chunk.toString()));
        callback();
      },
    });
    const clock = new FakeClock();
    const scheduler = new LaneScheduler({
      logger: createLogger('debug', stream),
      clock,
      retryDelayMs: () => 10,
      tvReady: true,
    });

    const outcome = scheduler.enqueue({
      lane: 'user',
      name: 'select',
      id: 'cmd-7',
      run: async (ctx) => {
        if (ctx.attempt === 1) throw new DocentError('TV_TIMEOUT', 'slow', { transient: true });
        return 'ok';
      },
    });
    await clock.runAll();
    await outcome;
    await scheduler.stop();
    await flushPromises();

    const retry = records.find((r) => r.msg === 'job retry scheduled');
    const endRecord = records.find((r) => r.msg === 'job ended');
    expect(retry).toMatchObject({ level: 40, component: 'queue', cmd_id: 'cmd-7', lane: 'user' });
    expect(retry).toMatchObject({ attempt: 1, delayMs: 10, err: { message: 'slow' } });
    expect(endRecord).toMatchObject({
      level: 20,
      cmd_id: 'cmd-7',
      lane: 'user',
      job: 'select',
      outcome: 'ok',
      waitedMs: 0,
    });
  });
});
