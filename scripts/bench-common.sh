# Sourced by the bench scripts after they set $port: the admin key the silo starts with (sdctl, curl and wrk send it),
# a trap that stops the silo the script starts into $silo, a Release build, sdctl against $url, and the benchmarks
# executable ($bench_dll: pipeline, heap, gc).
export SD_API_KEY="${SD_API_KEY:-sd-bench-admin-$(od -An -N12 -tx1 /dev/urandom | tr -d ' \n')}"
export SD_ADMIN_KEY="$SD_API_KEY"
url="http://127.0.0.1:$port"
silo=""
trap '[ -n "$silo" ] && kill "$silo" 2>/dev/null; wait 2>/dev/null || true' EXIT

echo "==> build (Release)"
dotnet build SelfDissonance.sln -c Release --nologo -v quiet >/dev/null
sdctl() { dotnet src/Cli/bin/Release/net10.0/sdctl.dll --url "$url" "$@"; }
bench_dll=benchmarks/SelfDissonance.Benchmarks/bin/Release/net10.0/SelfDissonance.Benchmarks.dll
