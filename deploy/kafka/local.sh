#!/usr/bin/env bash
# A single-node Apache Kafka (KRaft, broker+controller in one JVM) on loopback, for tests and small
# deployments. The broker's jars come from Maven Central (pom.xml beside this script) and are cached;
# nothing is downloaded from anywhere else.
#
#   local.sh start     start (or find running) and print the bootstrap address as the last line
#   local.sh stop      SIGTERM, wait up to KAFKA_STOP_TIMEOUT s, then SIGKILL
#   local.sh status    "running pid N at ADDR" (exit 0) or "stopped" (exit 3)
#   local.sh address   print ADDR if the broker answers a metadata request, else exit 1
#   local.sh reset     stop and delete this instance's data (the jar cache stays)
#
# Environment:
#   KAFKA_PORT (19092)            client port; the controller listens on KAFKA_PORT+1. Each port is its
#                                 own instance (own data, pid, log), so a fault test can run a private
#                                 broker and stop/restart it without touching the shared one.
#   KAFKA_HOST (127.0.0.1)        client listener address; another address of this machine (e.g. a test
#                                 bridge that network namespaces reach) serves clients in namespaces.
#                                 The controller stays on 127.0.0.1.
#   TCPLENS_CACHE (<repo>/.cache) jars in $TCPLENS_CACHE/kafka/lib-*, instances in .../broker-PORT
#   KAFKA_HEAP_OPTS (-Xms128m -Xmx512m), KAFKA_START_TIMEOUT (120), KAFKA_STOP_TIMEOUT (30)
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
cache="${TCPLENS_CACHE:-$root/.cache}/kafka"
port="${KAFKA_PORT:-19092}"
cport="$((port + 1))"
host="${KAFKA_HOST:-127.0.0.1}"
addr="$host:$port"
inst="$cache/broker-$port"
pidfile="$inst/broker.pid"
logfile="$inst/broker.log"
props="$inst/server.properties"
heap="${KAFKA_HEAP_OPTS:--Xms128m -Xmx512m}"
start_timeout="${KAFKA_START_TIMEOUT:-120}"
stop_timeout="${KAFKA_STOP_TIMEOUT:-30}"

say() { echo "kafka-local: $*" >&2; }
die() { say "$*"; exit 1; }

# The jar set is keyed by the pom's hash, so editing pom.xml resolves a fresh set.
libdir() { echo "$cache/lib-$(sha1sum "$here/pom.xml" | cut -c1-12)"; }

fetch_jars() {
  local lib; lib="$(libdir)"
  [[ -f "$lib/.complete" ]] && return 0
  command -v mvn >/dev/null || die "mvn not found (Maven 3.8+ and Java 17 are needed)"
  exec 8>"$cache/fetch.lock"; flock -w 600 8 || die "timed out waiting for another jar fetch"
  [[ -f "$lib/.complete" ]] && return 0
  say "resolving broker jars from Maven Central into $lib (first run only)"
  rm -rf "$lib.tmp"
  mvn -q -B -Dstyle.color=never -f "$here/pom.xml" dependency:copy-dependencies \
    -DincludeScope=runtime -DoutputDirectory="$lib.tmp" >"$cache/fetch.log" 2>&1 \
    || { cat "$cache/fetch.log" >&2; die "mvn could not resolve the broker jars (log above)"; }
  touch "$lib.tmp/.complete"
  rm -rf "$lib" && mv "$lib.tmp" "$lib"
}

pid_alive() {
  local pid
  [[ -f "$pidfile" ]] || return 1
  pid="$(cat "$pidfile")"
  [[ -n "$pid" && -r "/proc/$pid/cmdline" ]] && tr '\0' ' ' <"/proc/$pid/cmdline" | grep -q "kafka.Kafka $props"
}

ready() { node "$here/probe.mjs" "$addr" 2000 2>/dev/null; }

write_props() {
  mkdir -p "$inst/data"
  cat >"$props" <<EOF
# Written by deploy/kafka/local.sh; rewritten on every start.
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:$cport
listeners=PLAINTEXT://$addr,CONTROLLER://127.0.0.1:$cport
advertised.listeners=PLAINTEXT://$addr
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT
log.dirs=$inst/data
# Topics are created on purpose (admin.createTopic / deploy), never by a typo in a producer.
auto.create.topics.enable=false
num.partitions=1
default.replication.factor=1
min.insync.replicas=1
offsets.topic.replication.factor=1
offsets.topic.num.partitions=8
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
transaction.state.log.num.partitions=4
# One broker: a consumer group should not wait 3 s for members that will never come.
group.initial.rebalance.delay.ms=0
num.network.threads=2
num.io.threads=4
log.retention.hours=24
log.segment.bytes=268435456
EOF
  cat >"$inst/log4j.properties" <<'EOF'
log4j.rootLogger=INFO, stdout
log4j.appender.stdout=org.apache.log4j.ConsoleAppender
log4j.appender.stdout.layout=org.apache.log4j.PatternLayout
log4j.appender.stdout.layout.ConversionPattern=[%d] %p %m (%c)%n
log4j.logger.kafka.request.logger=WARN
log4j.logger.state.change.logger=WARN
log4j.logger.org.apache.kafka.controller=INFO
EOF
}

# Fills the global array jvm with the JVM flags and classpath.
jvm_args() {
  read -r -a jvm <<<"$heap"
  jvm+=(-XX:+UseG1GC -XX:MaxGCPauseMillis=20 -XX:+ExitOnOutOfMemoryError -Djava.awt.headless=true
    "-Dlog4j.configuration=file:$inst/log4j.properties" "-Dkafka.logs.dir=$inst" -cp "$(libdir)/*")
}

java_cmd() { jvm_args; java "${jvm[@]}" "$@"; }

cmd_start() {
  mkdir -p "$cache" "$inst"
  exec 9>"$inst/.lock"; flock -w "$((start_timeout + 60))" 9 || die "timed out waiting for the instance lock"
  if pid_alive; then
    ready || wait_ready
    echo "$addr"; return 0
  fi
  command -v java >/dev/null || die "java not found (Java 17 is needed)"
  command -v node >/dev/null || die "node not found (the readiness probe is a Node script)"
  fetch_jars
  write_props
  if [[ ! -f "$inst/data/meta.properties" ]]; then
    local uuid; uuid="$(java_cmd kafka.tools.StorageTool random-uuid 2>/dev/null | tail -n1)"
    java_cmd kafka.tools.StorageTool format -t "$uuid" -c "$props" >"$inst/format.log" 2>&1 \
      || { cat "$inst/format.log" >&2; die "storage format failed"; }
  fi
  say "starting broker on $addr (controller 127.0.0.1:$cport), log $logfile"
  # setsid: the broker must outlive the shell (and the test runner) that started it. Not being a
  # process-group leader here, setsid execs in place, so $! is the JVM's pid.
  jvm_args
  # 8>&- 9>&-: the JVM must not inherit (and so hold forever) the fetch and instance locks.
  setsid java "${jvm[@]}" kafka.Kafka "$props" </dev/null >>"$logfile" 2>&1 8>&- 9>&- &
  echo $! >"$pidfile"
  wait_ready
  echo "$addr"
}

wait_ready() {
  local deadline=$((SECONDS + start_timeout))
  until ready; do
    if ! pid_alive; then tail -n 40 "$logfile" >&2; die "broker exited during start-up"; fi
    ((SECONDS < deadline)) || { tail -n 20 "$logfile" >&2; die "broker not ready after ${start_timeout}s"; }
    sleep 0.3
  done
}

cmd_stop() {
  mkdir -p "$inst"
  exec 9>"$inst/.lock"; flock -w "$((stop_timeout + 60))" 9 || die "timed out waiting for the instance lock"
  if ! pid_alive; then rm -f "$pidfile"; say "not running"; return 0; fi
  local pid; pid="$(cat "$pidfile")"
  kill -TERM "$pid"
  local deadline=$((SECONDS + stop_timeout))
  while kill -0 "$pid" 2>/dev/null && ((SECONDS < deadline)); do sleep 0.2; done
  if kill -0 "$pid" 2>/dev/null; then say "no exit after ${stop_timeout}s, SIGKILL"; kill -KILL "$pid"; fi
  while kill -0 "$pid" 2>/dev/null; do sleep 0.1; done
  rm -f "$pidfile"
  say "stopped $addr"
}

case "${1:-}" in
  start) cmd_start ;;
  stop) cmd_stop ;;
  status) if pid_alive; then echo "running pid $(cat "$pidfile") at $addr"; else echo "stopped"; exit 3; fi ;;
  address) if pid_alive && ready; then echo "$addr"; else exit 1; fi ;;
  reset) cmd_stop; rm -rf "$inst" ;;
  *) echo "usage: $0 start|stop|status|address|reset" >&2; exit 2 ;;
esac
