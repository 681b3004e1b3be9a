import type { z } from 'zod';

/**
 * Per-parse error map: a missing value reads `required` instead of zod's
 * "expected string, received undefined".
 */
export const requiredErrorMap: z.core.$ZodErrorMap = (issue) =>
  issue.code === 'invalid_type' && issue.input === undefined ? 'required' : undefined;

/** One line per problem, each prefixed by its dotted path: `tvs.0.host: required`. */
export function formatIssues(issues: readonly z.core.$ZodIssue[]): string[] {
  return issues.map((issue) => {
    const path = issue.path.map(String).join('.');

    return path === '' ? issue.message : `${path}: ${issue.message}`;
  });
}
