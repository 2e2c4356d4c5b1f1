export { ConfigError, CONFIG_ERRORS, type ConfigErrorCode, brokerList, numberOption, oneOf, parseOptions, Problems } from './config.js';
export { renderMetrics, serveMetrics, type Sample } from './metrics.js';
