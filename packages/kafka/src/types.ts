/**
 * The whole surface of @tcplens/kafka. No kafkajs type appears here: kafkajs 2.2.4 is unmaintained,
 * and keeping it behind these few interfaces is what lets us replace it without touching services.
 */

/** pino-compatible: a pino logger (or a child of one) can be passed as is. */
export interface KafkaLogger {
  error(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  info(obj: object, msg: string): void;
  debug(obj: object, msg: string): void;
}

export const LOG_LEVELS = ['error', 'warn', 'info', 'debug'] as const;
export type KafkaLogLevel = (typeof LOG_LEVELS)[number];

export interface KafkaOptions {
  /** "host:port" bootstrap addresses. */
  brokers: readonly string[];
  clientId: string;
  /** Without a logger the client logs nothing; failures still reach the caller as KafkaError. */
  logger?: KafkaLogger;
  /** Lowest level handed to the logger; default 'warn' (kafkajs is chatty at info). */
  logLevel?: KafkaLogLevel;
  /** TCP connect timeout per broker, default 1000 ms. */
  connectionTimeoutMs?: number;
  /** Retries of one operation before it fails, default 5 (backoff 300 ms doubling, capped at 30 s). */
  retries?: number;
}

export const COMPRESSIONS = ['none', 'gzip'] as const;
export type Compression = (typeof COMPRESSIONS)[number];

export interface ProducerOptions {
  /** Default true: the broker drops retried duplicates and keeps per-partition order. */
  idempotent?: boolean;
  /** 'all' (default) waits for every in-sync replica; an idempotent producer requires it. */
  acks?: 'all' | 'leader';
  /** Default 'none'. gzip is the only codec kafkajs has built in. */
  compression?: Compression;
}

export interface OutgoingMessage {
  /** Messages with the same key go to the same partition (murmur2, as the Java client). */
  key: Buffer;
  value: Buffer;
  /** Milliseconds since the epoch; default: the time of the send. */
  timestampMs?: number;
}

export interface KafkaProducer {
  /** Resolves once every message is acknowledged; on failure none or some may have been written. */
  send(topic: string, messages: readonly OutgoingMessage[]): Promise<void>;
  disconnect(): Promise<void>;
}

export interface ConsumerOptions {
  groupId: string;
  /** Called when the consumer fails; `restarting` says whether it rejoins by itself. */
  onCrash?: (err: Error, restarting: boolean) => void;
}

export interface ConsumedMessage {
  key: Buffer | null;
  value: Buffer | null;
  /** Decimal string: offsets are int64. */
  offset: string;
  timestampMs: number;
}

export interface ConsumedBatch {
  topic: string;
  partition: number;
  messages: readonly ConsumedMessage[];
  /** Last offset of the batch + 1: what commit() takes to mark the whole batch done. */
  nextOffset: string;
  /** Call during long processing so the group does not evict this member. */
  heartbeat(): Promise<void>;
  /** False once disconnect() began or a rebalance took the partition away: stop early. */
  isRunning(): boolean;
}

export interface TopicPartitionOffset {
  topic: string;
  partition: number;
  /** The next offset to read (Kafka's convention), e.g. ConsumedBatch.nextOffset. */
  offset: string;
  /** Stored with the offset by commit() (Kafka's offset metadata; brokers cap it, 4096 bytes by default). */
  metadata?: string;
}

export interface CommittedOffset {
  partition: number;
  /** The group's committed offset, '-1' when it has none. */
  offset: string;
  metadata: string | null;
}

export interface RunOptions {
  /** A batch is done when the promise resolves; a rejection makes the group redeliver it. */
  eachBatch: (batch: ConsumedBatch) => Promise<void>;
  /** Default true: offsets of finished batches are committed in the background (at least once). */
  autoCommit?: boolean;
}

export interface KafkaConsumer {
  /** fromBeginning (default true) applies when the group has no committed offset yet. */
  subscribe(topic: string, opts?: { fromBeginning?: boolean }): Promise<void>;
  /** Starts fetching; resolves once the loop runs, not when it ends. */
  run(opts: RunOptions): Promise<void>;
  commit(offsets: readonly TopicPartitionOffset[]): Promise<void>;
  /** Partitions this member owns since the last rebalance, per topic, sorted. */
  assignment(): ReadonlyMap<string, readonly number[]>;
  disconnect(): Promise<void>;
}

export interface KafkaAdmin {
  /** True if created, false if it already existed. Waits until every partition has a leader. */
  createTopic(name: string, partitions: number): Promise<boolean>;
  deleteTopic(name: string): Promise<void>;
  listTopics(): Promise<string[]>;
  /** A group's committed offsets (and their metadata) for every partition of a topic. */
  fetchOffsets(groupId: string, topic: string): Promise<CommittedOffset[]>;
  /** Per partition, the offset the next message will get (the high watermark), sorted by partition. */
  endOffsets(topic: string): Promise<{ partition: number; offset: number }[]>;
  /** How many partitions the topic has. */
  partitionCount(topic: string): Promise<number>;
  disconnect(): Promise<void>;
}

export interface KafkaClient {
  readonly brokers: readonly string[];
  producer(opts?: ProducerOptions): Promise<KafkaProducer>;
  consumer(opts: ConsumerOptions): Promise<KafkaConsumer>;
  admin(): Promise<KafkaAdmin>;
}
