import { Writable } from 'node:stream';
import { DocentError } from '../../src/errors.js';
import { createLogger, silentLogger } from '../../src/log.js';
import { LaneScheduler } from '../../src/queue/scheduler.js';
import type { Lane } from '../../src/queue/types.js';
import { FakeClock, flushPromises } from './fake-clock.js';
import { setup } from './harness.js';

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

describe('on the system clock', () => {
  it('retries after a real delay and expires on a real deadline', async () => {
    const scheduler = new LaneScheduler({ logger: silentLogger(), retryDelayMs: () => 5 });
    const startedAtMs = Date.now();

    const wake = scheduler.enqueue({
      lane: 'user',
      name: 'wake',
      needsTv: false,
      run: async (ctx) => {
        if (ctx.attempt === 1) throw new DocentError('WOL_FAILED', 'no route', { transient: true });
        await new Promise((resolve) => setTimeout(resolve, 30));
        return ctx.attempt;
      },
    });
    const select = scheduler.enqueue({
      lane: 'user',
      name: 'select',
      deadlineAt: startedAtMs + 15,
      run: async () => 'never',
    });

    expect(await select).toEqual({ status: 'expired' });
    expect(Date.now() - startedAtMs).toBeGreaterThanOrEqual(14);
    expect(await wake).toEqual({ status: 'ok', value: 2 });
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
