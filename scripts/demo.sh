#!/usr/bin/env bash
# `npm run demo`: the main job on the embedded default. Sets everything up (toolchain, npm deps),
# starts the local control plane, logs into a local file backend with a passphrase generated for
# you (kept in .local/), runs `pulumi up --yes` on the `local` stack and shows what it created.
# `npm run demo:down` destroys the stack and stops the control plane.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../toolchain/env.sh"
cd "$ASHK8S_ROOT"
say() { printf '\n\033[1m==> %s\033[0m\n' "$*"; }

# The demo's backend, passphrase and stack config (paths shared with scripts/lib/backend.ts). The
# passphrase secrets provider writes its salt into the stack's config file, so the demo keeps that
# file in .local/ (git-ignored): the tracked Pulumi.local.yaml is its template and never changes.
state_dir=.local/state
passphrase_file=.local/passphrase
demo_dir=.local/demo-stack
demo_config=$demo_dir/Pulumi.local.yaml
mkdir -p "$state_dir" "$demo_dir"
export PULUMI_BACKEND_URL="file://$ASHK8S_ROOT/$state_dir"
if [ ! -s "$passphrase_file" ]; then
  (umask 077 && head -c 32 /dev/urandom | base64 | tr -d '\n' >"$passphrase_file")
fi
export PULUMI_CONFIG_PASSPHRASE_FILE="$ASHK8S_ROOT/$passphrase_file"
export KUBECONFIG="$ASHK8S_ROOT/.local/kubeconfig"

# .local/demo-stack/Pulumi.local.yaml = the tracked Pulumi.local.yaml + the salt of this machine's
# demo stack (kept from the previous run); Pulumi.yaml beside it lets `stack init` run there.
sync_demo_config() {
  local salt
  salt=$(grep -E '^(secretsprovider|encryptionsalt):' "$demo_config" 2>/dev/null || true)
  cp Pulumi.yaml "$demo_dir/Pulumi.yaml"
  { cat Pulumi.local.yaml; [ -z "$salt" ] || printf '%s\n' "$salt"; } >"$demo_config.tmp"
  mv -f "$demo_config.tmp" "$demo_config"
}
stack_exists() { pulumi stack ls --json --non-interactive 2>/dev/null | grep -q '"name": *"local"'; }

if [ "${1:-up}" = down ]; then
  say "destroying the local stack"
  if stack_exists; then
    sync_demo_config
    pulumi destroy --yes --skip-preview --stack local --config-file "$demo_config" --non-interactive
  fi
  say "stopping the local control plane"
  scripts/local-cluster.sh stop
  exit 0
fi

say "1/4 toolchain and npm dependencies (the first run on a machine builds the Go tools, see README; cached afterwards)"
bash scripts/ensure-deps.sh demo
say "2/4 local control plane"
scripts/local-cluster.sh start
say "3/4 pulumi up on the local stack (backend $PULUMI_BACKEND_URL)"
sync_demo_config
if ! stack_exists; then
  pulumi stack init local --secrets-provider passphrase --cwd "$demo_dir" --non-interactive
fi
pulumi up --yes --stack local --config-file "$demo_config" --non-interactive
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
  npm run fleet -- drift --stacks local      (drift check of the demo stack; preview works alike)
Tear it down with: npm run demo:down
MSG
