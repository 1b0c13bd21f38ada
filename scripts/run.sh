#!/usr/bin/env bash
# Starts the embedded default: one silo with the HTTP gateway and the Orleans Dashboard, no external services.
# Listens on http://127.0.0.1:5080 unless ASPNETCORE_URLS or --urls says otherwise. State lives in src/Silo/.data (dotnet run starts in the project folder).
set -euo pipefail
cd "$(dirname "$0")/.."
exec dotnet run --project src/Silo -c Release -- "$@"
