/**
 * The helper VM's cloud-init: trust the stamp CA, install the pinned aks-engine-azurestack and
 * kubectl, refusing any download whose SHA-256 differs from config. Pure and secret-free: custom
 * data is readable by anyone who can read the VM model, so nothing secret may go in here.
 */
import type { StampConfig } from "../config/stamp";
import { pemProblem } from "./pem";
import { shellQuote as q } from "./shell";

/** Where the helper keeps aks-engine's working directory (relative to the admin's home). */
export const HELPER_WORKDIR = "ashk8s";
/** Marker the bootstrap writes last; its content says which pinned versions were installed. */
export const BOOTSTRAP_MARKER = "/var/lib/ashk8s/bootstrap.done";

export interface Download {
  version: string;
  url: string;
  sha256: string;
}

export interface BootstrapSettings {
  aksEngine: Download;
  kubectl: Download;
  /** Extra PEM CA bundle to trust besides the stamp CA that waagent provides. */
  caCertificatePem?: string;
  adminUsername: string;
}

export function bootstrapSettings(
  c: Pick<StampConfig, "helperVm" | "azureStack">,
): BootstrapSettings {
  return {
    aksEngine: c.helperVm.aksEngine,
    kubectl: c.helperVm.kubectl,
    caCertificatePem: c.azureStack.caCertificatePem,
    adminUsername: c.helperVm.adminUsername,
  };
}

/**
 * The bootstrap script. Every path is under `$ASHK8S_PREFIX` (empty on the VM) so tests can run
 * the very same script in a scratch directory. Every value from config goes through `q`
 * (lib/shell.ts `shellQuote`): one single-quoted word, never expanded; a control character throws.
 */
export function renderBootstrapScript(s: BootstrapSettings): string {
  return `#!/usr/bin/env bash
# Helper VM bootstrap (rendered by lib/cloudInit.ts). Idempotent; fails on any checksum mismatch.
set -euo pipefail
P="\${ASHK8S_PREFIX:-}"
log() { echo "[ashk8s-bootstrap] $*"; }

# 1. Trust the stamp's CA (waagent writes it) and any extra CA from config.
mkdir -p "$P/usr/local/share/ca-certificates"
if [ -f "$P/var/lib/waagent/Certificates.pem" ]; then
  cp "$P/var/lib/waagent/Certificates.pem" "$P/usr/local/share/ca-certificates/azurestack-stamp-ca.crt"
fi
if [ -f "$P/etc/ashk8s/extra-ca.pem" ]; then
  cp "$P/etc/ashk8s/extra-ca.pem" "$P/usr/local/share/ca-certificates/ashk8s-extra-ca.crt"
fi
if [ -z "$P" ]; then update-ca-certificates; fi

# 2. Pinned downloads, refused unless their SHA-256 matches.
fetch() { # url sha256 destination
  local part="$3.part"
  curl -fsSL --retry 5 --retry-delay 3 -o "$part" "$1"
  if ! echo "$2  $part" | sha256sum -c --status -; then
    echo "[ashk8s-bootstrap] refusing $1: SHA-256 $(sha256sum "$part" | cut -d' ' -f1) is not the pinned $2" >&2
    rm -f "$part"
    exit 1
  fi
  mv "$part" "$3"
}
mkdir -p "$P/usr/local/bin" "$P/opt/aks-engine-azurestack" "$P/var/lib/ashk8s"
log aks-engine-azurestack ${q(s.aksEngine.version)} from ${q(s.aksEngine.url)}
fetch ${q(s.aksEngine.url)} ${q(s.aksEngine.sha256)} "$P/opt/aks-engine-azurestack/release.tar.gz"
tar -xzf "$P/opt/aks-engine-azurestack/release.tar.gz" -C "$P/opt/aks-engine-azurestack" --strip-components=1
install -m 0755 "$P/opt/aks-engine-azurestack/aks-engine-azurestack" "$P/usr/local/bin/aks-engine-azurestack"
log kubectl ${q(s.kubectl.version)} from ${q(s.kubectl.url)}
fetch ${q(s.kubectl.url)} ${q(s.kubectl.sha256)} "$P/usr/local/bin/kubectl"
chmod 0755 "$P/usr/local/bin/kubectl"

# 3. Working directory for aks-engine (it writes ./translations and _output/ there).
if [ -z "$P" ]; then
  install -d -m 0700 -o ${q(s.adminUsername)} -g ${q(s.adminUsername)} /home/${q(s.adminUsername)}/${q(HELPER_WORKDIR)}
fi
printf 'aks-engine-azurestack %s %s\\nkubectl %s %s\\n' ${q(s.aksEngine.version)} ${q(s.aksEngine.sha256)} ${q(s.kubectl.version)} ${q(s.kubectl.sha256)} > "$P"${q(BOOTSTRAP_MARKER)}
log "done"
`;
}

/** Indents a block for a YAML literal scalar. */
const block = (text: string, indent: string) =>
  text
    .trimEnd()
    .split("\n")
    .map((l) => (l.length ? indent + l : l))
    .join("\n");

/**
 * The #cloud-config document given to the VM as custom data. The extra CA bundle goes into a YAML
 * literal block, so it must be PEM CERTIFICATE blocks with line feeds only (lib/pem.ts): a carriage
 * return, NEL or U+2028 would end the block (cloud-init's YAML 1.1 reads them as line breaks).
 */
export function renderCloudInit(s: BootstrapSettings): string {
  const pem =
    s.caCertificatePem === undefined ? undefined : pemProblem(s.caCertificatePem, ["CERTIFICATE"]);
  if (pem) throw new Error(`azureStack.caCertificatePem: ${pem}`);
  const files = [
    `  - path: /opt/ashk8s/bootstrap.sh
    permissions: "0755"
    content: |
${block(renderBootstrapScript(s), "      ")}`,
  ];
  if (s.caCertificatePem) {
    files.push(`  - path: /etc/ashk8s/extra-ca.pem
    permissions: "0644"
    content: |
${block(s.caCertificatePem, "      ")}`);
  }
  return `#cloud-config
# Helper VM of an Azure Stack Hub stamp (rendered by lib/cloudInit.ts). No secrets in here.
ssh_pwauth: false
write_files:
${files.join("\n")}
runcmd:
  - [bash, /opt/ashk8s/bootstrap.sh]
`;
}
