#!/usr/bin/env bash
# Prepares a CI agent to run Pulumi for this project, the same way for both CI flavours: a GitHub
# self-hosted runner (.github/actions/setup) and an Azure Pipelines agent
# (pipelines/templates/steps/setup.yml). Idempotent and fast on a warm agent.
#
#   1. A fresh, empty PULUMI_HOME for this job only, in the job's temporary directory (RUNNER_TEMP on
#      GitHub, AGENT_TEMPDIRECTORY on Azure Pipelines, both emptied by the runner around each job):
#      no job inherits plugins or credentials another job left there (docs/pipelines.md, "Caches").
#   2. The offline toolchain built from Go modules (Pulumi CLI, language host, terraform-provider
#      bridge, terraform-provider-azurestack -> sdks/azurestack) and `npm ci`: scripts/ensure-deps.sh.
#   3. The Kubernetes provider plugin, also from Go modules, installed into PULUMI_HOME.
#   4. Provider plugins that cannot be built here (azure-native, tls) at the versions package.json
#      pins, from ASHK8S_PLUGIN_SERVER (an internal mirror, for disconnected stamps) when it is set,
#      else from Pulumi's default location, into the job's PULUMI_HOME (so every job installs them).
#   5. PATH and the Pulumi environment for the job's later steps; on Azure Pipelines also the CLI in
#      the agent's tool cache, where the Pulumi@1 task looks before it would download one.
#
# The toolchain cache (~/.cache/ashk8s, 30-60 minutes to rebuild) and the agent's tool cache stay
# per agent: that is why previews run on their own agents (`ashk8s-<stack>-preview`), never on the
# agents that deploy (docs/pipelines.md, "Caches").
#
# Needs on the agent: bash, git, Go >= 1.26 (GOPROXY may point at a mirror) and npm (any version;
# NPM_CONFIG_REGISTRY may point at a mirror). Never prints secrets: it reads none.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
job_tmp=${RUNNER_TEMP:-${AGENT_TEMPDIRECTORY:-${TMPDIR:-/tmp}}}
PULUMI_HOME=$(mktemp -d "$job_tmp/ashk8s-pulumi-home.XXXXXXXX")
export PULUMI_HOME
# shellcheck source-path=SCRIPTDIR/../.. source=toolchain/env.sh
source "$root/toolchain/env.sh"
cd "$root"
log() { printf '[agent-setup] %s\n' "$*" >&2; }

bash scripts/ensure-deps.sh
bash toolchain/build.sh pulumi-kubernetes
bash toolchain/install-plugins.sh

pin() { node -p "require('./package.json').dependencies['@pulumi/$1']"; }
for plugin in azure-native tls; do
  version=$(pin "$plugin")
  if [ -d "$PULUMI_HOME/plugins/resource-$plugin-v$version" ]; then
    log "plugin $plugin v$version: installed"
  elif [ -n "${ASHK8S_PLUGIN_SERVER:-}" ]; then
    log "plugin $plugin v$version: installing from $ASHK8S_PLUGIN_SERVER"
    pulumi plugin install resource "$plugin" "$version" --server "$ASHK8S_PLUGIN_SERVER"
  else
    log "plugin $plugin v$version: installing from Pulumi's default download location"
    pulumi plugin install resource "$plugin" "$version"
  fi
done

exports=(
  "PULUMI_HOME=$PULUMI_HOME"
  "PULUMI_SKIP_UPDATE_CHECK=true"
  "PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION=true"
  "PULUMI_DISABLE_REGISTRY_RESOLVE=true"
  "ASHK8S_TF_BRIDGE_VERSION=$ASHK8S_TF_BRIDGE_VERSION"
)
if [ -n "${GITHUB_ENV:-}" ]; then
  printf '%s\n' "${exports[@]}" >>"$GITHUB_ENV"
  printf '%s\n' "$root/.toolchain/bin" "$root/node_modules/.bin" >>"$GITHUB_PATH"
fi
if [ -n "${TF_BUILD:-}" ]; then
  for kv in "${exports[@]}"; do
    echo "##vso[task.setvariable variable=${kv%%=*}]${kv#*=}"
  done
  echo "##vso[task.prependpath]$root/.toolchain/bin"
  echo "##vso[task.prependpath]$root/node_modules/.bin"
  if [ -n "${AGENT_TOOLSDIRECTORY:-}" ]; then
    # The tool-cache layout of azure-pipelines-tool-lib: <tools>/<tool>/<version>/<arch>[.complete].
    version=$(pulumi version | sed 's/^v//')
    cached="$AGENT_TOOLSDIRECTORY/pulumi/$version/x64"
    mkdir -p "$cached/bin"
    cp -f .toolchain/bin/pulumi* "$cached/bin/"
    touch "$cached.complete"
    log "Pulumi CLI v$version registered in the agent tool cache ($cached)"
  fi
fi
log "ready: $(pulumi version), node $(node --version)"
