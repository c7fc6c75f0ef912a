# Sourced by every script: puts the project's Node 22 and the offline toolchain first on PATH and
# keeps the Pulumi CLI off the network (design.md section 8). Safe to source twice.
ASHK8S_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
export ASHK8S_ROOT
case ":$PATH:" in
  *":$ASHK8S_ROOT/.toolchain/bin:"*) ;;
  *) export PATH="$ASHK8S_ROOT/node_modules/.bin:$ASHK8S_ROOT/.toolchain/bin:$PATH" ;;
esac
export PULUMI_HOME="${PULUMI_HOME:-$ASHK8S_ROOT/.toolchain/pulumi-home}"
export PULUMI_SKIP_UPDATE_CHECK=true
export PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION=true
export PULUMI_DISABLE_REGISTRY_RESOLVE=true
# The terraform-provider bridge plugin's version, as built in toolchain/modules/pulumi-terraform-bridge.
export ASHK8S_TF_BRIDGE_VERSION=0.0.0-bridge.3.128.0
