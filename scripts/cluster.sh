#!/usr/bin/env bash
# Starts N silo processes of the cluster profile on loopback (default 3), each with its own silo, gateway and HTTP
# port, sharing the Redis and Azurite from scripts/services.sh. Logs in .data/cluster/silo-<i>.log.
#   scripts/cluster.sh [N]      start (silo i: HTTP 5080+i, silo port 11111+i, gateway 30000+i; i from 0)
#   scripts/cluster.sh --profile azure [N]
#                               the Azure profile on Azurite alone (Table membership, reminders and episodes, Blob
#                               state and artifacts, Azure Queue streams: no Event Hubs emulator runs locally)
#   scripts/cluster.sh stop     stop every silo it started (SIGTERM: they leave the cluster cleanly) and wait until they exit
set -euo pipefail
cd "$(dirname "$0")/.."
dir=.data/cluster
mkdir -p "$dir"

if [ "${1:-}" = "stop" ]; then
  # SIGTERM to every silo, then wait until each has exited: a silo ends itself once its stop budget
  # (SelfDissonance:Silo:ShutdownTimeout, 30 s by default) is spent, so this returns within about that. Only a silo
  # still there 15 s after that gets SIGKILL.
  pids=()
  for f in "$dir"/silo-*.pid; do
    [ -f "$f" ] || continue
    pid="$(cat "$f")"
    if kill -TERM "$pid" 2>/dev/null; then
      echo "stopping $(basename "$f" .pid) (pid $pid)"
      pids+=("$pid")
    fi
    rm -f "$f"
  done
  budget="${SelfDissonance__Silo__ShutdownTimeout:-00:00:30}"
  limit=$(( $(echo "$budget" | awk -F: '{print int($1*3600 + $2*60 + $3)}') + 15 ))
  for pid in "${pids[@]}"; do
    for _ in $(seq 1 $((limit * 10))); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.1
    done
    if kill -0 "$pid" 2>/dev/null; then
      echo "pid $pid still running after ${limit} s: SIGKILL" >&2
      kill -KILL "$pid" 2>/dev/null || true
    fi
  done
  [ "${#pids[@]}" -eq 0 ] || echo "all silos stopped"
  exit 0
fi

profile=Cluster
if [ "${1:-}" = "--profile" ]; then
  case "${2:-}" in
    cluster|Cluster) profile=Cluster ;;
    azure|Azure) profile=Azure ;;
    *) echo "usage: scripts/cluster.sh [--profile cluster|azure] [N]" >&2; exit 2 ;;
  esac
  shift 2
fi
n="${1:-3}"
if [ -z "${ConnectionStrings__Redis:-}" ] || [ -z "${ConnectionStrings__Blob:-}" ] || [ -z "${ConnectionStrings__AzureStorage:-}" ]; then
  eval "$(bash scripts/services.sh | grep '^export ')"
fi
if [ "$profile" = Azure ]; then
  export SelfDissonance__Streams__Provider="${SelfDissonance__Streams__Provider:-AzureQueue}"
fi

# Every silo signs and checks artifacts with one key: generated once, kept in .data/cluster (never committed).
if [ -z "${SelfDissonance__Artifacts__SigningKey:-}" ]; then
  [ -f "$dir/artifact-signing.key" ] || (umask 077 && head -c 32 /dev/urandom | base64 >"$dir/artifact-signing.key")
  export SelfDissonance__Artifacts__SigningKey="$(cat "$dir/artifact-signing.key")"
fi

echo "==> building the silo (Release)"
dotnet build src/Silo -c Release --nologo -v quiet >/dev/null
dll=src/Silo/bin/Release/net10.0/SelfDissonance.Silo.dll

# One admin key for every silo (they share it through Redis): SD_ADMIN_KEY if set, else one generated once here.
if [ -z "${SD_ADMIN_KEY:-}" ]; then
  if [ ! -f "$dir/admin.key" ]; then
    (umask 077 && head -c 32 /dev/urandom | base64 | tr -d '\n=' >"$dir/admin.key")
  fi
  SD_ADMIN_KEY="$(cat "$dir/admin.key")"
  echo "admin API key in $dir/admin.key (export SD_API_KEY_FILE=$dir/admin.key for sdctl)"
fi
export SD_ADMIN_KEY

for i in $(seq 0 $((n - 1))); do
  http=$((5080 + i))
  SelfDissonance__Profile=$profile \
  SelfDissonance__Silo__SiloPort=$((11111 + i)) \
  SelfDissonance__Silo__GatewayPort=$((30000 + i)) \
  ASPNETCORE_URLS="http://127.0.0.1:$http" \
    nohup dotnet "$dll" >"$dir/silo-$i.log" 2>&1 &
  echo $! >"$dir/silo-$i.pid"
  echo "silo $i: http://127.0.0.1:$http (silo port $((11111 + i)), gateway $((30000 + i))), log $dir/silo-$i.log"
done

for i in $(seq 0 $((n - 1))); do
  http=$((5080 + i))
  for _ in $(seq 1 600); do
    curl -fsS "http://127.0.0.1:$http/readyz" >/dev/null 2>&1 && break
    sleep 0.1
  done
  curl -fsS "http://127.0.0.1:$http/readyz" >/dev/null 2>&1 && echo "silo $i ready" || echo "silo $i not ready yet: see $dir/silo-$i.log"
done
