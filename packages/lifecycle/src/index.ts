export * from './record.js';
export { ConnectionTracker, type TrackerStats } from './tracker.js';
export { LIKELY_SERVER_PORTS, type TrackerOptions } from './options.js';
export { LifecycleError, LifecycleErrorCode, type LifecycleErrorCodeName } from './errors.js';
export { connState } from './conn-state.js';
export { EndpointState, ENDPOINT_STATE_NAMES, type EndpointStateValue } from './endpoint.js';
export { communityId, connectionUid } from './ids.js';
