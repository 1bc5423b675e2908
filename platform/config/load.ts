import { readFileSync, existsSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import type { z } from 'zod';
import { ErrorCode, FaultlineError, errorMessage } from '../errors.ts';
import { configSchema, type FaultlineConfig } from './schema.ts';
import { settings, type Setting } from './settings.ts';

export const DEFAULT_CONFIG_FILE = 'faultline.yaml';

export interface LoadConfigOptions {
  /** Values from command-line flags, keyed by flag name ('otlp-grpc-port'). */
  flags?: Record<string, string | undefined>;
  env?: NodeJS.ProcessEnv;
  /** Explicit config file (--config / FAULTLINE_CONFIG); missing is an error. */
  configPath?: string;
}

type Tree = Record<string, unknown>;

function setPath(tree: Tree, path: string, value: unknown): void {
  const keys = path.split('.');
  let node = tree;
  for (const key of keys.slice(0, -1)) {
    if (typeof node[key] !== 'object' || node[key] === null) node[key] = {};
    node = node[key] as Tree;
  }
  node[keys[keys.length - 1]] = value;
}

function convert(setting: Setting, raw: string, source: string): unknown {
  if (setting.kind === 'int') {
    if (!/^\d+$/.test(raw.trim())) {
      throw new FaultlineError(ErrorCode.InvalidConfig, `${source}: expected a whole number, got "${raw}"`);
    }
    return Number(raw.trim());
  }
  if (setting.kind === 'headers') return parseHeaderList(raw, source);
  return raw;
}

/**
 * `k=v,k2=v2` as OTEL_EXPORTER_OTLP_HEADERS: entries split on commas, keys
 * and values trimmed and percent-decoded. Errors name the entry, not its
 * value, which is often a secret.
 */
export function parseHeaderList(raw: string, source: string): Record<string, string> {
  const headers: Record<string, string> = {};
  const entries = raw.split(',');
  for (let i = 0; i < entries.length; i++) {
    const entry = entries[i]!.trim();
    if (entry === '') continue;
    const eq = entry.indexOf('=');
    const bad = (why: string) => new FaultlineError(ErrorCode.InvalidConfig, `${source}: entry ${i + 1} ${why}; expected "key=value,key2=value2" (values percent-encoded where needed)`);
    if (eq <= 0) throw bad(eq === 0 ? 'has no key' : 'has no "="');
    try {
      headers[decodeURIComponent(entry.slice(0, eq).trim())] = decodeURIComponent(entry.slice(eq + 1).trim());
    } catch {
      throw bad('has an invalid percent-encoding');
    }
  }
  return headers;
}

/** Formats a zod error as `key.path: message` lines, naming the bad key. */
export function describeZodError(error: z.ZodError, prefix = ''): string {
  return error.issues
    .map((issue) => {
      if (issue.code === 'unrecognized_keys') {
        const base = issue.path.map(String);
        return issue.keys.map((k) => `${prefix}${[...base, k].join('.')}: unknown key`).join('\n');
      }
      const where = issue.path.length > 0 ? issue.path.map(String).join('.') : '(top level)';
      return `${prefix}${where}: ${issue.message}`;
    })
    .join('\n');
}

function readConfigFile(path: string): Tree {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new FaultlineError(ErrorCode.InvalidConfig, `cannot read config file ${path}: ${errorMessage(err)}`);
  }
  let parsed: unknown;
  try {
    parsed = parseYaml(text);
  } catch (err) {
    throw new FaultlineError(ErrorCode.InvalidConfig, `config file ${path} is not valid YAML: ${errorMessage(err)}`);
  }
  if (parsed === null || parsed === undefined) return {};
  if (typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new FaultlineError(ErrorCode.InvalidConfig, `config file ${path} must be a YAML mapping`);
  }
  return parsed as Tree;
}

/** Precedence: flag > environment > config file > default. */
export function loadConfig(options: LoadConfigOptions = {}): FaultlineConfig {
  const env = options.env ?? process.env;
  const flags = options.flags ?? {};
  const explicitPath = options.configPath ?? flags.config ?? env.FAULTLINE_CONFIG;
  let tree: Tree = {};
  let source = 'config';
  if (explicitPath) {
    tree = readConfigFile(explicitPath);
    source = explicitPath;
  } else if (existsSync(DEFAULT_CONFIG_FILE)) {
    tree = readConfigFile(DEFAULT_CONFIG_FILE);
    source = DEFAULT_CONFIG_FILE;
  }
  for (const setting of settings) {
    const fromEnv = env[setting.env];
    if (fromEnv !== undefined && fromEnv !== '') setPath(tree, setting.path, convert(setting, fromEnv, setting.env));
  }
  for (const setting of settings) {
    const fromFlag = flags[setting.flag];
    if (fromFlag !== undefined) setPath(tree, setting.path, convert(setting, fromFlag, `--${setting.flag}`));
  }
  const result = configSchema.safeParse(tree);
  if (!result.success) {
    // Name the flag and variable too: the bad value may have come from either.
    const lines = describeZodError(result.error, '  ').split('\n').map((line) => {
      const setting = settings.find((s) => line.startsWith(`  ${s.path}: `));
      return setting ? `${line} (--${setting.flag} / ${setting.env} / ${setting.path} in the file)` : line;
    });
    throw new FaultlineError(ErrorCode.InvalidConfig, `invalid configuration (${source}):\n${lines.join('\n')}`);
  }
  return result.data;
}
