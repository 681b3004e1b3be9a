/**
 * Prints the request × profile support table as Docent detects it against the simulator:
 * `npx tsx tests/tv/print-capability-matrix.ts [profile…]` (default: every profile).
 */
import { PROFILE_NAMES, type ProfileName } from '../../src/sim/profile.js';
import { detectMatrix, renderMatrix } from './capability-matrix.js';

const asked = process.argv.slice(2);
const profiles = asked.length === 0 ? PROFILE_NAMES : asked.filter(isProfile);
if (profiles.length !== asked.length && asked.length > 0) {
  process.stderr.write(`profiles are ${PROFILE_NAMES.join(', ')}\n`);
  process.exit(2);
}

process.stdout.write(`${renderMatrix(await detectMatrix(profiles), profiles)}\n`);

function isProfile(name: string): name is ProfileName {
  return (PROFILE_NAMES as readonly string[]).includes(name);
}
