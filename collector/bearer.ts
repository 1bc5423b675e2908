import { timingSafeEqual } from 'node:crypto';

/**
 * Checks an Authorization value against `Bearer <token>` in constant time,
 * so response timing does not reveal how much of a guessed token was right.
 */
export function bearerMatcher(token: string | undefined): ((authorization: unknown) => boolean) | undefined {
  if (token === undefined) return undefined;
  const expected = Buffer.from(token);
  return (authorization) => {
    if (typeof authorization !== 'string') return false;
    // The scheme is case-insensitive (RFC 7235); the token is not.
    const m = /^bearer +(.*)$/i.exec(authorization);
    if (!m) return false;
    const given = Buffer.from(m[1]);
    return given.length === expected.length && timingSafeEqual(given, expected);
  };
}
