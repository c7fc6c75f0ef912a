#!/usr/bin/env bash
# Guard: every custom build recipe (toolchain/modules/*/build.sh) must work on a machine whose Go
# module cache is EMPTY, not only on one where an earlier build happened to download the module.
#
#   toolchain/check-cold-cache.sh [module ...]     (npm run check:cold-cache; .ci/run runs it)
#
# How, without downloading the world again: each recipe runs with GOMODCACHE pointed at a new empty
# folder and GOPROXY=file://<this machine's module download cache>, so every module it needs must
# be fetched into the empty cache by a go command first, exactly as on a fresh machine, but from
# local zips. The build cache (GOCACHE) stays warm, so compiling is mostly cache hits. A recipe
# that asks `go list -m -f '{{.Dir}}'` for a module nothing downloaded gets an empty answer and
# fails here as it did on a new machine. Outputs go to a temporary folder; .toolchain is untouched.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/.." && pwd)
log() { printf '[cold-cache] %s\n' "$*" >&2; }

downloads="$(go env GOMODCACHE)/cache/download"
if [ ! -d "$downloads" ]; then
  log "error: $downloads does not exist: build the toolchain once first (npm run toolchain)"
  exit 2
fi

if [ $# -gt 0 ]; then
  modules=("$@")
else
  modules=()
  for d in "$here"/modules/*/; do
    [ -x "$d/build.sh" ] && modules+=("$(basename "$d")")
  done
fi

tmp=$(mktemp -d)
trap 'chmod -R u+w "$tmp" 2>/dev/null; rm -rf "$tmp"' EXIT

# The same Go settings as toolchain/build.sh gives a recipe (go-env.sh), with the cold module cache.
source "$here/go-env.sh"
export GOPROXY="file://$downloads"
export GONOSUMDB="*" GOSUMDB=off # the local zips were verified against go.sum when downloaded

failed=()
for m in "${modules[@]}"; do
  dir="$here/modules/$m"
  [ -x "$dir/build.sh" ] || { log "error: $m has no build.sh recipe"; exit 2; }
  started=$(date +%s)
  export GOMODCACHE="$tmp/gomodcache-$m"
  out="$tmp/out-$m"
  mkdir -p "$GOMODCACHE" "$out"
  if OUT="$out" ROOT="$root" "$dir/build.sh" >"$tmp/$m.log" 2>&1 && [ -n "$(ls -A "$out")" ]; then
    log "$m: builds from an empty module cache ($(ls "$out" | tr '\n' ' ')) in $(($(date +%s) - started)) s"
  else
    log "$m: FAILS from an empty module cache; last lines of its log:"
    tail -n 15 "$tmp/$m.log" | sed 's/^/    /' >&2
    failed+=("$m")
  fi
  chmod -R u+w "$GOMODCACHE" && rm -rf "$GOMODCACHE"
done
if [ ${#failed[@]} -gt 0 ]; then
  log "error: recipes that depend on a warm module cache: ${failed[*]}"
  exit 1
fi
log "all ${#modules[@]} custom recipes build from an empty module cache"
