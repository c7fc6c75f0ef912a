#!/usr/bin/env bash
# Makes sure the toolchain part that generates @pulumi/azurestack exists and npm dependencies are
# installed from the lockfile (on Node 22 from the npm `node` package). Fast when nothing changed.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../toolchain/env.sh"
cd "$ASHK8S_ROOT"
bash toolchain/setup.sh "${1:-sdk}"
lock_stamp=$(sha256sum package-lock.json | cut -c1-16)
if [ "$(cat node_modules/.ashk8s-lock 2>/dev/null)" != "$lock_stamp" ] || [ ! -x node_modules/.bin/node ]; then
  echo "[deps] npm ci (package-lock.json changed or node_modules missing)" >&2
  npm ci --no-audit --no-fund >&2
  echo "$lock_stamp" >node_modules/.ashk8s-lock
fi
# The generated @pulumi/azurestack is TypeScript; build it into sdks/azurestack/bin with its own
# postinstall script, as `npm install` of a published SDK would (npm runs no scripts of a linked
# file: dependency). Without bin/, Node prints a DEP0128 warning about its `main` on every run.
sdk_stamp=$(cat sdks/azurestack/.ashk8s-stamp)
if [ "$(cat sdks/azurestack/bin/.ashk8s-stamp 2>/dev/null)" != "$sdk_stamp" ]; then
  echo "[deps] building the generated @pulumi/azurestack SDK (tsc)" >&2
  (cd sdks/azurestack && node scripts/postinstall.js)
  echo "$sdk_stamp" >sdks/azurestack/bin/.ashk8s-stamp
fi
node_version=$(node --version)
case "$node_version" in
  v22.*) ;;
  *) echo "[deps] expected Node 22 from node_modules/.bin, got $node_version" >&2; exit 1 ;;
esac
# The program runs as JavaScript compiled into bin/ (scripts/program-build.js); nothing when fresh.
node scripts/program-build.js
