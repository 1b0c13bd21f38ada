#!/usr/bin/env bash
# Measures how long the cluster takes to declare a SIGKILLed silo dead: reads the Redis membership table until the
# victim's status is Dead (6). Needs a running cluster from scripts/cluster.sh (default: kills silo 2).
#   scripts/measure-failover.sh [SILO_INDEX]     env: REDIS_PORT (6380), CLUSTER_ID (selfdissonance)
set -euo pipefail
cd "$(dirname "$0")/.."
i="${1:-2}"
port=$((11111 + i))
key="${CLUSTER_ID:-selfdissonance}/members/${CLUSTER_ID:-selfdissonance}"
field="$(redis-cli -p "${REDIS_PORT:-6380}" hkeys "$key" | grep ":$port:" | tail -1)"
[ -n "$field" ] || { echo "silo $i (port $port) is not in $key" >&2; exit 1; }
pid="$(cat ".data/cluster/silo-$i.pid")"
start=$(date +%s.%N)
kill -9 "$pid"
rm -f ".data/cluster/silo-$i.pid"
while ! redis-cli -p "${REDIS_PORT:-6380}" hget "$key" "$field" | grep -q '"Status":6'; do sleep 0.05; done
echo "silo $i declared dead after $(awk "BEGIN{printf \"%.2f\", $(date +%s.%N) - $start}") s"
