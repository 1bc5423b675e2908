import { timingSafeEqual } from 'node:crypto';

/**
 * Checks an Authorization value against `Bearer <token>` in constant time,
 * so response timing does not reveal how much of a guessed token was right.
 */
export function bearerMatcher(token: string | undefined): ((authorization: unknown) => boolean) | undefined {
  if (token === undefined) return undefined;
  const expected = Buffer.from(`Bearer ${token}`);
  return (authorization) => {
    if (typeof authorization !== 'string') return false;
    const given = Buffer.from(authorization);
    return given.length === expected.length && timingSafeEqual(given, expected);
  };
}
