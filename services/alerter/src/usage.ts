/** The command's help text, in its own module so `tcplens --help` loads no engine. */
export const ALERTER_USAGE = `tcplens alerter [--data DIR | --clickhouse URL] [--database NAME] [--config FILE]
                [--once [--format json|text]] [--interval DUR] [--webhook URL]
                [--kafka-brokers HOST:PORT,...] [--kafka-topic TOPIC]
                [--metrics-port PORT [--metrics-host HOST]]
  Evaluates alert rules (default: "rst-spike", RST teardowns per service against a learned
  baseline) over the store, on event time (the newest connection is "now"). --once prints the
  firing alerts, one JSON object per line, and exits; otherwise runs every --interval (default 30s)
  and delivers firing/resolved events to the log, a webhook and a Kafka topic. A cycle that fails
  (store unreachable) is logged and retried at the next interval. --metrics-port serves Prometheus
  metrics on /metrics (cycles, failed cycles, last success, alerts firing; host default 127.0.0.1).`;
