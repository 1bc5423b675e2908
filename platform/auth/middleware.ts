import type { Context, MiddlewareHandler } from 'hono';
import { HttpError } from '../errors.ts';
import type { Role } from './config.ts';
import type { Principal, TokenRegistry } from './tokens.ts';

const rank: Record<Role, number> = { viewer: 1, operator: 2 };

/**
 * Requires `Authorization: Bearer TOKEN` whose role is at least `role`
 * (operators may also read). 401 without a valid token, 403 with too weak a role.
 */
export function requireRole(tokens: TokenRegistry, role: Role): MiddlewareHandler {
  return async (c, next) => {
    const header = c.req.header('authorization') ?? '';
    const match = /^Bearer\s+(.+)$/i.exec(header);
    if (!match) throw new HttpError(401, 'missing bearer token: send Authorization: Bearer TOKEN');
    const principal = tokens.lookup(match[1].trim());
    if (!principal) throw new HttpError(401, 'unknown token');
    if (rank[principal.role] < rank[role]) {
      throw new HttpError(403, `this needs the ${role} role; token "${principal.name}" is a ${principal.role}`);
    }
    c.set('principal' as never, principal as never);
    await next();
  };
}

export function principalOf(c: Context): Principal {
  return (c.get('principal' as never) as Principal | undefined) ?? { name: 'anonymous', role: 'viewer' };
}
