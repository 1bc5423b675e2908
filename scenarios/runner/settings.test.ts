import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FaultlineError } from '../../platform/errors.ts';
import { silentLogger } from '../../platform/logger.ts';
import { parseScenario } from '../spec/load.ts';
import { startScenario } from './runner.ts';

describe('startScenario settings', () => {
  const scenario = parseScenario({
    apiVersion: 'faultline.dev/v1', kind: 'Scenario', metadata: { name: 'settings' },
    spec: { services: [{ name: 'one' }], load: { service: 'one', rps: 1 } },
  }, 'test');
  const cases: Array<[string, Record<string, unknown>, RegExp]> = [
    ['a collector that is not a URL', { collectorUrl: 'not-a-url' }, /collectorUrl:/],
    ['a negative backoff', { restart: { initialBackoffMs: -1 } }, /restart\.initialBackoffMs:/],
    ['an unknown setting', { rps: 5 }, /rps: unknown key/],
  ];
  for (const [name, input, error] of cases) {
    it(`rejects ${name} before starting anything`, async () => {
      await assert.rejects(startScenario(scenario, input, silentLogger()), (err: unknown) => err instanceof FaultlineError && error.test(err.message));
    });
  }
});
