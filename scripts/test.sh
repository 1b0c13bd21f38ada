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

# The tests of this release use only in-process parts: a real Orleans test cluster, a real Kestrel on loopback,
# real ML.NET training. Services the cluster profile adds (redis-server, Azurite) are installed here when the
# tests that need them arrive; nothing is installed that no test uses.

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
echo "==> restore and build"
dotnet build SelfDissonance.sln -c Release --nologo -v quiet
echo "==> test"
dotnet test --solution SelfDissonance.sln -c Release --no-build "$@"
