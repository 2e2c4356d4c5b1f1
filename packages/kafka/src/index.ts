export { createKafka } from './kafka.js';
export { partitionForKey } from './partition.js';
export { KafkaError, KAFKA_ERRORS } from './errors.js';
export type { KafkaErrorCode } from './errors.js';
export { brokersForTests, localBroker } from './test-broker.js';
export type { BrokersForTests, BrokerSource } from './test-broker.js';
export type * from './types.js';
export { COMPRESSIONS, LOG_LEVELS } from './types.js';
