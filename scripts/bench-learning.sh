#!/usr/bin/env bash
# Learning-quality benchmark against a running silo: streams labeled and unlabeled episodes of the datasets in
# samples/data/learning/ through a fresh task per dataset, calls /learn every 10% of the stream, and compares the
# service's golden accuracy with an offline refit (scikit-learn). Options: scripts/bench-learning.sh --help.
#   bash scripts/bench-learning.sh                                 # every dataset, clean and poisoned, http://127.0.0.1:5080
#   bash scripts/bench-learning.sh --short --check                 # wine and moons, stream capped at 600 rows
#   bash scripts/bench-learning.sh --url http://127.0.0.1:5181 --api-key-file /path/admin.key
# Reports: .data/reports/learning/learning.json and LEARNING.md (--out DIR); --write-repo-doc copies LEARNING.md to the root.
set -euo pipefail
cd "$(dirname "$0")/.."

# The python that has scikit-learn (the offline refit); the service is spoken to with the standard library only.
# python3-sklearn from apt installs for /usr/bin/python3, which a pyenv or venv python3 on PATH does not see.
py=""
for candidate in "${SD_BENCH_PYTHON:-}" python3 /usr/bin/python3; do
  [ -n "$candidate" ] || continue
  command -v "$candidate" >/dev/null 2>&1 || continue
  if "$candidate" -c 'import sklearn' 2>/dev/null; then py="$candidate"; break; fi
done
if [ -z "$py" ]; then
  # none has it: learning.py tries apt-get (as root or with password-less sudo) and otherwise skips the refit
  py="$(command -v python3 || command -v /usr/bin/python3 || true)"
  [ -n "$py" ] || { echo "error: python3 is required" >&2; exit 2; }
fi
exec "$py" scripts/bench/learning.py "$@"
