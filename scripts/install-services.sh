#!/usr/bin/env bash
# Installs what the cluster profile and its tests need when missing: redis-server (Debian package), Azurite (npm, into
# tools/azurite from its package-lock.json), chromium (Debian package; the task console's browser tests) and kubectl
# (Debian package; the deploy tests render deploy/k8s with kubectl kustomize), promtool (Debian package prometheus;
# the deploy tests check the alert rules). Safe to run again; prints what it did.
set -euo pipefail
cd "$(dirname "$0")/.."

# apt_install PACKAGE: install a Debian package quietly (as root, or through sudo), updating the index only if needed.
apt_install() {
  local sudo_cmd=""
  if [ "$(id -u)" -ne 0 ]; then sudo_cmd="sudo"; fi
  export DEBIAN_FRONTEND=noninteractive
  $sudo_cmd apt-get install -y -q "$1" >/dev/null 2>&1 || { $sudo_cmd apt-get update -q >/dev/null && $sudo_cmd apt-get install -y -q "$1" >/dev/null; }
}

if ! command -v redis-server >/dev/null 2>&1; then
  echo "==> installing redis-server (apt-get)"
  apt_install redis-server
  # The Debian package starts a system Redis on 6379; our scripts and tests start their own on other ports.
fi
echo "    $(redis-server --version | cut -d' ' -f1-3)"

# The console's browser tests run Debian's chromium headless; they fail (not skip) without it.
if ! command -v chromium >/dev/null 2>&1 && ! command -v chromium-browser >/dev/null 2>&1; then
  echo "==> installing chromium (apt-get)"
  apt_install chromium
fi
echo "    $( (command -v chromium >/dev/null 2>&1 && chromium --version 2>/dev/null) || chromium-browser --version 2>/dev/null)"

# The deploy tests render the Kubernetes manifests with kubectl's built-in kustomize; they fail (not skip) without it.
if ! command -v kubectl >/dev/null 2>&1; then
  echo "==> installing kubectl (apt-get)"
  apt_install kubectl
fi
echo "    kubectl $(kubectl version --client 2>/dev/null | head -1 | sed 's/^Client Version: //')"

# The deploy tests check deploy/observability's alert rules with promtool (Debian's prometheus package ships it; the
# package's own server is not used).
if ! command -v promtool >/dev/null 2>&1; then
  echo "==> installing promtool (apt-get prometheus)"
  apt_install prometheus
fi
echo "    $(promtool --version 2>&1 | head -1 | cut -d' ' -f1-3)"

if [ ! -x tools/azurite/node_modules/.bin/azurite ]; then
  if ! command -v npm >/dev/null 2>&1; then
    echo "error: npm is needed to install Azurite (tools/azurite); install Node.js 20+" >&2
    exit 1
  fi
  echo "==> installing Azurite (npm ci in tools/azurite)"
  (cd tools/azurite && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
fi
echo "    azurite $(node -p "require('./tools/azurite/node_modules/azurite/package.json').version")"
