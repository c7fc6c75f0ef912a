#!/usr/bin/env bash
# `go vet` and `go test` for the toolchain's own Go code (today: our Node.js language host). Wrapper
# modules that only pin upstream tools (a tools.go and nothing else) have no code of ours to check.
# Same Go settings as the build (go-env.sh), so the build cache of `npm run toolchain` is reused.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
source "$here/go-env.sh"
checked=0
for dir in "$here"/modules/*/; do
  own=$(find "$dir" -maxdepth 1 -name '*.go' ! -name tools.go | head -n 1)
  [ -n "$own" ] || continue
  name=$(basename "$dir")
  printf '[go-check] %s: go vet, go test\n' "$name" >&2
  (cd "$dir" && go vet ./... && go test -count=1 ./...)
  checked=$((checked + 1))
done
[ "$checked" -gt 0 ] || { echo "[go-check] error: no module with Go code of its own found" >&2; exit 1; }
