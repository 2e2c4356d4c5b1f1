/** The command's help text, in its own module so `tcplens --help` loads no engine. */
export const ALERTER_USAGE = `tcplens alerter [--data DIR | --clickhouse URL] [--database NAME] [--config FILE]
                [--once [--format json|text]] [--interval DUR] [--webhook URL]
                [--kafka-brokers HOST:PORT,...] [--kafka-topic TOPIC]
  Evaluates alert rules (default: "rst-spike", RST teardowns per service against a learned
  baseline) over the store, on event time (the newest connection is "now"). --once prints the
  firing alerts, one JSON object per line, and exits; otherwise runs every --interval (default 30s)
  and delivers firing/resolved events to the log, a webhook and a Kafka topic.`;
