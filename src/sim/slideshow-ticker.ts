import type { FrameModel } from './frame-model.js';

/**
 * Slideshow ticks: while a slideshow runs, the next artwork of its category every `value`
 * minutes, in order or shuffled; each step broadcasts like the TV's (§5,
 * traces: slideshow-events). A "minute" is configurable so tests can watch ticks.
 */
export class SlideshowTicker {
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly deps: {
      model: FrameModel;
      minuteMs: number;
      show(contentId: string): void;
    },
  ) {}

  /** Re-reads the slideshow settings; `off` stops the ticks. */
  arm(): void {
    clearInterval(this.timer);
    const minutes = Number(this.deps.model.slideshow.value);
    if (!Number.isFinite(minutes) || minutes <= 0) return;
    this.timer = setInterval(() => this.tick(), minutes * this.deps.minuteMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  private tick(): void {
    const { model } = this.deps;
    if (model.power !== 'on') return;
    const category = model.slideshow.categoryId;
    const items = model.list(category === '' ? undefined : category);
    if (items.length === 0) return;
    const at = items.findIndex((artwork) => artwork.contentId === model.currentContentId);
    const shuffle = model.slideshow.type === 'shuffleslideshow';
    const index = shuffle ? Math.floor(Math.random() * items.length) : (at + 1) % items.length;
    const next = items[index];
    if (next) this.deps.show(next.contentId);
  }
}
