import { KafkaError } from './errors.js';

/** The fields of a kafkajs error we read; kafkajs is CommonJS, so names are matched, not classes. */
interface KafkaJsLike {
  name?: unknown;
  message?: unknown;
  type?: unknown;
  retriable?: unknown;
  cause?: unknown;
  originalError?: unknown;
  errors?: unknown;
}

/** kafkajs names that mean "no TCP conversation with any broker" once its own retries are spent. */
const UNREACHABLE_NAMES = new Set(['KafkaJSConnectionError', 'KafkaJSConnectionClosedError', 'KafkaJSBrokerNotFound']);
const TIMEOUT_NAMES = new Set(['KafkaJSRequestTimeoutError', 'KafkaJSTimeout']);

/** The error and its causes, outermost first (kafkajs wraps: NumberOfRetriesExceeded → ConnectionError). */
function chain(e: unknown): KafkaJsLike[] {
  const out: KafkaJsLike[] = [];
  let cur: unknown = e;
  while (cur !== null && typeof cur === 'object' && out.length < 8 && !out.includes(cur as KafkaJsLike)) {
    const c = cur as KafkaJsLike;
    out.push(c);
    if (Array.isArray(c.errors) && c.errors.length > 0) out.push(...chain(c.errors[0]));
    cur = c.cause ?? c.originalError;
  }
  return out;
}

const text = (x: unknown): string => (typeof x === 'string' ? x : String(x));

/**
 * Maps anything kafkajs throws to one KafkaError with a stable code. `doing` names the operation
 * ("connect producer", "send to flows-v1") so the message reads on its own in a log.
 */
export function toKafkaError(e: unknown, brokers: readonly string[], doing: string): KafkaError {
  if (e instanceof KafkaError) return e;
  const all = chain(e);
  const root = all[all.length - 1];
  const rootMsg = root ? text(root.message) : text(e);
  const list = brokers.join(',');
  for (const c of all) {
    const name = text(c.name);
    if (UNREACHABLE_NAMES.has(name) || /ECONNREFUSED|EHOSTUNREACH|ENOTFOUND|Connection timeout/.test(text(c.message))) {
      return new KafkaError(
        'TCPLENS_ERR_KAFKA_UNREACHABLE',
        `Kafka unreachable: could not ${doing}, no broker of [${list}] answered (${rootMsg})`,
        { cause: e },
      );
    }
  }
  for (const c of all) {
    const name = text(c.name);
    if (TIMEOUT_NAMES.has(name)) {
      return new KafkaError('TCPLENS_ERR_KAFKA_TIMEOUT', `Kafka [${list}]: ${doing} timed out (${text(c.message)})`, {
        cause: e,
      });
    }
    if (c.type === 'UNKNOWN_TOPIC_OR_PARTITION' || name === 'KafkaJSTopicMetadataNotLoaded') {
      return new KafkaError('TCPLENS_ERR_KAFKA_TOPIC_UNKNOWN', `Kafka [${list}]: ${doing}: topic does not exist`, {
        cause: e,
      });
    }
    if (name === 'KafkaJSProtocolError' || typeof c.type === 'string') {
      return new KafkaError('TCPLENS_ERR_KAFKA_PROTOCOL', `Kafka [${list}]: ${doing}: ${text(c.type)} (${text(c.message)})`, {
        retriable: c.retriable === true,
        cause: e,
      });
    }
  }
  const outer = all[0];
  return new KafkaError('TCPLENS_ERR_KAFKA_FAILED', `Kafka [${list}]: ${doing} failed: ${rootMsg}`, {
    retriable: outer?.retriable === true,
    cause: e,
  });
}

/** Runs `fn`, rethrowing whatever it throws as a KafkaError. */
export async function mapped<T>(brokers: readonly string[], doing: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    throw toKafkaError(e, brokers, doing);
  }
}
