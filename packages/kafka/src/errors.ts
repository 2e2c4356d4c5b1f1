/**
 * Every error @tcplens/kafka raises, with a stable code. `retriable` is the table's default; errors
 * mapped from kafkajs keep kafkajs's own verdict where the code says "from cause" (protocol errors:
 * the broker knows whether, say, NOT_LEADER is worth another try).
 */
export const KAFKA_ERRORS = {
  TCPLENS_ERR_KAFKA_OPTIONS: { retriable: false, summary: 'invalid client, producer or consumer options' },
  TCPLENS_ERR_KAFKA_UNREACHABLE: { retriable: true, summary: 'no broker of the list could be reached' },
  TCPLENS_ERR_KAFKA_TIMEOUT: { retriable: true, summary: 'a broker did not answer in time' },
  TCPLENS_ERR_KAFKA_TOPIC_UNKNOWN: { retriable: false, summary: 'the topic does not exist (auto-creation is off)' },
  TCPLENS_ERR_KAFKA_PROTOCOL: { retriable: 'from cause', summary: 'the broker answered with an error code' },
  TCPLENS_ERR_KAFKA_FAILED: { retriable: 'from cause', summary: 'any other client failure' },
} as const;

export type KafkaErrorCode = keyof typeof KAFKA_ERRORS;

export class KafkaError extends Error {
  readonly code: KafkaErrorCode;
  readonly retriable: boolean;

  constructor(code: KafkaErrorCode, message: string, opts: { retriable?: boolean; cause?: unknown } = {}) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = 'KafkaError';
    this.code = code;
    const fixed = KAFKA_ERRORS[code].retriable;
    this.retriable = typeof fixed === 'boolean' ? fixed : (opts.retriable ?? false);
  }
}
