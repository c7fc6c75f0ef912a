#!/usr/bin/env bash
# `npm test`: the one command that runs the checks on a fresh clone. It sets up what it needs
# (the toolchain part that generates @pulumi/azurestack, npm dependencies), then runs the format
# check, lint, the type-check and the unit tests, and prints the wall time.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../toolchain/env.sh"
cd "$ASHK8S_ROOT"
started=$(date +%s)
step() { printf '\n== %s\n' "$*"; }

bash scripts/ensure-deps.sh

step "format check (prettier)"
prettier --check . --log-level warn
step "lint (eslint + @pulumi/eslint-plugin)"
eslint .
step "type-check (tsc --noEmit)"
tsc --noEmit
step "unit tests (jest)"
jest --ci "$@"
printf '\nnpm test: all checks passed in %s s\n' "$(($(date +%s) - started))"
