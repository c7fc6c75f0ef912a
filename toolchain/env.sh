# Sourced by every script: puts the project's Node 22 and the toolchain first on PATH and keeps the
# Pulumi CLI off the network (design.md section 8). Safe to source twice.
#
# Which toolchain: .toolchain/mode, written by toolchain/select.sh. `build` (the default): the Go
# builds in .toolchain/bin, plugins in .toolchain/pulumi-home, nothing downloaded at run time.
# `system`: the Pulumi CLI installed on PATH with the user's own PULUMI_HOME; .toolchain/bin stays
# last on PATH (kubectl and the local control plane if they were built).
ASHK8S_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
export ASHK8S_ROOT
ASHK8S_TOOLCHAIN_MODE=$(sed -n 's/^mode=//p' "$ASHK8S_ROOT/.toolchain/mode" 2>/dev/null || true)
export ASHK8S_TOOLCHAIN_MODE=${ASHK8S_TOOLCHAIN_MODE:-build}
if [ "$ASHK8S_TOOLCHAIN_MODE" = system ]; then
  case ":$PATH:" in
    *":$ASHK8S_ROOT/.toolchain/system-bin:"*) ;;
    *) export PATH="$ASHK8S_ROOT/node_modules/.bin:$ASHK8S_ROOT/.toolchain/system-bin:$PATH:$ASHK8S_ROOT/.toolchain/bin" ;;
  esac
else
  case ":$PATH:" in
    *":$ASHK8S_ROOT/.toolchain/bin:"*) ;;
    *) export PATH="$ASHK8S_ROOT/node_modules/.bin:$ASHK8S_ROOT/.toolchain/bin:$PATH" ;;
  esac
  export PULUMI_HOME="${PULUMI_HOME:-$ASHK8S_ROOT/.toolchain/pulumi-home}"
  export PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION=true
  export PULUMI_DISABLE_REGISTRY_RESOLVE=true
fi
export PULUMI_SKIP_UPDATE_CHECK=true
# The terraform-provider bridge plugin's version, as built in toolchain/modules/pulumi-terraform-bridge.
export ASHK8S_TF_BRIDGE_VERSION=0.0.0-bridge.3.128.0
