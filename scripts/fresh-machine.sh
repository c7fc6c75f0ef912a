#!/usr/bin/env bash
# Fresh-machine rehearsal: runs the README's two commands the way a newcomer would, from a fresh
# clone of the last commit with EMPTY caches, and reports how long each took and whether the tree
# stayed clean.
#
#   scripts/fresh-machine.sh [--keep]      (npm run rehearse; ~25-60 min on 2 cores)
#
# Everything a warm machine could hide is pointed at new, empty directories: HOME (so no ~/.npmrc,
# ~/.config/go/env, ~/.pulumi, ~/.kube), GOMODCACHE, GOCACHE, GOPATH, the toolchain cache
# (ASHK8S_CACHE), the npm cache and XDG_CACHE_HOME. PATH loses every toolchain and node_modules
# entry, and every PULUMI_*, ASHK8S_*, GO*, npm_*, XDG_* and KUBECONFIG variable is unset. Only the
# machine's own installs and settings remain (Node.js, Go, bash, git, CA bundle), as on a new machine.
#
# Steps: git clone; npm test; npm run demo; git status; npm run demo:down; git status; no process
# of the clone left. Prints one line per step with its wall time, then OK or FAIL. --keep keeps the
# temporary directory (clone, logs, caches) for inspection; otherwise it is removed.
set -uo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
keep=false
[ "${1:-}" = --keep ] && keep=true
step_timeout=${ASHK8S_REHEARSAL_TIMEOUT:-3600}

tmp=$(mktemp -d "${TMPDIR:-/tmp}/ashk8s-rehearsal.XXXXXX")
clone="$tmp/clone"
logs="$tmp/logs"
mkdir -p "$logs" "$tmp/home" "$tmp/gomodcache" "$tmp/gocache" "$tmp/gopath" "$tmp/ashk8s-cache" "$tmp/npm-cache" "$tmp/xdg-cache"

say() { printf '[rehearsal] %s\n' "$*"; }
failed=""
fail() {
  failed="$*"
  say "FAIL: $*"
}

cleanup() {
  # Whatever happened, leave no control plane of the clone running.
  if [ -x "$clone/scripts/local-cluster.sh" ]; then
    (cd "$clone" && run_clean timeout 300 bash scripts/local-cluster.sh stop) >/dev/null 2>&1 || true
  fi
  if $keep || [ -n "$failed" ]; then
    say "kept $tmp (logs in $logs)"
  else
    chmod -R u+w "$tmp" 2>/dev/null
    rm -rf "$tmp"
  fi
}
trap cleanup EXIT

# PATH without this checkout's (or any checkout's) toolchain and node_modules entries.
clean_path=$(printf '%s' "$PATH" | tr ':' '\n' | grep -v -e '/\.toolchain/bin$' -e '/node_modules/\.bin$' | paste -sd: -)

# Variables of this user's session that could point a run at warm state; unset for the clone.
stale_vars=()
while IFS= read -r v; do stale_vars+=(-u "$v"); done < <(
  env | cut -d= -f1 | grep -E '^(PULUMI_|ASHK8S_|GO|KUBECONFIG$|npm_|NPM_|XDG_|NODE_OPTIONS$|NVM_)' || true
)

# Runs a command in the machine's environment minus everything that shares this user's caches.
run_clean() {
  env "${stale_vars[@]}" \
    PATH="$clean_path" \
    HOME="$tmp/home" \
    GOMODCACHE="$tmp/gomodcache" \
    GOCACHE="$tmp/gocache" \
    GOPATH="$tmp/gopath" \
    XDG_CACHE_HOME="$tmp/xdg-cache" \
    ASHK8S_CACHE="$tmp/ashk8s-cache" \
    npm_config_cache="$tmp/npm-cache" \
    "$@"
}

# Runs one step in the clone, logs its output, prints its wall time; returns its exit code.
timed() {
  local label=$1 log=$2 started rc
  shift 2
  started=$(date +%s)
  (cd "$clone" && run_clean timeout "$step_timeout" "$@") </dev/null >"$log" 2>&1
  rc=$?
  elapsed=$(($(date +%s) - started))
  say "$(printf '%-22s %5d s  exit %d' "$label" "$elapsed" "$rc")"
  return $rc
}

dirty() { git -C "$clone" status --porcelain; }

[ -z "$(git -C "$root" status --porcelain --untracked-files=no)" ] ||
  say "note: uncommitted changes in $root are NOT rehearsed (the clone has the last commit only)"
say "commit $(git -C "$root" rev-parse --short HEAD); scratch directory $tmp"
git clone -q "$root" "$clone" || { fail "git clone"; exit 1; }

declare -A seconds
if timed "npm test" "$logs/test.log" npm test; then
  seconds[test]=$elapsed
  if timed "npm run demo" "$logs/demo.log" npm run demo; then
    seconds[demo]=$elapsed
    [ -z "$(dirty)" ] || fail "the demo left the tree dirty: $(dirty | head -3 | tr '\n' ' ')"
    if grep -q 'using pulumi-resource-.* from \$PATH' "$logs/demo.log"; then
      fail "the demo printed warnings about plugins found on PATH"
    fi
  else
    fail "npm run demo (last lines of $logs/demo.log:)"
    tail -n 15 "$logs/demo.log"
  fi
  if timed "npm run demo:down" "$logs/demo-down.log" npm run demo:down; then
    [ -z "$(dirty)" ] || fail "demo:down left the tree dirty: $(dirty | head -3 | tr '\n' ' ')"
    left=$(ps -eo pid=,args= | grep -F "$clone/" | grep -v -e grep -e 'fresh-machine' || true)
    [ -z "$left" ] || fail "processes of the clone still running after demo:down: $(echo "$left" | head -3)"
  else
    fail "npm run demo:down (see $logs/demo-down.log)"
  fi
else
  fail "npm test (last lines of $logs/test.log:)"
  tail -n 15 "$logs/test.log"
fi

if [ -n "$failed" ]; then
  exit 1
fi
say "OK from empty caches: npm test ${seconds[test]} s, then npm run demo ${seconds[demo]} s; git status clean after the demo and after demo:down; no process left"
