#!/usr/bin/env bash
# The Kubernetes identity of one CI job, the same for both CI flavours (docs/pipelines.md,
# "Kubernetes identities"):
#
#   pipelines/scripts/kube-identity.sh write <stack> <kind> viewer|deployer
#   pipelines/scripts/kube-identity.sh remove
#
# `write`, for a stamp: `npm run kubeconfig -- <stack> --viewer|--deployer` writes that identity's
# kubeconfig (from the stack's state) to a mode-0600 file in a 0700 folder under the job's
# temporary directory, and KUBECONFIG=<file> is handed to the job's later steps (GitHub:
# $GITHUB_ENV; Azure Pipelines: a task variable). The program refuses a KUBECONFIG that does not
# reach the stamp's API server. Other kinds (global: no cluster; edge: its kubeconfig is in its
# config) get nothing. Jobs never get the cluster-admin kubeconfig: a change only an admin can make
# fails with RBAC's "forbidden" and is an operator's admin run (docs/stamp-runbook.md, "Identities").
# `remove` deletes the folder; jobs run it last, also when a step failed.
set -euo pipefail

job_tmp=${RUNNER_TEMP:-${AGENT_TEMPDIRECTORY:-}}
if [ -z "$job_tmp" ]; then
  echo "kube-identity: neither RUNNER_TEMP (GitHub) nor AGENT_TEMPDIRECTORY (Azure Pipelines) is set" >&2
  exit 2
fi
dir="$job_tmp/ashk8s-kube-identity"

case "${1:-}" in
  remove)
    rm -rf -- "$dir"
    echo "kube-identity: removed $dir"
    exit 0
    ;;
  write) ;;
  *)
    echo "usage: kube-identity.sh write <stack> <kind> viewer|deployer | kube-identity.sh remove" >&2
    exit 2
    ;;
esac

stack=${2:-}
kind=${3:-}
identity=${4:-}
if ! [[ $stack =~ ^[a-z0-9][a-z0-9-]{0,62}$ ]]; then
  echo "kube-identity: stack \"$stack\" is not a stack name (lowercase letters, digits, dashes)" >&2
  exit 2
fi
case "$identity" in
  viewer | deployer) ;;
  *)
    echo "kube-identity: identity \"$identity\" is not viewer or deployer (jobs never run as admin)" >&2
    exit 2
    ;;
esac
if [ "$kind" != "stamp" ]; then
  echo "kube-identity: stack $stack is a $kind stack: no stamp cluster, KUBECONFIG not set"
  exit 0
fi

umask 077
mkdir -p -- "$dir"
chmod 700 -- "$dir"
file="$dir/$stack-$identity"
npm run --silent kubeconfig -- "$stack" "--$identity" --out "$file"
chmod 600 -- "$file"
if [ -n "${GITHUB_ENV:-}" ]; then
  echo "KUBECONFIG=$file" >>"$GITHUB_ENV"
fi
if [ -n "${TF_BUILD:-}" ]; then
  echo "##vso[task.setvariable variable=KUBECONFIG]$file"
fi
echo "kube-identity: stack $stack runs as $identity (KUBECONFIG=$file, mode 0600)"
