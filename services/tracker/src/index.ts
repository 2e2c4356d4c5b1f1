export { runTracker } from './tracker.js';
export { parseTrackerArgs, TRACKER_USAGE, type TrackerServiceOptions } from './options.js';
export { TrackerService, type TrackerServiceConfig, type TrackerServiceStats, type ServiceLogger } from './tracker-service.js';
export { PartitionState, type SensorView, type MessageOutcome } from './partition-state.js';
export { ConfigError, CONFIG_ERRORS, type ConfigErrorCode } from '@tcplens/service';
export { RateLimitedLog } from './rate-limited-log.js';
export { renderMetrics, serveMetrics, type Sample } from '@tcplens/service';
