/**
 * The message published on `docent/<tv>/command/result`: exactly one per command received,
 * including commands that failed to parse (architecture.md rule 3, "every command ends in
 * exactly one result").
 */
import type { JobOutcome } from '../queue/types.js';

export type CommandStatus = 'ok' | 'error' | 'superseded' | 'expired' | 'cancelled';

export interface CommandResult {
  /** The command's `id`, or null when it sent none (or it could not be read). */
  id: string | null;
  /** The command's `action`, or null when the payload had none we recognise. */
  action: string | null;
  status: CommandStatus;
  error?: { code: string; message: string };
  /** Whatever the job returned, when it is worth reporting (JSON-serialisable). */
  value?: unknown;
  /** ISO 8601 time the result was produced. */
  at: string;
}

/** Maps a queue outcome to the result message for the command that produced it. */
export function resultFromOutcome(
  command: { id: string | null; action: string },
  outcome: JobOutcome<unknown>,
  at: Date,
): CommandResult {
  const base = { id: command.id, action: command.action, at: at.toISOString() };
  switch (outcome.status) {
    case 'ok':
      return outcome.value === undefined
        ? { ...base, status: 'ok' }
        : { ...base, status: 'ok', value: outcome.value };
    case 'error':
      return { ...base, status: 'error', error: { code: outcome.code, message: outcome.message } };
    case 'superseded':
      return outcome.by === null
        ? { ...base, status: 'superseded' }
        : { ...base, status: 'superseded', value: { by: outcome.by } };
    case 'expired':
      return { ...base, status: 'expired' };
    case 'cancelled':
      return { ...base, status: 'cancelled' };
  }
}

/** The result for a payload `parseCommand` refused. */
export function badCommandResult(
  id: string | null,
  error: { code: string; message: string },
  at: Date,
): CommandResult {
  return { id, action: null, status: 'error', error, at: at.toISOString() };
}

export function encodeCommandResult(result: CommandResult): string {
  return JSON.stringify(result);
}
