import { z } from 'zod';

// Small zod builders whose messages read well after the YAML key that
// describeZodError puts in front of them ("fault.latencyMs: expected a number").

/**
 * The schema-level message of num()/int(). Under zod 4 it applies to every
 * issue of the schema, so range checks without their own message get theirs
 * here ("must be at least 1"), not the type message.
 */
function typeError(what: string) {
  return (issue: { code?: string; input?: unknown; minimum?: unknown; maximum?: unknown; inclusive?: boolean }) => {
    if (issue.code === 'too_small') return `must be ${issue.inclusive ? 'at least' : 'more than'} ${String(issue.minimum)}`;
    if (issue.code === 'too_big') return `must be ${issue.inclusive ? 'at most' : 'less than'} ${String(issue.maximum)}`;
    return issue.input === undefined ? 'required' : `expected ${what}`;
  };
}

export function num(): z.ZodNumber {
  return z.number({ error: typeError('a number') });
}

export function int(): z.ZodNumber {
  return z.number({ error: typeError('a whole number') }).int({ error: 'expected a whole number' });
}

export function str(): z.ZodString {
  return z.string({ error: typeError('a string') }).min(1, { error: 'must not be empty' });
}

/** Milliseconds, at least 0. */
export function ms(): z.ZodNumber {
  return num().min(0, { error: 'must be at least 0 ms' });
}

/** A percentage in (0, 100]. */
export function percent(): z.ZodNumber {
  return num().gt(0, { error: 'must be more than 0' }).max(100, { error: 'must be at most 100' });
}

/**
 * `key.path: message` lines, as platform/config/load.ts's describeZodError
 * writes them. Kept here because the config schema composes part schemas
 * that import the fault types: importing load.ts from here would be a cycle.
 */
export function describeIssues(error: z.ZodError, prefix = ''): string {
  return error.issues
    .map((issue) => {
      if (issue.code === 'unrecognized_keys') {
        return issue.keys.map((k) => `${prefix}${[...issue.path.map(String), k].join('.')}: unknown key`).join('\n');
      }
      const where = issue.path.length > 0 ? issue.path.map(String).join('.') : '(top level)';
      return `${prefix}${where}: ${issue.message}`;
    })
    .join('\n');
}
