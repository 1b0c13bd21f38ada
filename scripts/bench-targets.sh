#!/usr/bin/env bash
# The figures of BENCHMARKS.md in one run on this machine: in-process pipeline, HTTP episodes, /predict batches,
# learning cycles on 10,000 labeled rows with the serving p99 beside them, and the silo's working set. Prints one line per
# figure and leaves every JSON report in the folder it names.
#   scripts/bench-targets.sh [SECONDS=20]
# SD_ONLY_CYCLE=1 runs only the learning cycles and the serving beside them (a short load first creates the serving task);
# SD_CYCLES=N sets how many cycles (default 5, one task each, 10 s apart in one serving run).
# SD_HEAP_TOP=N also prints what the silo's heap holds at the end (N types; SD_HEAP_PATH_TO=TypeName: who holds those).
set -euo pipefail
cd "$(dirname "$0")/.."
secs="${1:-20}"
out="$(mktemp -d -t sd-bench-XXXXXX)"
port=5390
source scripts/bench-common.sh
line() { # name file
  jq -r --arg n "$1" '"\($n): \(.throughput) req/s, p50 \(.latencyMs.p50 // .latencyMs.P50) ms, p99 \(.latencyMs.p99 // .latencyMs.P99) ms, p99.9 \(.latencyMs.p999 // .latencyMs.P999) ms, errors \(.errors)" + (if .server then ", server CPU \(.server.cpuPercent)% (\(.server.cpuMicrosPerRequest) µs/req), working set peak \(.server.workingSetPeakMb) MB" else "" end) + (if .cpuMicrosPerEpisode then ", process CPU \(.processCpuPercent)% (\(.cpuMicrosPerEpisode) µs/episode), working set \(.workingSetMb) MB" else "" end)' "$2"
}

only_cycle="${SD_ONLY_CYCLE:-}"
if [ -z "$only_cycle" ]; then
echo "==> in-process pipeline, 256 in flight, grain calls (embedded default: File state; then Memory state; then caller-chosen ids)"
for run in "File runner" "Memory runner" "File grain"; do
  set -- $run
  dotnet "$bench_dll" pipeline --concurrency 256 --duration "$secs" --warmup 5 --state "$1" --path "$2" 2>/dev/null | sed -n '/^{/,/^}/p' >"$out/pipeline-$1-$2.json"
  line "pipeline ($1 state, episode $2)" "$out/pipeline-$1-$2.json"
done
fi

echo "==> one embedded-default silo (File state) on $url"
data="$(mktemp -d -t sd-bench-data-XXXXXX)"
# No drift test: the bootstrap's linear model errs often enough on the queued moons rows for a drift alarm, whose own
# cycle would take part of the 10,000 rows before the measured one (seen once).
# The per-key rate limit (10,000/s by default) is raised: one key drives every load below, and /predict of one row goes
# past 10,000/s (answered 429 rate_limited otherwise).
SelfDissonance__DataDirectory="$data" SelfDissonance__Silo__SiloPort=11390 SelfDissonance__Silo__GatewayPort=30390 \
  SelfDissonance__Learning__CycleInterval=01:00:00 SelfDissonance__Learning__DriftThreshold=0 ASPNETCORE_URLS="$url" Logging__LogLevel__Default=Warning \
  Logging__LogLevel__SelfDissonance=Information SelfDissonance__Telemetry__JsonConsoleLogs=true \
  SelfDissonance__Security__PermitsPerSecond=1000000 SelfDissonance__Security__BurstPermits=2000000 \
  dotnet src/Silo/bin/Release/net10.0/SelfDissonance.Silo.dll >"$out/silo.log" 2>&1 &
silo=$!
until curl -fsS -o /dev/null "$url/readyz" 2>/dev/null; do sleep 0.3; done

if [ -n "$only_cycle" ]; then
  sdctl --json bench --concurrency 8 --duration 3s --warmup 1s >"$out/http-64.json"
  task="$(jq -r .task "$out/http-64.json")"
else
sdctl --json bench --concurrency 64 --duration "${secs}s" --warmup 5s >"$out/http-64.json"
line "HTTP episodes, 64 connections" "$out/http-64.json"
task="$(jq -r .task "$out/http-64.json")"
sdctl --json bench --task "$task" --transport cluster --gateway 127.0.0.1:30390 --concurrency 256 --duration "${secs}s" --warmup 5s --metrics-url "$url/metrics" >"$out/cluster-256.json"
line "cluster-client episodes, 256 in flight" "$out/cluster-256.json"
sdctl --json bench --task "$task" --op predict --batch 1000 --concurrency 1 --duration 10s --warmup 3s >"$out/predict-1000.json"
line "/predict 1,000 rows, one at a time" "$out/predict-1000.json"
sdctl --json bench --task "$task" --op predict --concurrency 10 --duration 10s --warmup 3s >"$out/predict-1.json"
line "/predict one row, 10 connections" "$out/predict-1.json"
fi

cycles="${SD_CYCLES:-5}"
echo "==> $cycles learning cycles on 10,000 labeled rows each (one task each, queued through episodes:batch), serving at a fixed rate beside them"
python3 - "$out" <<'PY'
import json, math, random, sys
r = random.Random(21)
for b in range(10):
    rows = []
    for i in range(1000):
        up = (b * 1000 + i) % 2 == 0
        t = r.random() * math.pi
        x, y = (math.cos(t), math.sin(t)) if up else (1 - math.cos(t), 0.5 - math.sin(t))
        rows.append({"features": {"x": round(x + r.gauss(0, 0.2), 4), "y": round(y + r.gauss(0, 0.2), 4)}, "label": "upper" if up else "lower"})
    json.dump(rows, open(f"{sys.argv[1]}/batch-{b}.json", "w"))
PY
for k in $(seq "$cycles"); do
  sdctl task create "learn10k-$k" --features x,y --classes upper,lower \
    --policy minBatch=1000000 dBudgetPerHour=1000000 maxDissonance=1 oodZMax=1000 >/dev/null
  sdctl bootstrap "learn10k-$k" samples/data/two-moons.csv >/dev/null
  for b in $(seq 0 9); do
    curl -fsS -o /dev/null -H "X-Api-Key: $SD_API_KEY" -X POST "$url/v1/tasks/learn10k-$k/episodes:batch" -H 'content-type: application/json' --data-binary @"$out/batch-$b.json"
  done
done
for k in $(seq "$cycles"); do
  until [ "$(sdctl --json metrics "learn10k-$k" | jq '.learner.labeledRows')" -ge 10000 ]; do sleep 1; done
done
# The learner counts the rows before the episodes behind them have all finished: wait (up to a minute) until the silo
# is quiet, so that "serving alone" below is serving alone.
cpu_ticks() { awk '{print $14 + $15}' "/proc/$silo/stat"; }
for _ in $(seq 30); do
  t0=$(cpu_ticks); sleep 2; t1=$(cpu_ticks)
  [ $(( (t1 - t0) * 100 / (2 * $(getconf CLK_TCK)) )) -lt 20 ] && break
done
# The garbage collector's pauses stop serving threads too: their count and time across the window say how much of the
# p99 is the cycle's allocations rather than its CPU.
# Pause time, then collections in all and of each generation (the last collection's generation is what a pause holds).
gc_stats() {
  curl -fsS -H "X-Api-Key: $SD_API_KEY" "$url/metrics" | awk '
    /^dotnet_gc_pause_time_seconds_total/ {p=$2}
    /^dotnet_gc_collections_total/ {c+=$NF; if ($0 ~ /gen0/) g0+=$NF; else if ($0 ~ /gen1/) g1+=$NF; else if ($0 ~ /gen2/) g2+=$NF}
    /^dotnet_gc_heap_total_allocated_bytes_total/ {a=$NF}
    END {printf "%s %d %d %d %d %.0f", p, c, g0, g1, g2, a}'
}
gc_window() { # since: "pause count gen0 gen1 gen2" before
  read -r p1 c1 a1 b1 d1 _ <<<"$(gc_stats)"; set -- $1
  awk -v p0="$1" -v p1="$p1" -v c0="$2" -v c1="$c1" -v a0="$3" -v a1="$a1" -v b0="$4" -v b1="$b1" -v d0="$5" -v d1="$d1" \
    'BEGIN {printf "  garbage collections in that window: %d (gen0 %d, gen1 %d, gen2 %d), paused %.0f ms\n", c1 - c0, a1 - a0, b1 - b0, d1 - d0, (p1 - p0) * 1000}'
}
# The load generator shares the two cores: without its thread pool's spin-waiting (which a profile of it at this rate
# showed as most of its CPU) it takes about a quarter of a core instead of 0.4-0.9 (measured from /proc while the cycle ran).
light() { DOTNET_ThreadPool_UnfairSemaphoreSpinLimit=0 "$@"; }
before="$(gc_stats)"
light sdctl --json bench --task "$task" --rate 200 --concurrency 32 --duration 10s --warmup 2s >"$out/serving-quiet.json"
line "serving at 200/s, no learning" "$out/serving-quiet.json"
gc_window "$before"
# One serving run with the cycles in it, 10 s apart: a cycle, the settings choice it starts in the background, quiet,
# a one-second busy loop (below), quiet until the next. The quiet stretches between them are the "alone" the cycles are compared with: the same run,
# minutes of the same machine, so a slow patch of the machine does not pass for the cycle's cost (serving-alone p99s
# of separate runs minutes apart differed by 2x). The load generator warms up for 3 s first (its own JIT took a
# third of a core) and the first cycle starts 4 s into the measured window.
before="$(gc_stats)"
light sdctl --json bench --task "$task" --rate 200 --concurrency 32 --duration "$((4 + 10 * cycles))s" --warmup 3s --latencies "$out/serving-learning.csv" >"$out/serving-learning.json" &
bench=$!
sleep 7
# Where the two cores went while the cycles ran: the silo (serving and learning), the load generator, anything else.
client="$(pgrep -f 'sdctl.dll.*--rate 200' | head -1 || true)"
ticks() { [ -n "$1" ] && [ -r "/proc/$1/stat" ] && awk '{print $14 + $15}' "/proc/$1/stat" || echo 0; }
machine() { awk '/^cpu / {print $2 + $3 + $4, $5 + $6}' /proc/stat; }
busy=0; idle=0; s_cpu=0; c_cpu=0; gcs=0; gc_pause=0; allocated=0
for k in $(seq "$cycles"); do
  next=$(( $(date +%s) + 10 ))
  read -r gp0 gc0 _ _ _ ga0 <<<"$(gc_stats)"
  read -r busy0 idle0 <<<"$(machine)"; s0=$(ticks "$silo"); c0=$(ticks "$client")
  # curl, not sdctl: starting a .NET program (about half a second of JIT on these two cores) is not the cycle's cost.
  curl -fsS -X POST -H "X-Api-Key: $SD_API_KEY" "$url/v1/tasks/learn10k-$k/learn" >"$out/learn-$k.json"
  read -r busy1 idle1 <<<"$(machine)"; s1=$(ticks "$silo"); c1=$(ticks "$client")
  read -r gp1 gc1 _ _ _ ga1 <<<"$(gc_stats)"
  busy=$((busy + busy1 - busy0)); idle=$((idle + idle1 - idle0)); s_cpu=$((s_cpu + s1 - s0)); c_cpu=$((c_cpu + c1 - c0))
  gcs=$((gcs + gc1 - gc0)); allocated=$((allocated + ga1 - ga0)); gc_pause=$(awk -v a="$gc_pause" -v p0="$gp0" -v p1="$gp1" 'BEGIN {print a + (p1 - p0) * 1000}')
  # Halfway to the next cycle, after the choice has ended: the machine's own cost of any work beside serving, a busy
  # loop on one core for a second at the lowest CPU priority there is (SCHED_IDLE: a serving thread that wakes takes
  # its core at once), measured the same way as the cycles.
  sleep $(( next - 5 - $(date +%s) > 0 ? next - 5 - $(date +%s) : 0 ))
  loop_start=$(date +%s%3N)
  chrt -i 0 timeout 1 sh -c 'while :; do :; done' || true
  echo "$loop_start $(date +%s%3N)" >>"$out/busy-loops"
  [ "$k" -lt "$cycles" ] && sleep $(( next - $(date +%s) > 0 ? next - $(date +%s) : 0 ))
done
hz=$(getconf CLK_TCK)
awk -v b="$busy" -v i="$idle" -v s="$s_cpu" -v c="$c_cpu" -v hz="$hz" -v n="$cycles" 'BEGIN {
  printf "  CPU while the %d cycles ran (s): silo %.2f, load generator %.2f, everything else %.2f, idle %.2f\n", n, s / hz, c / hz, (b - s - c) / hz, i / hz }'
echo "  silo garbage collections while the cycles ran: $gcs, paused $(printf %.0f "$gc_pause") ms; allocated $((allocated / 1048576)) MB (serving's share included)"
wait "$bench"
line "serving at 200/s, $cycles learning cycles in the run" "$out/serving-learning.json"
gc_window "$before"
# Percentiles over parts of the run, from every request's due time and latency (sdctl bench --latencies). The
# settings are chosen again after each cycle, in the background, for the task's next cycle: each choice ends with the
# learner's (timestamped JSON) log line about it.
python3 - "$out" "$cycles" <<'PY'
import csv, datetime, json, math, re, sys
out, n = sys.argv[1], int(sys.argv[2])
def unix_ms(text):
    return int(datetime.datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp() * 1000)
chosen = {}
for line in open(f"{out}/silo.log"):
    if line.startswith("{") and "chosen by cross-validation" in line:
        record = json.loads(line)
        task = re.match(r"Task (\S+):", record["Message"])
        if task:
            chosen[task.group(1)] = unix_ms(record["Timestamp"])
with open(f"{out}/serving-learning.csv") as f:
    timings = [(int(r["due_unix_ms"]), float(r["latency_ms"])) for r in csv.DictReader(f)]
def p99(values):
    v = sorted(values)
    return v[max(0, math.ceil(0.99 * len(v)) - 1)] if v else float("nan")
cycle_windows, choice_windows = [], []
loop_windows = [tuple(map(int, l.split())) for l in open(f"{out}/busy-loops")]
busy_windows = [(a - 200, b + 1000) for a, b in loop_windows]
for k in range(1, n + 1):
    c = json.load(open(f"{out}/learn-{k}.json"))
    start = unix_ms(c["startedAt"]); end = start + int(c["durationMs"])
    done = chosen.get(f"learn10k-{k}")
    done = done if done and done > end else None
    cycle_windows.append((start, end))
    if done:
        choice_windows.append((end, done))
    # Quiet starts a second after the choice (or the cycle) ends: the silo's and the worker's collections settle.
    busy_windows.append((start - 200, (done or end) + 1000))
    print(f"  cycle {k}: {c['durationMs']:.0f} ms ({c['outcome']}), then the settings choice " + (f"{done - end} ms" if done else "(not ended, or none)"))
def within(windows):
    return [ms for due, ms in timings if any(a <= due <= b for a, b in windows)]
first_cycle = cycle_windows[0][0]
quiet = [ms for due, ms in timings if due >= first_cycle - 3000 and not any(a <= due <= b for a, b in busy_windows)]
alone = p99(quiet)
print(f"  serving p99 in the quiet stretches between the cycles: {alone:.2f} ms over {len(quiet)} requests")
for name, values in (("while the cycles ran", within(cycle_windows)), ("while the settings were chosen after them", within(choice_windows)),
                     (f"while a busy loop ran on one core at idle priority ({len(loop_windows)} times 1 s: the machine's floor)", within(loop_windows))):
    print(f"  serving p99 {name}: {p99(values):.2f} ms over {len(values)} requests ({100 * (p99(values) / alone - 1):+.0f}%)")
durations = [json.load(open(f"{out}/learn-{k}.json"))["durationMs"] for k in range(1, n + 1)]
print(f"learning cycles: {', '.join(f'{d / 1000:.2f}' for d in durations)} s; under 2 s: {sum(d < 2000 for d in durations)} of {n}")
PY
working_set() { curl -fsS -H "X-Api-Key: $SD_API_KEY" "$url/metrics" | awk '/^dotnet_process_memory_working_set_bytes/ {printf "%.0f MB", $2 / 1048576}'; }
echo "silo working set now: $(working_set)"
dotnet "$bench_dll" gc --pid "$silo" 2>/dev/null
sleep 1
echo "silo working set after a forced full collection: $(working_set)"
if [ -n "${SD_HEAP_TOP:-}" ]; then
  dotnet "$bench_dll" heap --pid "$silo" --top "$SD_HEAP_TOP" ${SD_HEAP_PATH_TO:+--path-to "$SD_HEAP_PATH_TO"}
fi
echo "machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg); reports in $out"
