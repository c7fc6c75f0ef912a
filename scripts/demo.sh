#!/usr/bin/env bash
# `npm run demo`: the main job on the embedded default. Sets everything up (toolchain, npm deps),
# starts the local control plane, logs into a local file backend with a passphrase generated for
# you (kept in .local/), runs `pulumi up --yes` on the `local` stack and shows what it created.
# `npm run demo:down` destroys the stack and stops the control plane.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../toolchain/env.sh"
cd "$ASHK8S_ROOT"
say() { printf '\n\033[1m==> %s\033[0m\n' "$*"; }

mkdir -p .local
export PULUMI_BACKEND_URL="file://$ASHK8S_ROOT/.local/state"
mkdir -p .local/state
if [ ! -s .local/passphrase ]; then
  (umask 077 && head -c 32 /dev/urandom | base64 | tr -d '\n' >.local/passphrase)
fi
export PULUMI_CONFIG_PASSPHRASE_FILE="$ASHK8S_ROOT/.local/passphrase"
export KUBECONFIG="$ASHK8S_ROOT/.local/kubeconfig"

if [ "${1:-up}" = down ]; then
  say "destroying the local stack"
  if pulumi stack select local --non-interactive 2>/dev/null; then
    pulumi destroy --yes --skip-preview --stack local --non-interactive
  fi
  say "stopping the local control plane"
  scripts/local-cluster.sh stop
  exit 0
fi

say "1/4 toolchain and npm dependencies (first run builds Go tools: 30-60 min on 2 cores, cached afterwards)"
bash scripts/ensure-deps.sh all
say "2/4 local control plane"
scripts/local-cluster.sh start
say "3/4 pulumi up on the local stack (backend $PULUMI_BACKEND_URL)"
pulumi stack select local --create --secrets-provider passphrase --non-interactive
pulumi up --yes --stack local --non-interactive
say "4/4 what was created"
pulumi stack output --stack local
ns=$(pulumi stack output namespace --stack local)
kubectl get all,pvc,hpa,pdb,networkpolicy -n "$ns"
cat <<MSG

The ratings app runs on the local control plane (nodes and pods are simulated by KWOK).
Look around:
  export KUBECONFIG=$KUBECONFIG
  kubectl get nodes
  kubectl -n $ns get pods,svc,hpa
  source toolchain/env.sh && PULUMI_BACKEND_URL=$PULUMI_BACKEND_URL PULUMI_CONFIG_PASSPHRASE_FILE=$PULUMI_CONFIG_PASSPHRASE_FILE pulumi stack --stack local
Tear it down with: npm run demo:down
MSG
