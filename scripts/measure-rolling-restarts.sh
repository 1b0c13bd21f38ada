#!/usr/bin/env bash
# Runs the rolling-restart test N times (3 silos under load, each SIGTERMed and restarted in turn while the task learns:
# 3 stops a run) and prints every stop's drain time, the worst one, and the episodes lost, from the report each run
# writes to .data/reports/rolling-restart.json (every silo's log of run R in .data/reports/rolling-restarts/logs-R).
# Builds first.
#   scripts/measure-rolling-restarts.sh [RUNS]     (default 4: 12 stops)
set -euo pipefail
cd "$(dirname "$0")/.."
runs="${1:-4}"
echo "==> building (Release)"
dotnet build SelfDissonance.sln -c Release --nologo -v quiet >/dev/null
out=.data/reports/rolling-restarts
mkdir -p "$out"
rm -rf "$out"/run-*.json "$out"/logs-*
for r in $(seq 1 "$runs"); do
  echo "==> run $r of $runs"
  rm -f .data/reports/rolling-restart.json
  # Every silo's full log, so a slow stop can be read afterwards.
  rm -rf "$out/logs-$r" && mkdir -p "$out/logs-$r"
  if ! SD_TEST_PROCESS_LOGS="$PWD/$out/logs-$r" dotnet test --project tests/SelfDissonance.ClusterProfile.Tests -c Release --no-build \
      --filter-method '*Restarting_every_silo_in_turn_under_load*' >"$out/run-$r.log" 2>&1; then
    echo "    the test failed: see $out/run-$r.log"
  fi
  if [ -f .data/reports/rolling-restart.json ]; then
    cp .data/reports/rolling-restart.json "$out/run-$r.json"
  fi
done
python3 - "$out" <<'PY'
import glob, json, sys
stops, lost, acked = [], 0, 0
for f in sorted(glob.glob(f"{sys.argv[1]}/run-*.json")):
    r = json.load(open(f))
    lost += r["lost"]; acked += r["acknowledged"]
    for d in r["drains"]:
        stops.append(d["drainSeconds"])
        print(f"{f.split('/')[-1]}: {d['silo']} stopped in {d['drainSeconds']:.2f} s")
if stops:
    print(f"{len(stops)} stops: worst {max(stops):.2f} s, median {sorted(stops)[len(stops)//2]:.2f} s; "
          f"{lost} of {acked} acknowledged episodes lost")
PY
