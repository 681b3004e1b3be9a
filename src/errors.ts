/**
 * Errors Docent raises carry a stable `code` that reaches logs and command results.
 * `transient` tells the lane scheduler the job may succeed if tried again later.
 */
export class DocentError extends Error {
  readonly code: string;
  readonly transient: boolean;

  constructor(
    code: string,
    message: string,
    options: { cause?: unknown; transient?: boolean } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'DocentError';
    this.code = code;
    this.transient = options.transient ?? false;
  }
}

export function isTransient(err: unknown): boolean {
  return err instanceof DocentError && err.transient;
}

export function errorCode(err: unknown): string {
  return err instanceof DocentError ? err.code : 'INTERNAL';
}

export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
