/**
 * Where integration tests find a real broker, in this order:
 *   1. KAFKA_BROKERS (comma-separated host:port), when set;
 *   2. testcontainers, when a Docker engine answers;
 *   3. deploy/kafka/local.sh, a KRaft broker on loopback from jars resolved off Maven Central.
 * Outside CI, a test may skip with the returned reason when none works; with CI=true that is an
 * error instead, because CI must run against a real broker, never skip.
 */
import { execFile, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { KafkaError } from './errors.js';

const run = promisify(execFile);
const LOCAL_SH = fileURLToPath(new URL('../../../deploy/kafka/local.sh', import.meta.url));
/** The testcontainers image and the port its plaintext listener publishes (@testcontainers/kafka). */
const TESTCONTAINERS_IMAGE = 'confluentinc/cp-kafka:7.9.1';
const TESTCONTAINERS_PORT = 9093;
/** A cold start resolves ~60 MB of jars with Maven; a warm one takes a few seconds. */
const START_TIMEOUT_MS = 300_000;

export type BrokerSource = 'env' | 'testcontainers' | 'local';
export type BrokersForTests =
  | { brokers: string[]; source: BrokerSource; skip?: undefined }
  | { brokers?: undefined; source?: undefined; skip: string };

const inCi = (): boolean => /^(1|true|yes)$/i.test(process.env['CI'] ?? '');

/** True when `docker` exists and its daemon answers within 3 s (the CLI alone is not enough). */
function dockerEngineAnswers(): boolean {
  const r = spawnSync('docker', ['version', '--format', '{{.Server.Version}}'], { timeout: 3000, encoding: 'utf8' });
  return r.status === 0 && r.stdout.trim().length > 0;
}

/** A broker of deploy/kafka/local.sh on `port` (its controller on port+1), for fault tests too. */
export function localBroker(port = 19092): { start(): Promise<string>; stop(): Promise<void> } {
  const env = { ...process.env, KAFKA_PORT: String(port) };
  return {
    async start() {
      const { stdout } = await run('bash', [LOCAL_SH, 'start'], { env, timeout: START_TIMEOUT_MS });
      const addr = stdout.trim().split('\n').pop() ?? '';
      if (!/^[\d.]+:\d+$/.test(addr)) throw new Error(`local.sh start printed no address: ${JSON.stringify(stdout)}`);
      return addr;
    },
    async stop() {
      await run('bash', [LOCAL_SH, 'stop'], { env, timeout: 120_000 });
    },
  };
}

let cached: Promise<BrokersForTests> | undefined;

async function find(): Promise<BrokersForTests> {
  const fromEnv = process.env['KAFKA_BROKERS'];
  if (fromEnv && fromEnv.trim() !== '') return { brokers: fromEnv.split(',').map((s) => s.trim()), source: 'env' };

  const reasons: string[] = [];
  // testcontainers: a KRaft broker in a container (cp-kafka 7.9 = Apache Kafka 3.9, inside kafkajs's
  // protocol range). Reused across test processes only when TESTCONTAINERS_REUSE_ENABLE=true (a
  // reused container is never reaped; testcontainers 11 reuses unless that variable is "false",
  // so withReuse() is asked for explicitly); otherwise each test process gets its own container,
  // removed by testcontainers' reaper when the process ends.
  if (dockerEngineAnswers()) {
    try {
      const { KafkaContainer } = await import('@testcontainers/kafka');
      const container = new KafkaContainer(TESTCONTAINERS_IMAGE).withKraft();
      if (process.env['TESTCONTAINERS_REUSE_ENABLE'] === 'true') container.withReuse();
      const c = await container.start();
      return { brokers: [`${c.getHost()}:${c.getMappedPort(TESTCONTAINERS_PORT)}`], source: 'testcontainers' };
    } catch (e) {
      reasons.push(`a Docker engine answers, but testcontainers could not start ${TESTCONTAINERS_IMAGE}: ${(e as Error).message}`);
    }
  } else reasons.push('no Docker engine');

  let logTail = '';
  try {
    return { brokers: [await localBroker().start()], source: 'local' };
  } catch (e) {
    const err = e as { message?: string; stderr?: string };
    const lines = (err.stderr || err.message || String(e)).trim().split('\n');
    reasons.push(`deploy/kafka/local.sh start failed: ${lines[lines.length - 1]}`);
    logTail = lines.slice(-20).join('\n');
  }
  const why = `no Kafka broker for integration tests (${reasons.join('; ')})`;
  if (inCi()) throw new KafkaError('TCPLENS_ERR_KAFKA_UNREACHABLE', `${why}; CI=true requires a real broker\n${logTail}`);
  return { skip: why };
}

/** The brokers for this process's integration tests, found once and shared by every test. */
export function brokersForTests(): Promise<BrokersForTests> {
  cached ??= find();
  return cached;
}
