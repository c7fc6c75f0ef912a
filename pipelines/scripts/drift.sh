#!/usr/bin/env bash
# Scheduled drift detection for one stack, the same for both CI flavours:
#
#   pipelines/scripts/drift.sh <stack> [<kind>]
#
# Runs `pulumi refresh --preview-only --expect-no-changes`, which compares the stack's state with
# what really exists and changes nothing. Exit codes of the Pulumi CLI (>= 3.226.1): 0 in sync,
# 7 drift found (255 before 3.226.1), anything else an error.
#
# Reports `drift=yes|no` to the CI (GitHub: $GITHUB_OUTPUT; Azure Pipelines: the output variable
# `drift` of this step) and exits 0 for both, so the job can open or update an issue before it
# fails the run; on errors it exits with the CLI's code. Secrets come from the environment the CI
# maps in; nothing here echoes them (Pulumi masks secret values in its own output).
#
# A stamp's drift job runs as its read-only `viewer` (KUBECONFIG from kube-identity.sh), which
# cannot read Secrets: for kind `stamp` the refresh leaves every Kubernetes Secret of the stack out
# (the pattern of lib/clusterAccess.ts `viewerRefreshExcludes`, as `npm run fleet -- drift
# --read-only`); drift in a Secret is therefore not reported (docs/decisions.md).
set -uo pipefail
stack=${1:?usage: drift.sh <stack> [<kind>]}
kind=${2:-}

exclude=()
if [ "$kind" = stamp ]; then
  exclude=(--exclude "urn:pulumi:$stack::ash-ha-kubernetes::**kubernetes:core/v1:Secret::**")
fi
pulumi refresh --preview-only --expect-no-changes --diff --stack "$stack" --non-interactive "${exclude[@]}"
code=$?
case $code in
  0) drift=no ;;
  7) drift=yes ;;
  *)
    echo "drift check of stack $stack failed: pulumi refresh exited $code (not 0 = in sync, not 7 = drift)" >&2
    exit "$code"
    ;;
esac
echo "drift check of stack $stack: drift=$drift"
if [ -n "${GITHUB_OUTPUT:-}" ]; then
  echo "drift=$drift" >>"$GITHUB_OUTPUT"
fi
if [ -n "${TF_BUILD:-}" ]; then
  echo "##vso[task.setvariable variable=drift;isOutput=true]$drift"
fi
exit 0
