/** `tcplens tracker`: opens the store, joins the consumer group, runs until SIGTERM/SIGINT. */
import type { Server } from 'node:http';
import pino from 'pino';
import { createKafka } from '@tcplens/kafka';
import { openStore, type StoreEndpoint } from '@tcplens/store';
import { serveMetrics } from '@tcplens/service';
import { parseTrackerArgs, TRACKER_USAGE } from './options.js';
import { TrackerService } from './tracker-service.js';

export async function runTracker(args: string[]): Promise<number> {
  const o = parseTrackerArgs(args);
  if (o === 'help') {
    process.stdout.write(TRACKER_USAGE + '\n');
    return 0;
  }
  const log = pino({ base: { service: 'tcplens-tracker', group: o.groupId } });
  const store = await openStore(o.store);
  let metrics: Server | null = null;
  let service: TrackerService | null = null;
  let endpoint: StoreEndpoint | null = null;
  try {
    // This process owns the embedded store: `tcplens query`/`report` and the alerter on the same
    // --data DIR reach it through this loopback endpoint (DIR/tcplens-endpoint.json) meanwhile.
    if (store.kind === 'chdb') {
      endpoint = await store.serve();
      log.info({ endpoint: endpoint.url, dir: store.target }, 'serving the embedded store to local tcplens processes');
    }
    const kafka = createKafka({ brokers: o.brokers, clientId: `tcplens-tracker-${process.pid}`, logger: log.child({ component: 'kafka' }) });
    service = new TrackerService(
      { topic: o.topic, groupId: o.groupId, commitIntervalMs: o.commitIntervalMs, flushIntervalMs: o.flushIntervalMs, batchRows: o.batchRows, staleSensorUs: o.staleSensorUs, tracker: { emitClosedAfterUs: o.emitClosedAfterUs } },
      kafka,
      store,
      log.child({ component: 'tracker' }),
    );
    const svc = service;
    // Whichever starts first, sensor or tracker, creates the topic (auto-creation is off).
    const admin = await kafka.admin();
    try {
      if (await admin.createTopic(o.topic, o.partitions)) log.info({ topic: o.topic, partitions: o.partitions }, 'created topic');
    } finally {
      await admin.disconnect();
    }
    if (o.metricsPort !== null) {
      metrics = await serveMetrics(o.metricsHost, o.metricsPort, () => svc.samples());
      const a = metrics.address();
      log.info({ metrics: typeof a === 'object' && a ? `http://${o.metricsHost}:${a.port}/metrics` : a }, 'metrics endpoint');
    }
    const stopped = new Promise<string>((resolve) => {
      process.once('SIGTERM', () => resolve('SIGTERM'));
      process.once('SIGINT', () => resolve('SIGINT'));
      svc.onFailure = () => resolve('failure');
    });
    await svc.start();
    log.info({ topic: o.topic, store: store.target, table: store.table }, 'tracking');
    const tick = setInterval(() => {
      log.info({ ...svc.stats, openConnections: svc.openConnections, rowsWritten: svc.writtenRows, malformed: Object.fromEntries(svc.malformed.counts), partitions: svc.partitions() }, 'tracker health');
    }, o.logIntervalMs);
    const why = await stopped;
    clearInterval(tick);
    log.info({ reason: why }, 'stopping: writing records and committing offsets');
    await svc.stop();
    log.info({ ...svc.stats, rowsWritten: svc.writtenRows }, 'stopped');
    return svc.failure ? 1 : 0;
  } finally {
    metrics?.close();
    await endpoint?.close();
    await store.close();
  }
}
