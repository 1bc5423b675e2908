import { SpanKind, SpanStatusCode, context, type Tracer } from '@opentelemetry/api';
import {
  ATTR_DB_NAMESPACE, ATTR_DB_OPERATION_NAME, ATTR_DB_QUERY_SUMMARY, ATTR_DB_SYSTEM_NAME, ATTR_ERROR_TYPE,
  ATTR_SERVER_ADDRESS, ATTR_SERVER_PORT,
} from '@opentelemetry/semantic-conventions';
import { ATTR_DB_SYSTEM } from '@opentelemetry/semantic-conventions/incubating';
import type { DatabaseSpec } from '../spec/schema.ts';
import { sampleLatencyMs, sleep } from './latency.ts';

const defaultOperation: Record<DatabaseSpec['system'], string> = {
  postgresql: 'SELECT', mysql: 'SELECT', mariadb: 'SELECT', cassandra: 'SELECT',
  redis: 'GET', memcached: 'get', mongodb: 'find', elasticsearch: 'search',
};

const defaultPort: Record<DatabaseSpec['system'], number> = {
  postgresql: 5432, mysql: 3306, mariadb: 3306, cassandra: 9042,
  redis: 6379, memcached: 11211, mongodb: 27017, elasticsearch: 9200,
};

/**
 * A database client call: a real CLIENT span from this code path with the
 * database semantic conventions (both db.system.name and the older db.system,
 * so pre-1.26 consumers see it too). Only the server's time is simulated.
 */
export async function queryDatabase(tracer: Tracer, db: DatabaseSpec, scenario: string, service: string): Promise<void> {
  const operation = db.operation ?? defaultOperation[db.system];
  const namespace = db.name ?? service;
  const collection = `${service}_items`;
  const span = tracer.startSpan(`${operation} ${collection}`, {
    kind: SpanKind.CLIENT,
    attributes: {
      [ATTR_DB_SYSTEM_NAME]: db.system,
      [ATTR_DB_SYSTEM]: db.system,
      [ATTR_DB_NAMESPACE]: namespace,
      [ATTR_DB_OPERATION_NAME]: operation,
      [ATTR_DB_QUERY_SUMMARY]: `${operation} ${collection}`,
      [ATTR_SERVER_ADDRESS]: db.host ?? `${db.system}.${scenario}`,
      [ATTR_SERVER_PORT]: defaultPort[db.system],
    },
  }, context.active());
  try {
    await sleep(sampleLatencyMs(db.latencyMs));
    if (Math.random() < db.errorRate) {
      span.setAttribute(ATTR_ERROR_TYPE, 'query_failed');
      span.setStatus({ code: SpanStatusCode.ERROR, message: `${db.system} query failed` });
      throw new Error(`${db.system} query failed`);
    }
  } finally {
    span.end();
  }
}
