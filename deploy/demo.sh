#!/usr/bin/env bash
# The main job on embedded defaults, end to end, on a fresh machine:
#   install + build → capture real loopback TCP traffic with tcpdump (short HTTP connections, some
#   reset with SO_LINGER 0, some refused) → tcplens analyze (stores into ./tcplens-data) → a SQL query
#   and a report on the stored connections.
# Needs root (or CAP_NET_RAW) for tcpdump. Give a capture file as $1 to analyse it instead.
set -euo pipefail
cd "$(dirname "$0")/.."
bash deploy/install.sh

cap="${1:-}"
if [ -z "$cap" ]; then
  mkdir -p .cache
  cap=.cache/demo.pcap
  rm -f "$cap"
  echo "demo: capturing real loopback traffic into $cap"
  node test/dist/bench/make-capture.js --packets 100000 --out "$cap"
fi

echo; echo "\$ npx tcplens analyze $cap"
npx tcplens analyze "$cap"

q="SELECT resp_p AS port, conn_state, count() AS connections, quantile(0.5)(handshake_us) AS p50_handshake_us, quantile(0.99)(handshake_us) AS p99_handshake_us FROM tcplens.connections GROUP BY port, conn_state ORDER BY connections DESC LIMIT 10"
echo; echo "\$ npx tcplens query \"$q\""
npx tcplens query "$q"

echo; echo "\$ npx tcplens report resets"
npx tcplens report resets
