/** Usage text of every command, kept apart from the commands so `--help` loads no engine. */
export const ANALYZE_USAGE = `usage: tcplens analyze [--data DIR | --clickhouse URL] [--format summary|json|zeek] [--no-store]
                       [--sensor-id ID] FILE... | -
  Reads pcap/pcapng captures (gzip too; - for stdin), rebuilds every TCP connection, stores one
  record per connection (embedded store in ./tcplens-data unless told otherwise) and prints them.`;

export const RUN_USAGE = `usage: tcplens run --interface IF [--interface IF...] [--filter BPF] [--sensor-id ID]
                   [--duration SECONDS] [--data DIR | --clickhouse URL] [--user NAME|none]
  One host, one process: live capture (libpcap) → connection tracking → store, no Kafka.
  Runs until Ctrl-C / SIGTERM (or --duration), then stores every connection still open and prints
  the summary. Needs root or CAP_NET_RAW. --user NAME (as root): once the interfaces are open, hand
  the --data directory to NAME and become NAME (e.g. nobody; the directory and its parents must be
  reachable by it); default none: keep the privileges it started with.`;

export const QUERY_USAGE = `usage: tcplens query [--data DIR | --clickhouse URL] [--format table|csv|json] "SQL"
  Runs SQL on the store (table tcplens.connections; see docs/schema.md).`;

export const REPORT_USAGE = `usage: tcplens report latency|resets|states|refused|clients|legs [--since DURATION]
                      [--server ADDR[:PORT]] [--format table|csv|json] [--data DIR | --clickhouse URL]
  latency: handshake latency p50/p90/p99 per server (server leg, client leg, whole)
  resets:  RST teardowns per server by sender and phase
  states:  connections by conn_state and how they ended
  refused: refused (REJ) and unanswered (S0) attempts per server
  clients: the clients that see the most resets
  legs:    slow server leg (server busy) versus slow client leg (client far away), per server
  --since 15m|2h|7d counts back from the newest connection in the store.`;
