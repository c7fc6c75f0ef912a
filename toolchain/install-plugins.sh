#!/usr/bin/env bash
# Installs the provider plugins that toolchain/build.sh left in .toolchain/plugins into PULUMI_HOME
# with `pulumi plugin install --file`, i.e. where the CLI looks for installed plugins. They are kept
# off PATH on purpose: a plugin found on PATH makes every pulumi run print
# "warning: using pulumi-resource-<name> from $PATH".
#
#   toolchain/install-plugins.sh     (called by toolchain/setup.sh; idempotent, a no-op when current)
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$ASHK8S_ROOT"
log() { printf '[toolchain] %s\n' "$*" >&2; }

# The version each plugin reports and is installed as (one place per plugin: its recipe).
plugin_version() {
  case "$1" in
    terraform-provider) echo "$ASHK8S_TF_BRIDGE_VERSION" ;;
    kubernetes) sed -n 's/^VERSION=\([0-9][0-9.]*\) .*/\1/p' toolchain/modules/pulumi-kubernetes/build.sh ;;
    *) return 1 ;;
  esac
}

shopt -s nullglob
for file in .toolchain/plugins/pulumi-resource-*; do
  name=${file##*/pulumi-resource-}
  version=$(plugin_version "$name") || {
    log "error: no version known for plugin $name ($file): add it to plugin_version in $0"
    exit 1
  }
  [ -n "$version" ] || { log "error: could not read the version of plugin $name"; exit 1; }
  installed="$PULUMI_HOME/plugins/resource-$name-v$version/pulumi-resource-$name"
  if cmp -s "$file" "$installed"; then
    continue
  fi
  log "installing plugin $name v$version into $PULUMI_HOME"
  pulumi plugin install resource "$name" "$version" --file "$file" --reinstall >&2
done
