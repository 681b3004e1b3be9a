import { randomBytes, randomInt } from 'node:crypto';

/** Deterministic pseudo-random numbers in [0, 1) from a seed (mulberry32). */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;

  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);

    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const GROUP_LENGTHS = [8, 4, 4, 4, 12];

/**
 * A client id the way the TV writes it: UUID-shaped, but a group loses its leading zeros, so
 * some groups are short (`f87bf78-66c4-4848-b2d9-fcb612bcd8b`, frame-protocol §2.1, LOG22).
 * One group in four is shortened by one digit so clients meet the quirk early.
 */
export function tvClientId(random: () => number = Math.random): string {
  const groups = GROUP_LENGTHS.map((length) => {
    const hex = Array.from({ length }, () => Math.floor(random() * 16).toString(16)).join('');
    const stripped = hex.replace(/^0+/, '');
    const short = random() < 0.25 ? stripped.slice(1) : stripped;

    return short.length > 0 ? short : '0';
  });

  return groups.join('-');
}

/** An 8-digit decimal pairing token (frame-protocol §1.5). */
export function pairingToken(): string {
  return String(randomInt(10_000_000, 100_000_000));
}

/** The per-transfer secret handed out in `conn_info.key` (frame-protocol §4.1). */
export function transferKey(): string {
  return randomBytes(12).toString('hex');
}
