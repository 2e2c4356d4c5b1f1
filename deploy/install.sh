#!/usr/bin/env bash
# Installs everything tcplens needs on a fresh Debian 12 machine, then builds it.
#   system packages: libpcap (capture), tcpdump (making captures), tshark + argus (cross-checks and
#   benchmark peers), wrk (load for benchmark captures), iproute2 (network namespaces in tests),
#   Java 17 + Maven (the local Kafka broker of deploy/kafka/local.sh, jars from Maven Central)
#   npm packages:    npm ci (the lockfile), then tsc -b
# Safe to run again: apt is skipped when every package is already there.
set -euo pipefail
cd "$(dirname "$0")/.."

APT_PACKAGES=(libpcap-dev tcpdump tshark argus-server argus-client wrk tcpreplay iproute2 time openjdk-17-jre-headless maven)
missing=()
for p in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "install: apt packages: ${missing[*]}"
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

node -e 'const [a,b]=process.versions.node.split(".").map(Number); if (a<20||(a===20&&b<15)) { console.error("tcplens needs Node >= 20.15 (found "+process.versions.node+")"); process.exit(1) }'
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "install: npm ci"
  npm ci --no-audit --no-fund
fi
echo "install: build"
npm run build --silent
echo "install: done"
