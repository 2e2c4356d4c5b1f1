/** `tcplens tracker` options: parsed, validated together, frozen. */
import { WIRE_TOPIC } from '@tcplens/wire';
import { brokerList, numberOption, serviceOptions } from '@tcplens/service';

export const TRACKER_USAGE = `usage: tcplens tracker --brokers HOST:PORT[,...] [--data DIR | --clickhouse URL] [options]

Consumes wire batches from Kafka as a member of a consumer group, rebuilds every TCP connection
on event time (sensor watermarks) and stores one record per connection, exactly once.

  --brokers LIST          Kafka bootstrap brokers (default: $KAFKA_BROKERS)
  --data DIR              embedded store directory (default $TCPLENS_DATA or ./tcplens-data)
  --clickhouse URL        ClickHouse server instead, e.g. http://localhost:8123
  --database NAME         default tcplens
  --topic NAME            default ${WIRE_TOPIC}
  --group ID              consumer group (default tcplens-tracker)
  --partitions N          create the topic with N partitions if it does not exist (default 6,
                          as the sensor; an existing topic is left as it is)
  --commit-interval-ms MS write records and commit offsets this often (default 1000)
  --flush-interval-ms MS  write records to the store this often, between commits (default 250):
                          how soon a connection is queryable
  --batch-rows N          rows per INSERT at most (default 50000)
  --emit-closed-after-ms MS|off
                          write a closed connection's record once it has been quiet this long
                          (event time), instead of after Zeek's 5 s close linger; a later packet
                          of it rewrites the row, same uid (default 250)
  --stale-sensor-s S      a sensor this far behind the newest watermark no longer holds event
                          time back (default 60)
  --metrics-port PORT     serve Prometheus metrics on /metrics (default: off)
  --metrics-host HOST     default 127.0.0.1
  --log-interval-s S      health log line period (default 10)
  --config FILE           options from a JSON object keyed by long option name, e.g.
                          {"brokers": "k1:9092", "group": "trackers"}; any option can also be set as
                          TCPLENS_TRACKER_<NAME> (TCPLENS_TRACKER_BROKERS, ...). A flag wins over the
                          environment, the environment over the file; all problems are reported at once`;

export interface TrackerServiceOptions {
  brokers: string[];
  store: { dataDir?: string; url?: string; database?: string };
  topic: string;
  partitions: number;
  groupId: string;
  commitIntervalMs: number;
  flushIntervalMs: number;
  batchRows: number;
  /** Lifecycle emitClosedAfterUs: -1 = off. */
  emitClosedAfterUs: number;
  staleSensorUs: number;
  metricsPort: number | null;
  metricsHost: string;
  logIntervalMs: number;
}

export function parseTrackerArgs(args: string[], env: NodeJS.ProcessEnv = process.env): TrackerServiceOptions | 'help' {
  const { values, positionals, problems: p } = serviceOptions('tracker', args, {
    help: { type: 'boolean', short: 'h' },
    brokers: { type: 'string' },
    partitions: { type: 'string' },
    data: { type: 'string' },
    clickhouse: { type: 'string' },
    database: { type: 'string' },
    topic: { type: 'string' },
    group: { type: 'string' },
    'commit-interval-ms': { type: 'string' },
    'flush-interval-ms': { type: 'string' },
    'batch-rows': { type: 'string' },
    'emit-closed-after-ms': { type: 'string' },
    'stale-sensor-s': { type: 'string' },
    'metrics-port': { type: 'string' },
    'metrics-host': { type: 'string' },
    'log-interval-s': { type: 'string' },
  }, env, { envAliases: { brokers: ['KAFKA_BROKERS'], data: ['TCPLENS_DATA'] }, exclusive: [['data', 'clickhouse']] });
  if (values.help) return 'help';
  if (positionals.length > 0) p.add(`unexpected argument ${positionals[0]}`);
  const brokers = brokerList(values.brokers, env, p);
  if (values.data !== undefined && values.clickhouse !== undefined) p.add('--data and --clickhouse are exclusive: the store is either embedded or a server');
  if (values.clickhouse !== undefined) {
    let ok = false;
    try {
      ok = /^https?:$/.test(new URL(values.clickhouse).protocol);
    } catch {
      ok = false;
    }
    if (!ok) p.add(`--clickhouse ${values.clickhouse}: expected an http:// or https:// URL`);
  }
  if (values.database !== undefined && !/^[A-Za-z_][A-Za-z0-9_]*$/.test(values.database)) p.add(`--database ${values.database}: expected an identifier`);
  const topic = values.topic ?? WIRE_TOPIC;
  if (!/^[A-Za-z0-9._-]{1,249}$/.test(topic)) p.add(`--topic ${topic}: not a Kafka topic name`);
  const groupId = values.group ?? 'tcplens-tracker';
  if (groupId === '') p.add('--group: must not be empty');
  const store: TrackerServiceOptions['store'] = values.clickhouse !== undefined ? { url: values.clickhouse } : { dataDir: values.data ?? './tcplens-data' };
  if (values.database !== undefined) store.database = values.database;
  const metricsPort = values['metrics-port'] === undefined ? null : Math.floor(numberOption('metrics-port', values['metrics-port'], 0, 0, 65535, p));
  const o: TrackerServiceOptions = {
    brokers,
    store,
    topic,
    partitions: Math.floor(numberOption('partitions', values.partitions, 6, 1, 10_000, p)),
    groupId,
    commitIntervalMs: numberOption('commit-interval-ms', values['commit-interval-ms'], 1000, 10, 600_000, p),
    flushIntervalMs: numberOption('flush-interval-ms', values['flush-interval-ms'], 250, 10, 600_000, p),
    batchRows: Math.floor(numberOption('batch-rows', values['batch-rows'], 50_000, 1, 10_000_000, p)),
    emitClosedAfterUs: values['emit-closed-after-ms'] === 'off' ? -1 : Math.round(numberOption('emit-closed-after-ms', values['emit-closed-after-ms'], 250, 0, 4_999, p) * 1000),
    staleSensorUs: numberOption('stale-sensor-s', values['stale-sensor-s'], 60, 1, 86_400, p) * 1_000_000,
    metricsPort,
    metricsHost: values['metrics-host'] ?? '127.0.0.1',
    logIntervalMs: numberOption('log-interval-s', values['log-interval-s'], 10, 0.1, 86_400, p) * 1000,
  };
  p.check();
  return Object.freeze(o);
}
