import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { describe, it } from 'node:test';
import { silentLogger } from '../../platform/logger.ts';
import { scenarioRunnerConfigSchema } from '../config.ts';
import { parseScenario } from '../spec/load.ts';
import { AddressInUseError, Supervisor } from './supervisor.ts';

describe('Supervisor', () => {
  it('reports a port taken by another process as AddressInUseError and forgets the instance', async () => {
    const squatter = createServer();
    await new Promise<void>((r) => squatter.listen(0, '127.0.0.1', r));
    const port = (squatter.address() as AddressInfo).port;
    const scenario = parseScenario({
      apiVersion: 'faultline.dev/v1', kind: 'Scenario', metadata: { name: 'sup' },
      spec: { services: [{ name: 'one' }], load: { service: 'one', rps: 1 } },
    }, 'test');
    const config = scenarioRunnerConfigSchema.parse({});
    const supervisor = new Supervisor(config, silentLogger());
    try {
      await assert.rejects(supervisor.add({
        scenario: 'sup', service: scenario.spec.services[0], instanceId: 'one-1', host: '127.0.0.1', port,
        collectorUrl: 'http://127.0.0.1:9', redisUrl: 'redis://127.0.0.1:9', downstream: {}, consumeQueues: [],
        metricExportIntervalMs: 60_000, traceExportDelayMs: 1000,
      }), (err: unknown) => err instanceof AddressInUseError && err.port === port);
      assert.deepEqual(supervisor.status(), []);
    } finally {
      await supervisor.stop();
      squatter.close();
    }
  });
});
