/**
 * How the slideshow looks in Home Assistant: its interval as words ("15 minutes", "1 hour") and
 * its order ("In order", "Shuffle"). A label and a number of minutes map both ways, so the
 * interval select sends its label as the command's `value` and commands.ts turns it back.
 */

/** The intervals the TV's own menu offers (frame-protocol.md §3.5, set_slideshow_status). */
export const SLIDESHOW_PRESET_MINUTES: readonly number[] = [3, 15, 60, 720, 1440, 10_080];

export const ORDER_IN_ORDER = 'In order';
export const ORDER_SHUFFLE = 'Shuffle';
export const SLIDESHOW_ORDERS: readonly string[] = [ORDER_IN_ORDER, ORDER_SHUFFLE];

const MINUTES_PER_HOUR = 60;
const MINUTES_PER_DAY = 1440;
const LABEL_PATTERN = /^([0-9]{1,5}) (minute|hour|day)s?$/;

/** `3` → "3 minutes", `60` → "1 hour", `1440` → "1 day"; the largest whole unit wins. */
export function intervalLabel(minutes: number): string {
  if (minutes % MINUTES_PER_DAY === 0) return plural(minutes / MINUTES_PER_DAY, 'day');
  if (minutes % MINUTES_PER_HOUR === 0) return plural(minutes / MINUTES_PER_HOUR, 'hour');

  return plural(minutes, 'minute');
}

/** The inverse of `intervalLabel` (also accepts "90 minutes"); null when it is not a label. */
export function minutesOfLabel(label: string): number | null {
  const match = LABEL_PATTERN.exec(label.trim().toLowerCase());
  if (!match) return null;

  const count = Number(match[1]);
  const unit = match[2];
  if (unit === 'day') return count * MINUTES_PER_DAY;
  if (unit === 'hour') return count * MINUTES_PER_HOUR;

  return count;
}

/** The interval select's options: the presets, plus the TV's own interval when it is another. */
export function intervalOptions(currentMinutes: number | null): string[] {
  const minutes = [...SLIDESHOW_PRESET_MINUTES];
  if (currentMinutes !== null && !minutes.includes(currentMinutes)) minutes.push(currentMinutes);

  return minutes.sort((a, b) => a - b).map(intervalLabel);
}

function plural(count: number, unit: string): string {
  return `${count} ${unit}${count === 1 ? '' : 's'}`;
}
