export { Alerter, type Sink, type Evaluation } from './evaluator.js';
export { parseConfig, parseDuration, DEFAULT_CONFIG, DEFAULT_RST_SPIKE, type AlerterConfig, type Rule, type RstSpikeRule, type SqlRule, type WebhookConfig, type KafkaSinkConfig } from './config.js';
export { alertJson, scopeKey, type AlertEvent, type Finding, type Scope, type Contributor } from './alert.js';
export { AlerterError, ALERTER_ERRORS, type AlerterErrorCode } from './errors.js';
export { median, mad, robustBaseline, type Baseline } from './baseline.js';
export { runAlerter, resolveOptions, ALERTER_USAGE } from './run.js';
export { webhookSink, type WebhookSink, type WebhookStats } from './webhook-sink.js';
export { logSink } from './log-sink.js';
