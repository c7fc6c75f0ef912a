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
# fails the run; on errors it exits with the CLI's code. A stamp whose cluster neither its API nor
# its helper answered (`cluster <stamp> not observed:` in the output, the same rule as the fleet
# runner's scripts/lib/fleet.ts) is `drift=unknown` and exits 1, whatever the CLI's code: never
# reported as in sync or as mere drift. Secrets come from the environment the CI
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
report() {
  echo "drift check of stack $stack: drift=$1"
  if [ -n "${GITHUB_OUTPUT:-}" ]; then
    echo "drift=$1" >>"$GITHUB_OUTPUT"
  fi
  if [ -n "${TF_BUILD:-}" ]; then
    echo "##vso[task.setvariable variable=drift;isOutput=true]$1"
  fi
}
# The CLI's output is kept (Pulumi masks secret values in it) only to look for the not-observed line.
out=$(mktemp)
trap 'rm -f "$out"' EXIT
pulumi refresh --preview-only --expect-no-changes --diff --stack "$stack" --non-interactive "${exclude[@]}" 2>&1 | tee "$out"
code=${PIPESTATUS[0]}
if grep -Eq 'cluster [^ ]+ not observed:' "$out"; then
  report unknown
  echo "drift check of stack $stack: the cluster was observed neither through its API nor through its helper (pulumi refresh exited $code); see docs/stamp-runbook.md, 'Refresh when the helper or the API is gone'" >&2
  exit 1
fi
case $code in
  0) report no ;;
  7) report yes ;;
  *)
    echo "drift check of stack $stack failed: pulumi refresh exited $code (not 0 = in sync, not 7 = drift)" >&2
    exit "$code"
    ;;
esac
exit 0
