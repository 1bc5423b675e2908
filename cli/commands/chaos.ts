import { readFileSync } from 'node:fs';
import { Command } from 'commander';
import type { RunRecord } from '../../chaos/experiments/run-record.ts';
import { isFinished } from '../../chaos/experiments/run-record.ts';
import type { ScheduledExperiment } from '../../chaos/scheduler/scheduler.ts';
import { ErrorCode, FaultlineError, errorMessage } from '../../platform/errors.ts';
import { ApiClient } from '../api-client.ts';

interface CommonOptions {
  api: string;
  token?: string;
  dataDir: string;
}

function withCommon(cmd: Command): Command {
  return cmd
    .option('--api <url>', 'Faultline API base URL (env FAULTLINE_API)', process.env.FAULTLINE_API ?? 'http://127.0.0.1:7070')
    .option('--token <token>', 'API token (env FAULTLINE_TOKEN; default: the operator token faultline up wrote into --data-dir)')
    .option('--data-dir <dir>', 'data directory of faultline up, to read its generated operator token', process.env.FAULTLINE_DATA_DIR ?? './data');
}

function readFile(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (err) {
    throw new FaultlineError(ErrorCode.InvalidInput, `cannot read ${file}: ${errorMessage(err)}`);
  }
}

/** How often `chaos run` prints a progress line when stdout is not a terminal. */
const PROGRESS_EVERY_MS = 5000;
const time = (ms?: number) => (ms ? new Date(ms).toISOString().replace('T', ' ').slice(0, 19) : '-');
const out = (line = '') => process.stdout.write(`${line}\n`);

function printChecks(label: string, checks: RunRecord['signals']['before']): void {
  for (const c of checks) out(`  ${label} ${c.holds ? 'ok  ' : 'FAIL'} ${c.check}: ${c.value ?? 'n/a'}${c.error ? ` (${c.error})` : ''}`);
}

/** `2/3 (67%)`, and where widening stopped, for progressive runs. */
function stepText(run: RunRecord): string {
  if (!run.step) return '';
  const refused = run.step.refused ? `, widening to step ${run.step.refused.step} (${run.step.refused.percent}%) refused` : '';
  return `step ${run.step.reached}/${run.step.of} (${run.step.percent}%)${refused}`;
}

function printRun(run: RunRecord): void {
  out(`run ${run.id}  experiment ${run.experiment}  ${run.fault} on ${run.service}  status ${run.status}`);
  out(`targets: ${run.targets.join(', ') || '(none)'}${run.step ? `  ${stepText(run)}` : ''}`);
  if (run.reason) out(`reason: ${run.reason}`);
  if (run.haltedBy) out(`halted by: ${run.haltedBy}`);
  if (run.governor) out(`governor: ${run.governor.admitted ? 'would admit it now' : run.governor.message}`);
  for (const p of run.governor?.steps ?? []) {
    out(`  step ${p.step} (${p.percent}%, ${p.instances.length} instance(s)): ${p.admitted ? 'would be admitted now' : `would be refused now: ${p.message}`}`);
  }
  for (const e of run.timeline) out(`  ${time(e.atMs)}  ${e.event}${e.detail ? `: ${e.detail}` : ''}`);
  printChecks('before', run.signals.before);
  if (run.signals.during.length) printChecks('during', run.signals.during[run.signals.during.length - 1]);
  printChecks('after ', run.signals.after);
  printChecks('abort ', run.signals.abort ?? []);
}

export function chaosCommand(): Command {
  const cmd = new Command('chaos').description('run, schedule, list and halt chaos experiments (through the API of faultline up)');

  withCommon(cmd.command('run <file>'))
    .description('run an experiment now and follow it until its verdict (exit 0 when it passed)')
    .option('--dry-run', 'resolve the targets and evaluate every check now, applying nothing')
    .action(async (file: string, o: CommonOptions & { dryRun?: boolean }) => {
      const client = new ApiClient(o);
      const body = readFile(file);
      if (o.dryRun) {
        const run = await client.request<RunRecord>('POST', '/api/v1/experiments?dryRun=true', body);
        printRun(run);
        process.exitCode = run.status === 'passed' ? 0 : 1;
        return;
      }
      const { runId } = await client.request<{ runId: string }>('POST', '/api/v1/experiments?mode=run', body);
      out(`started ${runId}`);
      let shown = 0;
      let halting = false;
      let progressAtMs = 0;
      process.once('SIGINT', () => {
        halting = true;
        out('halting (Ctrl-C): reverting faults...');
        void client.request('POST', `/api/v1/experiments/${encodeURIComponent(runId)}/halt`).catch(() => {});
      });
      for (;;) {
        const run = await client.request<RunRecord>('GET', `/api/v1/experiments/${encodeURIComponent(runId)}`);
        for (const e of run.timeline.slice(shown)) out(`${time(e.atMs)}  ${e.event}${e.detail ? `: ${e.detail}` : ''}`);
        shown = run.timeline.length;
        const last = run.signals.during.at(-1);
        const values = (last ?? []).map((c) => `${c.holds ? 'ok' : 'FAIL'} ${c.value ?? 'n/a'}`).join('  ');
        if (last && process.stdout.isTTY) process.stdout.write(`\r  checks: ${values}   `);
        // Without a terminal (CI logs, pipes) a line every 5 s, so a long run shows it is alive and what it measures.
        if (!process.stdout.isTTY && run.status === 'running' && run.startedAtMs && Date.now() - progressAtMs >= PROGRESS_EVERY_MS) {
          progressAtMs = Date.now();
          const elapsedS = Math.round((Date.now() - run.startedAtMs) / 1000);
          out(`${time(Date.now())}  running ${elapsedS}s${run.step ? `, ${stepText(run)}` : ''}; checks: ${last ? values || '(none)' : '(not yet)'}`);
        }
        if (isFinished(run.status)) {
          if (process.stdout.isTTY) out();
          printChecks('before', run.signals.before);
          printChecks('after ', run.signals.after);
          out(`verdict: ${run.status}${run.reason ? ` (${run.reason})` : ''}`);
          process.exitCode = run.status === 'passed' ? 0 : 1;
          return;
        }
        await new Promise((r) => setTimeout(r, halting ? 250 : 1000));
      }
    });

  withCommon(cmd.command('schedule <file>'))
    .description('schedule an experiment with its spec.schedule (cron)')
    .action(async (file: string, o: CommonOptions) => {
      const s = await new ApiClient(o).request<ScheduledExperiment>('POST', '/api/v1/experiments?mode=schedule', readFile(file));
      out(`scheduled ${s.name}: cron "${s.cron}"${s.next ? `, next run ${time(s.next)}` : ''}`);
    });

  withCommon(cmd.command('list'))
    .description('scheduled experiments and recent runs')
    .action(async (o: CommonOptions) => {
      const r = await new ApiClient(o).request<{ scheduled: ScheduledExperiment[]; runs: RunRecord[] }>('GET', '/api/v1/experiments');
      out('SCHEDULED');
      if (r.scheduled.length === 0) out('  (none)');
      for (const s of r.scheduled) out(`  ${s.name.padEnd(30)} ${s.cron.padEnd(16)} next ${time(s.next)}${s.error ? `  INVALID (slots skipped): ${s.error}` : ''}`);
      out('RUNS');
      if (r.runs.length === 0) out('  (none)');
      for (const run of r.runs) out(`  ${run.id.padEnd(40)} ${run.status.padEnd(12)} ${run.fault.padEnd(10)} ${run.service.padEnd(16)} ${time(run.createdAtMs)}${run.step ? `  ${stepText(run)}` : ''}`);
    });

  withCommon(cmd.command('status <id>'))
    .description('a run (by run ID) or an experiment and its runs (by name)')
    .action(async (id: string, o: CommonOptions) => {
      const r = await new ApiClient(o).request<RunRecord | { name: string; runs: RunRecord[] }>('GET', `/api/v1/experiments/${encodeURIComponent(id)}`);
      if ('runs' in r) {
        out(`experiment ${r.name}: ${r.runs.length} run(s)`);
        for (const run of r.runs) out(`  ${run.id}  ${run.status}  ${time(run.createdAtMs)}${run.step ? `  ${stepText(run)}` : ''}${run.reason ? `  ${run.reason}` : ''}`);
      } else printRun(r);
    });

  withCommon(cmd.command('halt [id]'))
    .description('halt one run or experiment, or with --all every experiment (every fault reverted; schedules paused)')
    .option('--all', 'global halt')
    .action(async (id: string | undefined, o: CommonOptions & { all?: boolean }) => {
      const client = new ApiClient(o);
      if (o.all) {
        const r = await client.request<{ agents: number }>('POST', '/api/v1/chaos/halt');
        out(`halted: every run stops, ${r.agents} agent(s) reverted every fault; schedules are paused until POST /api/v1/chaos/resume`);
        return;
      }
      if (!id) throw new FaultlineError(ErrorCode.InvalidInput, 'give a run ID or experiment name, or --all');
      const r = await client.request<{ halting: string[] }>('POST', `/api/v1/experiments/${encodeURIComponent(id)}/halt`);
      out(r.halting.length ? `halting ${r.halting.join(', ')}` : 'nothing was running');
    });

  withCommon(cmd.command('resume'))
    .description('resume schedules after a global halt')
    .action(async (o: CommonOptions) => {
      await new ApiClient(o).request('POST', '/api/v1/chaos/resume');
      out('schedules resumed');
    });
  return cmd;
}
