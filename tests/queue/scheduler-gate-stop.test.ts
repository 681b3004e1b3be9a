import { DocentError } from '../../src/errors.js';
import { flushPromises } from './fake-clock.js';
import { setup } from './harness.js';

afterEach(async () => {
  await flushPromises();
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
