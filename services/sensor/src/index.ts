export { runSensor } from './sensor.js';
export { parseSensorArgs, SENSOR_USAGE, type SensorOptions } from './options.js';
export { ConfigError, CONFIG_ERRORS, type ConfigErrorCode } from '@tcplens/service';
export { bucketOf, bucketKey, DEFAULT_BUCKETS } from './route.js';
export { Spool, DROP_POLICIES, type DropPolicy, type SpoolEntry } from './spool.js';
export { Publisher, type PublisherOptions, type PublisherStats } from './publisher.js';
export { renderMetrics, serveMetrics, type Sample } from '@tcplens/service';
