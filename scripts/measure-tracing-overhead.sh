#!/usr/bin/env bash
# Episodes/s of one embedded-default silo with tracing off, on (every episode traced, every span exported over OTLP/HTTP
# to a local sink that accepts and drops them) and on with 10 % of traces sampled (OTEL_TRACES_SAMPLER), measured in one
# run: off, on, 10 %, off, on, 10 %, each after a 5 s warm-up, with the same wrk load (C connections of sync episodes
# for D seconds). Needs wrk (apt-get install wrk) and python3 (the OTLP sink).
#   scripts/measure-tracing-overhead.sh [DURATION_S=15] [CONNECTIONS=16]
set -euo pipefail
cd "$(dirname "$0")/.."
# Every /v1 route needs an API key: the silo is started with this admin key, sdctl, curl and wrk send it.
export SD_API_KEY="${SD_API_KEY:-sd-bench-admin-$(od -An -N12 -tx1 /dev/urandom | tr -d ' \n')}"
export SD_ADMIN_KEY="$SD_API_KEY"
duration="${1:-15}"
conns="${2:-16}"
command -v wrk >/dev/null || { echo "error: wrk is needed (apt-get install wrk)" >&2; exit 1; }
command -v python3 >/dev/null || { echo "error: python3 is needed for the OTLP sink" >&2; exit 1; }
dotnet build src/Silo -c Release --nologo -v quiet >/dev/null
dll=src/Silo/bin/Release/net10.0/SelfDissonance.Silo.dll
tmp="$(mktemp -d)"
silo=""; sink=""
trap '[ -n "$silo" ] && kill "$silo" 2>/dev/null; [ -n "$sink" ] && kill "$sink" 2>/dev/null; rm -rf "$tmp"' EXIT

# The OTLP sink: answers 200 to every POST (the exporter's work is measured, a collector's is not).
python3 -c '
import http.server
class H(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        self.rfile.read(int(self.headers.get("content-length", 0)))
        self.send_response(200); self.send_header("content-length", "0"); self.end_headers()
    def log_message(self, *a): pass
http.server.ThreadingHTTPServer(("127.0.0.1", 4318), H).serve_forever()' &
sink=$!

run() { # $1 = label, $2 = tracing true|false, $3 = sampled fraction
  local dir="$tmp/run-$RANDOM"
  OTEL_TRACES_SAMPLER=parentbased_traceidratio OTEL_TRACES_SAMPLER_ARG="$3" SelfDissonance__DataDirectory="$dir" SelfDissonance__Silo__SiloPort=11191 SelfDissonance__Silo__GatewayPort=30091 \
    SelfDissonance__Telemetry__Tracing="$2" OTEL_EXPORTER_OTLP_ENDPOINT=http://127.0.0.1:4318 OTEL_EXPORTER_OTLP_PROTOCOL=http/protobuf \
    ASPNETCORE_URLS=http://127.0.0.1:5091 Logging__LogLevel__Default=Warning nohup dotnet "$dll" >"$dir.log" 2>&1 &
  silo=$!
  until curl -fsS -o /dev/null http://127.0.0.1:5091/readyz 2>/dev/null; do sleep 0.2; done
  curl -fsS -o /dev/null -H "X-Api-Key: $SD_API_KEY" -X POST http://127.0.0.1:5091/v1/tasks -H 'content-type: application/json' \
    -d '{"id":"bench","features":["x","y"],"classes":["upper","lower"],"policy":{"minBatch":1000000}}'
  curl -fsS -o /dev/null -H "X-Api-Key: $SD_API_KEY" -X POST http://127.0.0.1:5091/v1/tasks/bench/bootstrap -H 'content-type: text/csv' --data-binary @samples/data/two-moons.csv
  wrk -t2 -c"$conns" -d5s -s scripts/bench/episode.lua http://127.0.0.1:5091/v1/tasks/bench/episodes >/dev/null 2>&1
  wrk -t2 -c"$conns" -d"${duration}s" -s scripts/bench/episode.lua http://127.0.0.1:5091/v1/tasks/bench/episodes 2>&1 | grep '^RESULT' \
    | awk -v d="$duration" -v l="$1" '{ for (f = 2; f <= NF; f++) { split($f, kv, "="); v[kv[1]] = kv[2] } printf "%-14s %7.0f episodes/s  p50 %6.2f ms  p99 %6.2f ms  errors %d\n", l, v["requests"] / d, v["p50_ms"], v["p99_ms"], v["errors"] }' \
    | tee -a "$tmp/results.txt"
  kill "$silo"; wait "$silo" 2>/dev/null || true; silo=""
}

for round in 1 2; do
  run "tracing off" false 1
  run "tracing on" true 1
  run "tracing 10%" true 0.1
done
awk '{ eps[$2] += $3; n[$2]++ } END { off = eps["off"] / n["off"]; on = eps["on"] / n["on"]; s = eps["10%"] / n["10%"];
  printf "mean: off %.0f, on %.0f, 10%% sampled %.0f episodes/s: tracing every episode costs %.1f %% of throughput, sampling 10 %% costs %.1f %%\n", off, on, s, 100 * (off - on) / off, 100 * (off - s) / off }' "$tmp/results.txt"
echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2 / 1048576}' /proc/meminfo); wrk: 2 threads x $conns connections x ${duration} s; load: $(cut -d' ' -f1-3 /proc/loadavg)"
