#!/usr/bin/env bash
# `npm run test:integration`: the real-engine suite. Builds/links the whole toolchain, starts the
# local control plane (unless one is already running or ASHK8S_KUBECONFIG points elsewhere), runs
# the Pulumi CLI against it through jest, and stops the control plane again if it started it.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../toolchain/env.sh"
cd "$ASHK8S_ROOT"
started=$(date +%s)
bash scripts/ensure-deps.sh all
# The loopback helper tests need a real sshd (Debian openssh-server); install it when missing.
if [ ! -x /usr/sbin/sshd ]; then
  echo "[it] installing openssh-server (Debian package) for the loopback helper tests"
  if [ "$(id -u)" = 0 ]; then apt_get=(apt-get); else apt_get=(sudo apt-get); fi
  DEBIAN_FRONTEND=noninteractive "${apt_get[@]}" install -y --no-install-recommends openssh-server >/dev/null
fi
if scripts/local-cluster.sh status >/dev/null 2>&1; then
  echo "[it] using the running local control plane"
else
  scripts/local-cluster.sh start
  trap 'scripts/local-cluster.sh stop' EXIT
fi
jest --ci --config jest.integration.config.js "$@"
echo "[it] real-engine suite finished in $(($(date +%s) - started)) s"
