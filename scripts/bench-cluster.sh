#!/usr/bin/env bash
# Episodes/s of a 3-silo cluster-profile cluster against one embedded-default silo (and one silo of the cluster and
# of the Azure profile),
# measured in one run with the same
# client load: three wrk processes (one per gateway; all three at the single silo for the embedded default), each
# with C connections for D seconds of sync episodes. Needs wrk (apt-get install wrk).
#   scripts/bench-cluster.sh [DURATION_S=20] [CONNECTIONS_PER_WRK=8]
set -euo pipefail
cd "$(dirname "$0")/.."
# Every /v1 route needs an API key: the silo is started with this admin key, sdctl, curl and wrk send it.
export SD_API_KEY="${SD_API_KEY:-sd-bench-admin-$(od -An -N12 -tx1 /dev/urandom | tr -d ' \n')}"
export SD_ADMIN_KEY="$SD_API_KEY"
duration="${1:-20}"
conns="${2:-8}"
command -v wrk >/dev/null || { echo "error: wrk is needed (apt-get install wrk)" >&2; exit 1; }
dotnet build src/Silo -c Release --nologo -v quiet >/dev/null
dll=src/Silo/bin/Release/net10.0/SelfDissonance.Silo.dll
tmp="$(mktemp -d)"
trap 'bash scripts/cluster.sh stop >/dev/null 2>&1 || true; [ -n "${embedded:-}" ] && kill "$embedded" 2>/dev/null || true; rm -rf "$tmp"' EXIT

prepare() { # $1 = base URL
  curl -fsS -o /dev/null -H "X-Api-Key: $SD_API_KEY" -X POST "$1/v1/tasks" -H 'content-type: application/json' \
    -d '{"id":"bench","features":["x","y"],"classes":["upper","lower"],"policy":{"minBatch":1000000}}'
  curl -fsS -o /dev/null -H "X-Api-Key: $SD_API_KEY" -X POST "$1/v1/tasks/bench/bootstrap" -H 'content-type: text/csv' --data-binary @samples/data/two-moons.csv
}

load() { # URLs...
  local pids=() total=0 i=0
  # Warm up (JIT, model caches, connections) with the same load for 10 s before measuring.
  for url in "$@"; do
    wrk -t1 -c"$conns" -d10s -s scripts/bench/episode.lua "$url/v1/tasks/bench/episodes" >/dev/null 2>&1 &
    pids+=($!)
  done
  wait "${pids[@]}"; pids=()
  for url in "$@"; do
    wrk -t1 -c"$conns" -d"${duration}s" -s scripts/bench/episode.lua "$url/v1/tasks/bench/episodes" >"$tmp/wrk-$i.txt" 2>&1 &
    pids+=($!); i=$((i + 1))
  done
  wait "${pids[@]}"
  cat "$tmp"/wrk-*.txt | grep '^RESULT' | awk -v d="$duration" '
    { for (f = 2; f <= NF; f++) { split($f, kv, "="); v[kv[1]] += kv[2]; if (kv[1] == "p99_ms" && kv[2] > p99) p99 = kv[2]; if (kv[1] == "p50_ms") p50 += kv[2] } n++ }
    END { printf "%.0f episodes/s, %d errors, p50 %.2f ms (mean of wrk processes), p99 %.2f ms (worst)\n", v["requests"] / d, v["errors"], p50 / n, p99 }'
  rm -f "$tmp"/wrk-*.txt
}

echo "==> embedded default: one silo"
SelfDissonance__DataDirectory="$tmp/embedded" SelfDissonance__Silo__SiloPort=11190 SelfDissonance__Silo__GatewayPort=30090 \
  ASPNETCORE_URLS=http://127.0.0.1:5090 Logging__LogLevel__Default=Warning nohup dotnet "$dll" >"$tmp/embedded.log" 2>&1 &
embedded=$!
until curl -fsS -o /dev/null http://127.0.0.1:5090/readyz 2>/dev/null; do sleep 0.2; done
prepare http://127.0.0.1:5090
embedded_result="$(load http://127.0.0.1:5090 http://127.0.0.1:5090 http://127.0.0.1:5090)"
kill "$embedded"; wait "$embedded" 2>/dev/null || true; embedded=""
echo "    $embedded_result"

export Logging__LogLevel__Default=Warning
echo "==> cluster profile: one silo, Redis, Azurite (the cost of Redis state and streams alone)"
export SelfDissonance__Silo__ClusterId="bench1-$RANDOM"
export SelfDissonance__Silo__ServiceId="$SelfDissonance__Silo__ClusterId"
bash scripts/cluster.sh 1 >/dev/null
prepare http://127.0.0.1:5080
echo "    $(load http://127.0.0.1:5080 http://127.0.0.1:5080 http://127.0.0.1:5080)"
bash scripts/cluster.sh stop >/dev/null; sleep 2

echo "==> Azure profile: one silo on Azurite (Table membership, reminders and episode records, Blob state, journal and artifacts, Azure Queue streams)"
export SelfDissonance__Silo__ClusterId="benchaz-$RANDOM"
export SelfDissonance__Silo__ServiceId="$SelfDissonance__Silo__ClusterId"
bash scripts/cluster.sh --profile azure 1 >/dev/null
prepare http://127.0.0.1:5080
echo "    $(load http://127.0.0.1:5080 http://127.0.0.1:5080 http://127.0.0.1:5080)"
bash scripts/cluster.sh stop >/dev/null; sleep 2

echo "==> cluster profile: three silos, Redis, Azurite"
export SelfDissonance__Silo__ClusterId="bench3-$RANDOM"
export SelfDissonance__Silo__ServiceId="$SelfDissonance__Silo__ClusterId"
bash scripts/cluster.sh 3 >/dev/null
prepare http://127.0.0.1:5080
echo "    $(load http://127.0.0.1:5080 http://127.0.0.1:5081 http://127.0.0.1:5082)"
echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2 / 1048576}' /proc/meminfo); wrk: 3 processes x $conns connections x ${duration} s"
