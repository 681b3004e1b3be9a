import type { Logger } from '../src/log.js';

interface Step {
  name: string;
  run(): Promise<void> | void;
}

/**
 * Undo steps registered as things are started (sims, brokers, daemons, temp dirs), run in
 * reverse order, each on its own, so one failing step never leaves a process or folder behind.
 */
export class Cleanup {
  private steps: Step[] = [];

  defer(name: string, run: () => Promise<void> | void): void {
    this.steps.push({ name, run });
  }

  /** Runs and forgets every registered step, newest first; never throws. */
  async runAll(log: Logger): Promise<void> {
    const steps = this.steps.reverse();
    this.steps = [];
    for (const step of steps) {
      try {
        await step.run();
      } catch (err) {
        log.warn({ err, step: step.name }, 'cleanup step failed');
      }
    }
  }
}
