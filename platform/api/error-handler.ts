import type { Context } from 'hono';
import { FaultlineError, HttpError } from '../errors.ts';
import type { Logger } from '../logger.ts';

/** The one place errors become HTTP responses: `{ error: message }`. */
export function errorResponder(logger: Logger) {
  return (err: Error, c: Context) => {
    if (err instanceof HttpError || err instanceof FaultlineError) {
      return c.json({ error: err.message }, err.status as 400);
    }
    // Hono's own HTTPException (e.g. from body parsing) carries a status too.
    const status = (err as { status?: unknown }).status;
    if (typeof status === 'number' && status >= 400 && status < 600) {
      return c.json({ error: err.message }, status as 400);
    }
    logger.error({ err, path: c.req.path }, 'unhandled API error');
    return c.json({ error: 'internal error' }, 500);
  };
}
