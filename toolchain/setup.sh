#!/usr/bin/env bash
# `npm run toolchain`: chooses the toolchain (toolchain/select.sh: the offline build from Go modules,
# or a Pulumi CLI installed the normal way), builds or installs what it needs and generates the
# @pulumi/azurestack SDK into sdks/azurestack from the `packages:` entry of Pulumi.yaml, the way
# `pulumi install` does. Idempotent: a warm re-run only checks stamps and links.
#
#   toolchain/setup.sh            everything (CLI, plugins, local control plane, aks-engine, actionlint)
#   toolchain/setup.sh demo       what `npm run demo` needs: the sdk part, the Kubernetes plugin and
#                                 the local control plane (no aks-engine stand-in, no actionlint)
#   toolchain/setup.sh sdk        only what generating @pulumi/azurestack needs
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
log() { printf '[toolchain] %s\n' "$*" >&2; }
started=$(date +%s)

bash toolchain/select.sh
source toolchain/env.sh

if [ "$ASHK8S_TOOLCHAIN_MODE" = system ]; then
  # The installed CLI generates the SDK the normal way: `pulumi install` downloads the
  # terraform-provider plugin and the Terraform provider. The local control plane binaries are
  # taken from PATH or built on first start (scripts/local-cluster.sh).
  sdk_stamp=$( (cat Pulumi.yaml; pulumi version) | sha256sum | cut -c1-16)
  if [ "$(cat sdks/azurestack/.ashk8s-stamp 2>/dev/null)" != "$sdk_stamp" ]; then
    log "generating sdks/azurestack with the installed CLI (pulumi install)"
    rm -rf sdks/azurestack
    ASHK8S_SDK_PLUGINS=download bash toolchain/generate-sdk.sh
    echo "$sdk_stamp" >sdks/azurestack/.ashk8s-stamp
  else
    log "sdks/azurestack is up to date"
  fi
  log "done in $(($(date +%s) - started)) s"
  exit 0
fi

sdk_modules=(pulumi pulumi-language-nodejs pulumi-terraform-bridge terraform-provider-azurestack)
case "${1:-all}" in
  sdk) bash toolchain/build.sh "${sdk_modules[@]}" ;;
  demo) bash toolchain/build.sh "${sdk_modules[@]}" pulumi-kubernetes etcd kubernetes kwok ;;
  all) bash toolchain/build.sh ;;
  *)
    log "error: unknown part '$1': use sdk, demo or all"
    exit 2
    ;;
esac

# The Terraform provider, where the bridge looks for a cached registry download (no network).
tf_version=$(sed -n 's/^require github.com\/hashicorp\/terraform-provider-azurestack v//p' \
  toolchain/modules/terraform-provider-azurestack/go.mod)
tf_dir="$PULUMI_HOME/dynamic_tf_plugins/registry.opentofu.org/hashicorp/azurestack/$tf_version/linux_amd64"
mkdir -p "$tf_dir"
cp -fL .toolchain/bin/terraform-provider-azurestack "$tf_dir/terraform-provider-azurestack"

# The provider plugins built into .toolchain/plugins (terraform-provider bridge, Kubernetes),
# installed into PULUMI_HOME so the CLI finds them as installed plugins, not on PATH.
bash toolchain/install-plugins.sh

# Generate sdks/azurestack unless it is already generated from the same inputs.
sdk_stamp=$( (cat Pulumi.yaml; pulumi version; sha256sum .toolchain/plugins/pulumi-resource-terraform-provider \
  .toolchain/bin/terraform-provider-azurestack .toolchain/bin/pulumi-language-nodejs) | sha256sum | cut -c1-16)
if [ "$(cat sdks/azurestack/.ashk8s-stamp 2>/dev/null)" != "$sdk_stamp" ]; then
  log "generating sdks/azurestack from Pulumi.yaml packages (pulumi install)"
  rm -rf sdks/azurestack
  bash toolchain/generate-sdk.sh
  echo "$sdk_stamp" >sdks/azurestack/.ashk8s-stamp
else
  log "sdks/azurestack is up to date"
fi
log "done in $(($(date +%s) - started)) s"
