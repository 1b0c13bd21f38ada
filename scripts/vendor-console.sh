#!/usr/bin/env bash
# Copies Chart.js (pinned in tools/console/package.json and package-lock.json) into the task console's vendor folder.
# The copies are committed: the silo serves them as static files and needs neither npm nor the network at run time.
# Run it after changing the pinned version; a test checks the committed copy matches the pin.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v npm >/dev/null 2>&1; then
  echo "error: npm is needed to vendor Chart.js (tools/console); install Node.js 20+" >&2
  exit 1
fi
(cd tools/console && npm ci --no-audit --no-fund --loglevel=error >/dev/null)

src=tools/console/node_modules/chart.js
dest=src/Silo/wwwroot/console/vendor/chart.js
mkdir -p "$dest"
# The UMD build is already self-contained (it inlines @kurkle/color), so it is copied as is, byte for byte.
cp "$src/dist/chart.umd.min.js" "$dest/chart.umd.min.js"
cp "$src/LICENSE.md" "$dest/LICENSE.md"
cp tools/console/node_modules/@kurkle/color/LICENSE.md "$dest/LICENSE.kurkle-color.md"
echo "vendored chart.js $(node -p "require('./$src/package.json').version") into $dest"
