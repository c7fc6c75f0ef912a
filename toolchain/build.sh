#!/usr/bin/env bash
# Builds the project's offline toolchain from Go modules (design.md section 8).
#
#   toolchain/build.sh [module ...]     build every module in toolchain/modules (or the named ones)
#
# Every folder toolchain/modules/<name>/ is a small wrapper Go module whose go.mod/go.sum pin the
# exact upstream versions (go.sum holds the checksums). A folder either has
#   build.conf  lines "<binary> <go package> [extra -ldflags]", built by this script, or
#   build.sh    its own recipe (called with OUT set), for tools that need generated sources.
# Binaries land in a content-addressed cache outside the work tree
# ($ASHK8S_CACHE, default ~/.cache/ashk8s/toolchain/<name>-<hash of the module folder + Go version>)
# and are hard-linked into .toolchain/bin, so a fresh clone on a warm machine only links them again.
# Provider plugins (pulumi-resource-*, except the CLI's bundled pulumi-nodejs launcher) go to
# .toolchain/plugins instead: toolchain/setup.sh installs them into PULUMI_HOME the way
# `pulumi plugin install` does, so the CLI never picks them up from PATH (and never warns about it).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/.." && pwd)
cache=${ASHK8S_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/ashk8s/toolchain}
bin="$root/.toolchain/bin"
plugins="$root/.toolchain/plugins"
mkdir -p "$bin" "$plugins" "$cache"

source "$here/go-env.sh"

log() { printf '[toolchain] %s\n' "$*" >&2; }

# Hash of everything that decides a module's output: its folder's files and the Go version.
module_hash() {
  (cd "$1" && find . -type f ! -name '*.log' -print0 | sort -z | xargs -0 sha256sum; go version) |
    sha256sum | cut -c1-16
}

build_module() {
  local dir="$1" name out started
  name=$(basename "$dir")
  out="$cache/$name-$(module_hash "$dir")"
  if [ -f "$out/.complete" ]; then
    log "$name: cached ($out)"
  else
    started=$(date +%s)
    log "$name: building into $out (first build of a module can take several minutes)"
    rm -rf "$out.tmp" && mkdir -p "$out.tmp"
    if [ -x "$dir/build.sh" ]; then
      OUT="$out.tmp" ROOT="$root" "$dir/build.sh"
    else
      while read -r binary pkg ldflags; do
        case "$binary" in '' | '#'*) continue ;; esac
        log "$name: go build $pkg -> $binary"
        (cd "$dir" && go build -ldflags "-s -w ${ldflags:-}" -o "$out.tmp/$binary" "$pkg")
      done <"$dir/build.conf"
    fi
    touch "$out.tmp/.complete"
    rm -rf "$out" && mv "$out.tmp" "$out"
    log "$name: built in $(($(date +%s) - started)) s"
  fi
  # Hard links (copies across file systems), not symlinks: the Pulumi CLI looks for its language
  # host and bundled plugins next to its own resolved path, i.e. in .toolchain/bin.
  local f dest
  for f in "$out"/*; do
    case "$(basename "$f")" in
      pulumi-resource-pulumi-nodejs) dest=$bin ;;
      pulumi-resource-*) dest=$plugins && rm -f "$bin/$(basename "$f")" ;; # no stale copy on PATH
      *) dest=$bin ;;
    esac
    ln -f "$f" "$dest/$(basename "$f")" 2>/dev/null || cp -f "$f" "$dest/$(basename "$f")"
  done
}

if [ $# -gt 0 ]; then
  modules=("$@")
else
  modules=()
  for d in "$here"/modules/*/; do modules+=("$(basename "$d")"); done
fi
for m in "${modules[@]}"; do
  build_module "$here/modules/$m"
done
log "binaries in $bin: $(ls "$bin" | tr '\n' ' ')"
log "provider plugins in $plugins: $(ls "$plugins" | tr '\n' ' ')"
