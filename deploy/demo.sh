#!/usr/bin/env bash
# The main job on embedded defaults, end to end, on a fresh machine:
#   install + build → `tcplens run -i lo` (live capture, tracking and the embedded store in one
#   process) while real loopback TCP traffic runs for 10 s (short HTTP connections under wrk, some
#   reset with SO_LINGER 0, some refused) → its summary → a SQL query and a report on the stored
#   connections in ./tcplens-data.
# Needs root (or CAP_NET_RAW) to capture. Give a capture file as $1 to `tcplens analyze` it instead.
set -euo pipefail
cd "$(dirname "$0")/.."
bash deploy/install.sh

if [ -n "${1:-}" ]; then
  echo; echo "\$ npx tcplens analyze $1"
  npx tcplens analyze "$1"
else
  echo; echo "\$ npx tcplens run --interface lo --duration 14   # while test/dist/bench/make-traffic.js makes 10 s of traffic"
  npx tcplens run --interface lo --duration 14 &
  run=$!
  trap 'kill "$run" 2>/dev/null || true' EXIT # the capture stops with the demo if the traffic fails
  sleep 2
  node test/dist/bench/make-traffic.js --seconds 10 >/dev/null
  wait "$run"
fi

q="SELECT resp_p AS port, conn_state, count() AS connections, quantile(0.5)(handshake_us) AS p50_handshake_us, quantile(0.99)(handshake_us) AS p99_handshake_us FROM tcplens.connections GROUP BY port, conn_state ORDER BY connections DESC LIMIT 10"
echo; echo "\$ npx tcplens query \"$q\""
npx tcplens query "$q"

echo; echo "\$ npx tcplens report resets"
npx tcplens report resets
