#!/usr/bin/env bash
# Issue 8's memory target: a task with many stored episode records (default 1,000,000), left idle, does not keep them in
# silo memory. Runs one embedded-default silo (File state), drives episodes through the cluster client until the task
# counts N, then idles and prints the silo's resident memory and GC heap at each step, what is on disk, and what the
# heap holds (SD_HEAP_TOP types, default 20; SD_HEAP_PATH_TO=TypeName also prints why one such object is alive).
# Usage: bash scripts/bench-idle-memory.sh [N] [idle-seconds]   (needs jq; about 3 min per million on 2 cores)
set -euo pipefail
cd "$(dirname "$0")/.."
n="${1:-1000000}"
idle="${2:-180}"
out="$(mktemp -d -t sd-idle-XXXXXX)"
data="$(mktemp -d -t sd-idle-data-XXXXXX)"
port=5392
source scripts/bench-common.sh
memory() { # label
  local rss heap
  rss=$(( $(ps -o rss= -p "$silo") / 1024 ))
  heap=$(curl -fsS -H "X-Api-Key: $SD_API_KEY" "$url/metrics" | awk '/^dotnet_gc_last_collection_heap_size_bytes[{ ]/ { s += $NF } END { printf "%.0f", s / 1048576 }')
  echo "$1: resident $rss MB, GC heap after the last collection $heap MB"
}

echo "==> one embedded-default silo (File state, data in $data) on $url"
SelfDissonance__DataDirectory="$data" SelfDissonance__Silo__SiloPort=11392 SelfDissonance__Silo__GatewayPort=30392 \
  SelfDissonance__Learning__CycleInterval=01:00:00 ASPNETCORE_URLS="$url" Logging__LogLevel__Default=Warning \
  dotnet src/Silo/bin/Release/net10.0/SelfDissonance.Silo.dll >"$out/silo.log" 2>&1 &
silo=$!
until curl -fsS -o /dev/null "$url/readyz" 2>/dev/null; do sleep 0.3; done
memory "started"

task=""
stored=0
while [ "$stored" -lt "$n" ]; do
  sdctl --json bench ${task:+--task "$task"} --transport cluster --gateway 127.0.0.1:30392 --concurrency 256 --duration 30s \
    --warmup 0 --metrics-url none >"$out/bench.json"
  task="$(jq -r .task "$out/bench.json")"
  stored="$(sdctl --json metrics "$task" | jq .episodes)"
  echo "$stored episodes stored ($(jq -r .throughput "$out/bench.json") /s in the last 30 s)"
done
memory "after $stored episodes"

for t in $(seq 30 30 "$idle"); do
  sleep 30
  memory "idle ${t} s"
done
dotnet "$bench_dll" gc --pid "$silo"
sleep 2
memory "after a forced full collection"
echo "learner: $(sdctl --json metrics "$task" | jq -c .learner)"
echo "on disk: $(du -sh "$data" | cut -f1) in $(find "$data" -type f | wc -l) files"
echo "==> what the silo's heap holds (a heap dump read with ClrMD; live = reachable from a GC root)"
dotnet "$bench_dll" heap --pid "$silo" --top "${SD_HEAP_TOP:-20}" \
  ${SD_HEAP_PATH_TO:+--path-to "$SD_HEAP_PATH_TO"}
rm -rf "$data"
