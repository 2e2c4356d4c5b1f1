export { ConfigError, CONFIG_ERRORS, type ConfigErrorCode, brokerList, envName, numberOption, oneOf, parseOptions, Problems, serviceOptions } from './config.js';
export { renderMetrics, serveMetrics, type Sample } from './metrics.js';
