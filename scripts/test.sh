#!/usr/bin/env bash
# Runs every test of the solution on a fresh machine: checks the tools the tests need, installs what is missing,
# then `dotnet test`. Extra arguments go to `dotnet test` (for example: --project tests/SelfDissonance.Silo.Tests).
set -euo pipefail
cd "$(dirname "$0")/.."

need_sdk="$(sed -n 's/.*"version": *"\([0-9.]*\)".*/\1/p' global.json | head -1)"
if ! command -v dotnet >/dev/null 2>&1; then
  echo "error: the .NET SDK ${need_sdk} is required (dotnet not on PATH); see https://dot.net" >&2
  exit 1
fi
if ! dotnet --list-sdks | grep -q "^${need_sdk%.*}"; then
  echo "error: global.json asks for SDK ${need_sdk} (latest patch); found: $(dotnet --list-sdks | tr '\n' ' ')" >&2
  exit 1
fi

# The cluster-profile tests start their own redis-server and Azurite on free loopback ports, the console tests run
# chromium, the deploy tests kubectl: install them if missing.
echo "==> what the tests start (redis-server, Azurite, chromium, kubectl)"
bash scripts/install-services.sh

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
echo "==> restore and build"
dotnet build SelfDissonance.sln -c Release --nologo -v quiet
echo "==> test"
# One test module at a time: the cluster-profile tests run several silo processes, and two cores are shared by all.
# The output is kept so that a failure is summed up at the end, where a truncated CI log still shows it: the failed
# tests' messages and stacks, without the silo logs they captured.
log="$(mktemp)"
set +e
dotnet test --solution SelfDissonance.sln -c Release --no-build --max-parallel-test-modules 1 "$@" 2>&1 | tee "$log"
rc=${PIPESTATUS[0]}
set -e
if [ "$rc" -ne 0 ]; then
  echo "==> failed tests (message and stack; their captured output is above)"
  awk '/^failed /{p=1;n=0} p&&/^  (Standard|Error) output/{p=0} p&&n<40{print;n++}' "$log"
fi
rm -f "$log"
exit "$rc"
