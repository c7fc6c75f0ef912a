#!/usr/bin/env bash
# Decides which toolchain this checkout uses and records it in .toolchain/mode (read by env.sh):
#
#   build   the offline toolchain built from Go modules (toolchain/build.sh): always works here, the
#           path of air-gapped machines and of this project's CI;
#   system  a Pulumi CLI installed the normal way (on PATH, at least the pinned version) with its
#           plugins installed by `pulumi plugin install` / `pulumi install`: no Go builds at all.
#
# ASHK8S_TOOLCHAIN=build|system forces a path; unset or `auto` takes `system` when a new enough
# `pulumi` is on PATH and the plugins this project needs can be installed for it, else `build`.
# Prints one line saying which path was chosen and why (stderr); exits 1 when `system` is forced
# but not usable.
#
#   toolchain/select.sh            (called by toolchain/setup.sh)
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/.." && pwd)
log() { printf '[toolchain] %s\n' "$*" >&2; }

want=${ASHK8S_TOOLCHAIN:-auto}
case "$want" in auto | build | system) ;; *)
  log "error: ASHK8S_TOOLCHAIN='$want': use build, system or auto"
  exit 1
  ;;
esac

pin=$(sed -n 's/^require github.com\/pulumi\/pulumi\/pkg\/v3 v\([0-9.]*\)$/\1/p' "$here/modules/pulumi/go.mod")
k8s_plugin=$(sed -n 's/^VERSION=\([0-9][0-9.]*\) .*/\1/p' "$here/modules/pulumi-kubernetes/build.sh")

record() { # record MODE [PULUMI]
  mkdir -p "$root/.toolchain"
  printf 'mode=%s\npulumi=%s\n' "$1" "${2:-}" >"$root/.toolchain/mode"
}
use_build() {
  record build
  log "toolchain: building from Go modules ($1; ASHK8S_TOOLCHAIN=system forces an installed CLI)"
}
not_usable() {
  if [ "$want" = system ]; then
    log "error: ASHK8S_TOOLCHAIN=system, but $1"
    exit 1
  fi
  use_build "$1"
  exit 0
}

if [ "$want" = build ]; then
  use_build "ASHK8S_TOOLCHAIN=build"
  exit 0
fi

# A pulumi on PATH that is not one of this checkout's own builds.
system_path=$(printf '%s' "$PATH" | tr ':' '\n' |
  grep -v -x -e "$root/.toolchain/bin" -e "$root/.toolchain/system-bin" -e "$root/node_modules/.bin" |
  paste -sd: -)
pulumi=$(PATH="$system_path" command -v pulumi || true)
[ -n "$pulumi" ] || not_usable "no Pulumi CLI is installed on PATH"

version=$("$pulumi" version 2>/dev/null | sed -n 's/^v\{0,1\}\([0-9][0-9.]*\).*/\1/p' | head -n 1)
[ -n "$version" ] || not_usable "$pulumi does not report a version"
if [ "$(printf '%s\n%s\n' "$pin" "$version" | sort -V | head -n 1)" != "$pin" ]; then
  not_usable "the installed Pulumi CLI $pulumi is v$version, older than the pinned v$pin"
fi

# The plugins, installed the normal way (a no-op when present). Offline this fails fast.
export PULUMI_SKIP_UPDATE_CHECK=true
if ! timeout 300 "$pulumi" plugin install resource kubernetes "$k8s_plugin" >/dev/null 2>&1; then
  not_usable "the installed Pulumi CLI v$version cannot install the kubernetes v$k8s_plugin plugin here (offline?)"
fi
record system "$pulumi"
log "toolchain: the installed Pulumi CLI $pulumi (v$version >= v$pin) and its plugins; no Go builds (ASHK8S_TOOLCHAIN=build forces them)"
