import { randomBytes, timingSafeEqual } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { AuthConfig, Role } from './config.ts';

export const OPERATOR_TOKEN_FILE = 'operator.token';

export interface Principal {
  name: string;
  role: Role;
}

interface Entry extends Principal {
  token: Buffer;
}

/** Where `faultline up` keeps a generated operator token for the CLI to read. */
export function operatorTokenPath(dataDir: string): string {
  return resolve(dataDir, OPERATOR_TOKEN_FILE);
}

/**
 * The tokens the API accepts: from the config file, from
 * FAULTLINE_OPERATOR_TOKEN / FAULTLINE_VIEWER_TOKEN, or, when there are none,
 * a generated operator token written (mode 0600) into the data directory.
 */
export class TokenRegistry {
  private readonly entries: Entry[] = [];
  /** Set when a token was generated: the file the CLI reads it from. */
  readonly generatedTokenFile?: string;

  constructor(config: AuthConfig, env: NodeJS.ProcessEnv, dataDir: string) {
    for (const t of config.tokens) this.add(t.name, t.token, t.role);
    if (env.FAULTLINE_OPERATOR_TOKEN) this.add('env-operator', env.FAULTLINE_OPERATOR_TOKEN, 'operator');
    if (env.FAULTLINE_VIEWER_TOKEN) this.add('env-viewer', env.FAULTLINE_VIEWER_TOKEN, 'viewer');
    if (this.entries.length === 0) {
      const path = operatorTokenPath(dataDir);
      let token = existsSync(path) ? readFileSync(path, 'utf8').trim() : '';
      if (token.length < 16) {
        token = randomBytes(24).toString('base64url');
        mkdirSync(dataDir, { recursive: true });
        writeFileSync(path, `${token}\n`, { mode: 0o600 });
        chmodSync(path, 0o600);
      }
      this.add('generated-operator', token, 'operator');
      this.generatedTokenFile = path;
    }
  }

  private add(name: string, token: string, role: Role): void {
    this.entries.push({ name, role, token: Buffer.from(token) });
  }

  /** The principal a bearer token stands for, compared in constant time. */
  lookup(token: string): Principal | undefined {
    const given = Buffer.from(token);
    for (const e of this.entries) {
      if (e.token.length === given.length && timingSafeEqual(e.token, given)) return { name: e.name, role: e.role };
    }
    return undefined;
  }
}

/** The token the CLI sends: --token, FAULTLINE_TOKEN, or the generated file. */
export function cliToken(explicit: string | undefined, dataDir: string): string | undefined {
  if (explicit) return explicit;
  if (process.env.FAULTLINE_TOKEN) return process.env.FAULTLINE_TOKEN;
  if (process.env.FAULTLINE_OPERATOR_TOKEN) return process.env.FAULTLINE_OPERATOR_TOKEN;
  const path = join(dataDir, OPERATOR_TOKEN_FILE);
  return existsSync(path) ? readFileSync(path, 'utf8').trim() : undefined;
}
