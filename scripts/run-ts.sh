#!/usr/bin/env bash
# Runs one of this repository's TypeScript scripts (npm run render|fleet|bench) with the project's
# Node 22 and toolchain on PATH and the Pulumi CLI kept offline (toolchain/env.sh), so that nothing
# has to be sourced by hand. Says what is missing instead of failing inside the script.
#
#   scripts/run-ts.sh [--needs-pulumi] scripts/<name>.ts [args...]
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../toolchain/env.sh"
needs_pulumi=false
if [ "${1:-}" = --needs-pulumi ]; then
  needs_pulumi=true
  shift
fi
script=${1:?usage: scripts/run-ts.sh [--needs-pulumi] scripts/<name>.ts [args...]}
shift
missing() {
  printf '%s: %s\n' "${script##*/}" "$*" >&2
  exit 2
}
[ -x "$ASHK8S_ROOT/node_modules/.bin/node" ] && [ -f "$ASHK8S_ROOT/node_modules/.ashk8s-lock" ] ||
  missing "the npm dependencies are not installed in $ASHK8S_ROOT/node_modules; run \`npm test\` or \`npm run demo\` first (both install them)."
[ -f "$ASHK8S_ROOT/sdks/azurestack/package.json" ] ||
  missing "the generated @pulumi/azurestack SDK (sdks/azurestack) is missing; run \`npm run toolchain\` (or \`npm test\`)."
if $needs_pulumi; then
  command -v pulumi >/dev/null ||
    missing "no Pulumi CLI: it is built into .toolchain/bin by \`npm run toolchain\` (or \`npm test\`); run that first."
fi
# Scripts that run the program through Pulumi (fleet, kubeconfig, bench) need bin/ up to date.
node "$ASHK8S_ROOT/scripts/program-build.js"
exec node -r "$ASHK8S_ROOT/scripts/ts-register.js" "$script" "$@"
