/** `tcplens sensor` options: parsed, validated together, frozen. */
import { existsSync, statSync } from 'node:fs';
import { hostname } from 'node:os';
import { WIRE_TOPIC, MAX_CAPACITY } from '@tcplens/wire';
import { brokerList, numberOption, oneOf, serviceOptions } from '@tcplens/service';
import { COMPRESSIONS, type Compression } from '@tcplens/kafka';
import { DEFAULT_BUCKETS } from './route.js';

/** Partitions of the topic when a sensor or tracker has to create it (both use the same default). */
export const DEFAULT_PARTITIONS = 6;
import { DROP_POLICIES, type DropPolicy } from './spool.js';

export const SENSOR_USAGE = `usage: tcplens sensor --brokers HOST:PORT[,...] (--interface IF ... | --read FILE|-) [options]

Captures TCP headers and publishes them as wire batches to Kafka (topic ${WIRE_TOPIC}).

  --brokers LIST        Kafka bootstrap brokers (default: $KAFKA_BROKERS)
  -i, --interface IF    capture live on IF (repeatable)
  --filter BPF          capture filter (default "tcp")
  --user NAME|none      live capture: after opening the interfaces, become NAME (default nobody
                        when started as root; the spool directory is handed to NAME first);
                        none keeps every privilege
  -r, --read FILE       replay a pcap/pcapng file (- for stdin) as fast as possible, then publish
                        an end-of-input watermark and exit 0
  --realtime            with --read: replay at the pace of the packet timestamps
  --rate PPS            with --read: replay at PPS packets per second (wall clock), whatever
                        the timestamps; like --realtime it never waits for Kafka (spool instead)
  --sensor-id ID        this sensor's name in every batch (default: the host name)
  --topic NAME          default ${WIRE_TOPIC}
  --partitions N        create the topic with N partitions if it does not exist (default 6;
                        an existing topic is left as it is)
  --buckets N           routing buckets (message keys), default ${DEFAULT_BUCKETS}
  --batch-records N     records per batch, default 1024
  --compression C       Kafka batch compression: gzip | none (default gzip)
  --linger-ms MS        a batch is sent at the latest this long after its first packet (100)
  --heartbeat-ms MS     watermark period: wall clock when live, packet time in a replay (500)
  --spool-dir DIR       on-disk spool while Kafka is down (default ./tcplens-spool)
  --spool-max-mb MB     spool bound (default 1024)
  --drop-policy P       when the spool is full: oldest | newest (default oldest)
  --metrics-port PORT   serve Prometheus metrics on /metrics (default: off)
  --metrics-host HOST   default 127.0.0.1
  --log-interval-s S    health log line period (default 10)
  --config FILE         options from a JSON object keyed by long option name, e.g.
                        {"brokers": "k1:9092", "heartbeat-ms": 500}; any option can also be set as
                        TCPLENS_SENSOR_<NAME> (TCPLENS_SENSOR_BROKERS, ...). A flag wins over the
                        environment, the environment over the file; all problems are reported at once`;

export interface SensorOptions {
  brokers: string[];
  interfaces: string[];
  filter: string;
  /** Live capture: the user to become after opening the interfaces (as root), or 'none'. */
  user: string;
  read: string | null;
  realtime: boolean;
  /** Paced replay: packets per second, or null (as fast as possible / --realtime). */
  rate: number | null;
  sensorId: string;
  topic: string;
  partitions: number;
  buckets: number;
  batchRecords: number;
  lingerMs: number;
  compression: Compression;
  heartbeatMs: number;
  spoolDir: string;
  spoolMaxBytes: number;
  dropPolicy: DropPolicy;
  metricsPort: number | null;
  metricsHost: string;
  logIntervalMs: number;
}

export function parseSensorArgs(args: string[], env: NodeJS.ProcessEnv = process.env): SensorOptions | 'help' {
  const { values, positionals, problems: p } = serviceOptions('sensor', args, {
    help: { type: 'boolean', short: 'h' },
    brokers: { type: 'string' },
    interface: { type: 'string', short: 'i', multiple: true },
    filter: { type: 'string' },
    user: { type: 'string' },
    read: { type: 'string', short: 'r' },
    realtime: { type: 'boolean' },
    rate: { type: 'string' },
    'sensor-id': { type: 'string' },
    topic: { type: 'string' },
    partitions: { type: 'string' },
    buckets: { type: 'string' },
    'batch-records': { type: 'string' },
    'linger-ms': { type: 'string' },
    compression: { type: 'string' },
    'heartbeat-ms': { type: 'string' },
    'spool-dir': { type: 'string' },
    'spool-max-mb': { type: 'string' },
    'drop-policy': { type: 'string' },
    'metrics-port': { type: 'string' },
    'metrics-host': { type: 'string' },
    'log-interval-s': { type: 'string' },
  }, env, { envAliases: { brokers: ['KAFKA_BROKERS'] } });
  if (values.help) return 'help';
  if (positionals.length > 0) p.add(`unexpected argument ${positionals[0]}: use --read FILE to replay a capture`);
  const brokers = brokerList(values.brokers, env, p);
  const interfaces = values.interface ?? [];
  const read = values.read ?? null;
  if (interfaces.length === 0 && read === null) p.add('no input: --interface IF (live) or --read FILE|- (replay)');
  if (interfaces.length > 0 && read !== null) p.add('--interface and --read are exclusive');
  if (read !== null && read !== '-') {
    if (!existsSync(read)) p.add(`--read ${read}: no such file`);
    else if (!statSync(read).isFile()) p.add(`--read ${read}: not a regular file`);
  }
  if (values.realtime && read === null) p.add('--realtime applies to --read only');
  const user = values.user ?? 'nobody';
  if (!/^[a-z_][a-z0-9_.-]{0,31}\$?$/i.test(user)) p.add(`--user ${user}: not a user name`);
  if (values.rate !== undefined && read === null) p.add('--rate applies to --read only');
  if (values.rate !== undefined && values.realtime) p.add('--rate and --realtime are exclusive');
  const rate = values.rate === undefined ? null : numberOption('rate', values.rate, 0, 1, 100_000_000, p);
  const sensorId = values['sensor-id'] ?? hostname();
  if (sensorId === '' || Buffer.byteLength(sensorId) > 63) p.add('--sensor-id: 1 to 63 bytes');
  const topic = values.topic ?? WIRE_TOPIC;
  if (!/^[A-Za-z0-9._-]{1,249}$/.test(topic)) p.add(`--topic ${topic}: not a Kafka topic name`);
  const partitions = numberOption('partitions', values.partitions, DEFAULT_PARTITIONS, 1, 10_000, p);
  const compression = oneOf('compression', values.compression, COMPRESSIONS, 'gzip', p);
  const dropPolicy = oneOf('drop-policy', values['drop-policy'], DROP_POLICIES, 'oldest', p);
  const metricsPort = values['metrics-port'] === undefined ? null : numberOption('metrics-port', values['metrics-port'], 0, 0, 65535, p);
  const o: SensorOptions = {
    brokers,
    interfaces,
    filter: values.filter ?? 'tcp',
    user,
    read,
    realtime: values.realtime ?? false,
    rate,
    sensorId,
    topic,
    partitions: Math.floor(partitions),
    buckets: Math.floor(numberOption('buckets', values.buckets, DEFAULT_BUCKETS, 1, 65536, p)),
    batchRecords: Math.floor(numberOption('batch-records', values['batch-records'], 1024, 1, Math.min(MAX_CAPACITY, 12_000), p)),
    compression,
    lingerMs: numberOption('linger-ms', values['linger-ms'], 100, 1, 60_000, p),
    heartbeatMs: numberOption('heartbeat-ms', values['heartbeat-ms'], 500, 10, 600_000, p),
    spoolDir: values['spool-dir'] ?? './tcplens-spool',
    spoolMaxBytes: Math.floor(numberOption('spool-max-mb', values['spool-max-mb'], 1024, 1, 1 << 20, p) * 1024 * 1024),
    dropPolicy,
    metricsPort: metricsPort === null ? null : Math.floor(metricsPort),
    metricsHost: values['metrics-host'] ?? '127.0.0.1',
    logIntervalMs: numberOption('log-interval-s', values['log-interval-s'], 10, 0.1, 86_400, p) * 1000,
  };
  p.check();
  return Object.freeze(o);
}
