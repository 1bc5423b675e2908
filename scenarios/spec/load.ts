import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import type { z } from 'zod';
import { parseSloSpec, type SloSpec } from '../../analysis/slo/spec.ts';
import { parseExperiment, type Experiment } from '../../chaos/experiments/spec.ts';
import { ErrorCode, FaultlineError, errorMessage } from '../../platform/errors.ts';
import { scenarioSchema, type Scenario } from './schema.ts';

/** An SLO or experiment that came with a scenario, with where it came from. */
export interface Attachment {
  /** "<scenario file>: spec.slos[0]" or the referenced file's path. */
  source: string;
  value: unknown;
}

export interface LoadedScenario {
  scenario: Scenario;
  /** Validated with the SLO engine's schema (analysis/slo/spec.ts); `raw` as written. */
  slos: Array<{ source: string; slo: SloSpec; raw: unknown }>;
  /** Validated with the experiment schema (chaos/experiments/spec.ts); `raw` as written. */
  experiments: Array<{ source: string; experiment: Experiment; raw: unknown }>;
}

/** `spec.services[2].calls[0].service`: the YAML path as a person writes it. */
export function formatPath(path: ReadonlyArray<PropertyKey>): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else out += out === '' ? String(key) : `.${String(key)}`;
  }
  return out === '' ? '(top level)' : out;
}

/** One line per problem, each led by the YAML path of its field. */
export function describeIssues(error: z.ZodError): string[] {
  return error.issues.map((issue) => {
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((k) => `${formatPath([...issue.path, k])}: unknown key`).join('\n');
    }
    return `${formatPath(issue.path)}: ${issue.message}`;
  });
}

/** Checks what the schema cannot: names that must exist, be unique, or not loop. */
function crossReferenceProblems(scenario: Scenario): string[] {
  const problems: string[] = [];
  const services = scenario.spec.services;
  const index = new Map<string, number>();
  services.forEach((s, i) => {
    if (index.has(s.name)) problems.push(`spec.services[${i}].name: duplicate service "${s.name}" (also spec.services[${index.get(s.name)}])`);
    else index.set(s.name, i);
  });
  services.forEach((s, i) => {
    s.calls.forEach((call, j) => {
      if (!index.has(call.service)) {
        problems.push(`spec.services[${i}].calls[${j}].service: unknown service "${call.service}"`);
      } else if (call.service === s.name && !call.async) {
        problems.push(`spec.services[${i}].calls[${j}].service: "${s.name}" calls itself synchronously (every request would recurse)`);
      }
    });
  });
  if (!index.has(scenario.spec.load.service)) {
    problems.push(`spec.load.service: unknown service "${scenario.spec.load.service}"`);
  }
  if (problems.length === 0) {
    const cycle = findSyncCycle(scenario);
    if (cycle) problems.push(`spec.services: synchronous call cycle ${cycle.join(' -> ')} (every request would recurse)`);
  }
  return problems;
}

function findSyncCycle(scenario: Scenario): string[] | undefined {
  const edges = new Map(scenario.spec.services.map((s) => [s.name, s.calls.filter((c) => !c.async).map((c) => c.service)]));
  const state = new Map<string, 'visiting' | 'done'>();
  const stack: string[] = [];
  const visit = (name: string): string[] | undefined => {
    if (state.get(name) === 'done') return undefined;
    if (state.get(name) === 'visiting') return [...stack.slice(stack.indexOf(name)), name];
    state.set(name, 'visiting');
    stack.push(name);
    for (const next of edges.get(name) ?? []) {
      const found = visit(next);
      if (found) return found;
    }
    stack.pop();
    state.set(name, 'done');
    return undefined;
  };
  for (const name of edges.keys()) {
    const found = visit(name);
    if (found) return found;
  }
  return undefined;
}

/** Validates a parsed document; every problem is listed, each naming its field. */
export function parseScenario(doc: unknown, source: string): Scenario {
  const result = scenarioSchema.safeParse(doc);
  const problems = result.success ? crossReferenceProblems(result.data) : describeIssues(result.error);
  if (problems.length > 0) {
    throw new FaultlineError(ErrorCode.InvalidInput, `invalid scenario (${source}):\n${problems.map((p) => `  ${p}`).join('\n')}`);
  }
  return result.data!;
}

function readYaml(path: string, what: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new FaultlineError(ErrorCode.InvalidInput, `cannot read ${what} ${path}: ${errorMessage(err)}`);
  }
  try {
    return parseYaml(text);
  } catch (err) {
    throw new FaultlineError(ErrorCode.InvalidInput, `${what} ${path} is not valid YAML: ${errorMessage(err)}`);
  }
}

function resolveAttachments(items: Scenario['spec']['slos'], field: string, file: string): Attachment[] {
  return items.map((item, i) => {
    if (typeof item.file === 'string' && Object.keys(item).length === 1) {
      const path = resolve(dirname(file), item.file);
      return { source: path, value: readYaml(path, `${field}[${i}] file`) };
    }
    return { source: `${file}: spec.${field}[${i}]`, value: item };
  });
}

function unknownService(scenario: Scenario, source: string, field: string, service: string): FaultlineError {
  const known = scenario.spec.services.map((s) => s.name).join(', ');
  return new FaultlineError(ErrorCode.InvalidInput, `invalid scenario (${source}):\n  ${field}: unknown service "${service}" (the scenario has ${known})`);
}

/**
 * Reads, validates and resolves a scenario file and the files it references:
 * SLOs and experiments pass their own parts' schemas, and name services of
 * the scenario.
 */
export function loadScenarioFile(path: string): LoadedScenario {
  const file = resolve(path);
  const scenario = parseScenario(readYaml(file, 'scenario file'), file);
  const services = new Set(scenario.spec.services.map((s) => s.name));
  const slos = resolveAttachments(scenario.spec.slos, 'slos', file).map((a, i) => {
    const slo = parseSloSpec(a.value, a.source);
    if (!services.has(slo.service)) throw unknownService(scenario, a.source, `spec.slos[${i}].service`, slo.service);
    return { source: a.source, slo, raw: a.value };
  });
  const experiments = resolveAttachments(scenario.spec.experiments, 'experiments', file).map((a, i) => {
    const experiment = parseExperiment(a.value, a.source);
    const target = experiment.spec.targets.service;
    if (!services.has(target)) throw unknownService(scenario, a.source, `spec.experiments[${i}].spec.targets.service`, target);
    return { source: a.source, experiment, raw: a.value };
  });
  return { scenario, slos, experiments };
}
