import { errorMessage } from '../platform/errors.ts';
import type { Logger } from '../platform/logger.ts';

// The few platform API calls the demo makes to hand a scenario's SLOs and
// experiments to a running platform.

async function call(method: string, url: string, token: string | undefined, body?: unknown): Promise<{ status: number; text: string }> {
  const response = await fetch(url, {
    method,
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(10_000),
  });
  return { status: response.status, text: await response.text() };
}

/** POST /api/v1/slos for each; an SLO already defined in the platform's SLO directory (409) counts as registered. */
export async function registerSlos(api: string, token: string | undefined, slos: Array<{ name: string; raw: unknown }>, logger: Logger): Promise<string[]> {
  const registered: string[] = [];
  for (const slo of slos) {
    try {
      const { status, text } = await call('POST', `${api}/api/v1/slos`, token, slo.raw);
      if (status === 200 || status === 201 || status === 409) registered.push(slo.name);
      else logger.warn({ slo: slo.name, status, response: text.slice(0, 300) }, 'the platform did not take the SLO');
    } catch (err) {
      logger.warn({ slo: slo.name, err: errorMessage(err) }, 'cannot register the SLO');
    }
  }
  return registered;
}

/**
 * A cron pattern per experiment: every `everyMinutes`, staggered so that two
 * experiments of the scenario never start in the same minute.
 */
export function staggeredCron(index: number, everyMinutes: number, firstMinute = 2): string {
  const minute = (firstMinute + index * Math.max(1, Math.floor(everyMinutes / 4))) % everyMinutes;
  return `${minute}-59/${everyMinutes} * * * *`;
}

/** Schedules each experiment (mode=schedule) with the cron given; returns what the platform accepted. */
export async function scheduleExperiments(
  api: string, token: string | undefined, experiments: Array<{ name: string; raw: unknown; cron: string }>, logger: Logger,
): Promise<Array<{ name: string; cron: string }>> {
  const scheduled: Array<{ name: string; cron: string }> = [];
  for (const e of experiments) {
    const raw = e.raw as { spec?: Record<string, unknown> };
    const doc = { ...raw, spec: { ...raw.spec, schedule: { cron: e.cron, concurrencyPolicy: 'Forbid' } } };
    try {
      const { status, text } = await call('POST', `${api}/api/v1/experiments?mode=schedule`, token, doc);
      if (status === 201) scheduled.push({ name: e.name, cron: e.cron });
      else logger.warn({ experiment: e.name, status, response: text.slice(0, 300) }, 'the platform did not schedule the experiment');
    } catch (err) {
      logger.warn({ experiment: e.name, err: errorMessage(err) }, 'cannot schedule the experiment');
    }
  }
  return scheduled;
}

export async function unscheduleExperiments(api: string, token: string | undefined, names: string[], logger: Logger): Promise<void> {
  for (const name of names) {
    try {
      await call('DELETE', `${api}/api/v1/experiments/${encodeURIComponent(name)}`, token);
    } catch (err) {
      logger.warn({ experiment: name, err: errorMessage(err) }, 'cannot unschedule the experiment');
    }
  }
}
