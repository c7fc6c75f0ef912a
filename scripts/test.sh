#!/usr/bin/env bash
# `npm test`: the one command that runs the checks on a fresh clone. It sets up what it needs
# (the toolchain part that generates @pulumi/azurestack, npm dependencies), then runs the format
# check, lint, the type-check, the Go checks of the toolchain's own code and the unit tests (among
# them a smoke test through the built CLI and language host), and prints the wall time.
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
step "Go checks of the toolchain's own code (go vet, go test)"
bash toolchain/go-check.sh
step "unit tests (jest)"
jest --ci "$@"
printf '\nnpm test: all checks passed in %s s\n' "$(($(date +%s) - started))"
