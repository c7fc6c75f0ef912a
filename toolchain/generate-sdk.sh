#!/usr/bin/env bash
# Generates sdks/azurestack from the `packages:` entry of Pulumi.yaml with `pulumi install`
# (the bridge plugin parameterized with hashicorp/azurestack 1.0.0; the Terraform provider comes
# from the pre-filled cache) and links it into package.json as file:sdks/azurestack.
# Called by toolchain/setup.sh, which sets up PATH and PULUMI_HOME through toolchain/env.sh.
set -euo pipefail
cd "$ASHK8S_ROOT"
mkdir -p .toolchain
cp Pulumi.yaml .toolchain/Pulumi.yaml.before
cp package.json .toolchain/package.json.before
# `pulumi install` (CLI 3.259) leaves the terraform-provider plugin it started for the schema
# running, orphaned, after it exits (the plugin has a process group of its own). End the orphans
# of this PULUMI_HOME's plugins that appeared during the install, with the Terraform provider each
# started, so setup leaves no process behind.
orphan_plugins() {
  ps -eo pid=,ppid=,args= | awk -v dir="$PULUMI_HOME/plugins/" '$2 == 1 && index($3, dir) == 1 {print $1}'
}
before=" $(orphan_plugins | tr '\n' ' ') "
install_rc=0
if [ "${ASHK8S_SDK_PLUGINS:-}" = download ]; then
  # An installed CLI (toolchain/select.sh chose `system`): plugins and the Terraform provider are
  # downloaded the normal way.
  PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION=false PULUMI_DISABLE_REGISTRY_RESOLVE=false \
    pulumi install --no-dependencies --non-interactive >&2 || install_rc=$?
else
  pulumi install --no-plugins --no-dependencies --non-interactive >&2 || install_rc=$?
fi
for pid in $(orphan_plugins); do
  [[ $before == *" $pid "* ]] && continue
  # The plugin leads a process group of its own, with the Terraform provider it started in it.
  if [ "$(ps -o pgid= -p "$pid" | tr -d ' ')" = "$pid" ]; then
    kill -- -"$pid" 2>/dev/null || true
  else
    kill "$pid" 2>/dev/null || true
  fi
done
[ "$install_rc" -eq 0 ] || exit "$install_rc"
# pulumi install may re-serialise Pulumi.yaml (the packages entry is already there): keep ours.
cp .toolchain/Pulumi.yaml.before Pulumi.yaml
# Linking rewrites package.json's allowScripts when `npm pkg get` prints warnings (this machine's
# npmrc); merge what the link adds into the original instead.
node -e '
const fs = require("fs");
const before = JSON.parse(fs.readFileSync(".toolchain/package.json.before", "utf8"));
const linked = JSON.parse(fs.readFileSync("package.json", "utf8"));
before.dependencies = { ...before.dependencies, "@pulumi/azurestack": linked.dependencies["@pulumi/azurestack"] };
before.allowScripts = { ...before.allowScripts, "file:sdks/azurestack": true };
const sorted = Object.fromEntries(Object.entries(before.dependencies).sort(([a], [b]) => a.localeCompare(b)));
before.dependencies = sorted;
fs.writeFileSync("package.json", JSON.stringify(before, null, 2) + "\n");
'
test -f sdks/azurestack/package.json
