#!/usr/bin/env bash
# Starts Redis and Azurite (Blob, Queue and Table) on loopback for the cluster and Azure profiles, data under
# .data/services, and prints the connection strings to export. `scripts/services.sh stop` stops them.
#   REDIS_PORT (default 6380), AZURITE_PORT (Blob, default 10000; Queue and Table on the next two ports)
set -euo pipefail
cd "$(dirname "$0")/.."
dir=.data/services
redis_port="${REDIS_PORT:-6380}"
azurite_port="${AZURITE_PORT:-10000}"
queue_port=$((azurite_port + 1))
table_port=$((azurite_port + 2))
mkdir -p "$dir/redis" "$dir/azurite"

if [ "${1:-start}" = "stop" ]; then
  for p in redis azurite; do
    if [ -f "$dir/$p.pid" ] && kill "$(cat "$dir/$p.pid")" 2>/dev/null; then echo "stopped $p"; fi
    rm -f "$dir/$p.pid"
  done
  exit 0
fi

bash scripts/install-services.sh >/dev/null

if redis-cli -p "$redis_port" ping >/dev/null 2>&1; then
  echo "redis already answers on 127.0.0.1:$redis_port"
else
  redis-server --port "$redis_port" --bind 127.0.0.1 --dir "$PWD/$dir/redis" --appendonly yes --appendfsync everysec \
    --save "" --daemonize yes --pidfile "$PWD/$dir/redis.pid" --logfile "$PWD/$dir/redis.log"
  echo "redis started on 127.0.0.1:$redis_port (log $dir/redis.log)"
fi

if (exec 3<>"/dev/tcp/127.0.0.1/$azurite_port") 2>/dev/null; then
  echo "azurite already listens on 127.0.0.1:$azurite_port"
else
  # --skipApiVersionCheck: Azure.Storage.Blobs sends a newer API version; --disableTelemetry: no internet calls.
  nohup tools/azurite/node_modules/.bin/azurite --blobHost 127.0.0.1 --blobPort "$azurite_port" \
    --queueHost 127.0.0.1 --queuePort "$queue_port" --tableHost 127.0.0.1 --tablePort "$table_port" \
    --location "$PWD/$dir/azurite" --skipApiVersionCheck --disableTelemetry --silent >"$dir/azurite.log" 2>&1 &
  echo $! >"$dir/azurite.pid"
  for p in "$azurite_port" "$queue_port" "$table_port"; do
    for _ in $(seq 1 100); do (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null && break; sleep 0.1; done
  done
  echo "azurite started on 127.0.0.1:$azurite_port (blob), $queue_port (queue), $table_port (table) (log $dir/azurite.log)"
fi

# Azurite's well-known development account key (public and documented, not a secret).
key="Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=="
cat <<ENV

export ConnectionStrings__Redis="127.0.0.1:$redis_port,abortConnect=false"
export ConnectionStrings__Blob="DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=$key;BlobEndpoint=http://127.0.0.1:$azurite_port/devstoreaccount1;"
export ConnectionStrings__AzureStorage="DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=$key;BlobEndpoint=http://127.0.0.1:$azurite_port/devstoreaccount1;QueueEndpoint=http://127.0.0.1:$queue_port/devstoreaccount1;TableEndpoint=http://127.0.0.1:$table_port/devstoreaccount1;"
ENV
