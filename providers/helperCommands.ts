/**
 * The bash scripts the cluster provider sends to the helper VM over SSH (on stdin, never as
 * arguments), and the parsing of what they print. Pure.
 *
 * Secret handling: secrets travel inside the script on SSH's stdin, base64-encoded in quoted
 * here-documents, land in 0600 files in a 0700 per-run directory and are removed by an EXIT trap.
 * aks-engine signs in to ARM with the service principal's certificate (`client_certificate`), so
 * no secret is ever an argument of any process. The generated `_output/` (0600 files written by
 * aks-engine itself) stays on the helper because scale and upgrade need it, and is archived into
 * Pulumi state (as a secret) so a replaced helper gets it back before any command.
 */
import { HELPER_WORKDIR } from "../lib/cloudInit";
import { compareVersions } from "../lib/clusterPlan";
import { shellQuote as q } from "../lib/shell";

/** Markers framing the machine-readable parts of a script's stdout. */
export const MARK = {
  nodes: "=== ashk8s:nodes ===",
  kubeconfig: "=== ashk8s:kubeconfig ===",
  archive: "=== ashk8s:output-archive ===",
  end: "=== ashk8s:end ===",
} as const;

/** Fixed facts about one stamp's cluster that every command needs. */
export interface HelperContext {
  /** CLI on the helper's PATH (a test double in the loopback tests). */
  cli: string;
  /** File the bootstrap writes when the helper is ready. */
  bootstrapMarker: string;
  location: string;
  resourceGroup: string;
  identitySystem: "azure_ad" | "adfs";
  subscriptionId: string;
  clientId: string;
  /** API server FQDN (scale needs the name, not an IP). */
  apiServerFqdn: string;
}

/** Secrets a command may need; each is written to a 0600 file for the command's duration. */
export interface HelperSecrets {
  /** PEM with the certificate and private key of the service principal (ARM sign-in). */
  servicePrincipalCertificate: string;
  /** The client secret the cluster's cloud provider uses (goes into the apimodel, never argv). */
  servicePrincipalSecret: string;
}

export type HelperOperation =
  /** `digest`: of the input definition (definitionDigest), to tell a corrected retry apart. */
  | { op: "deploy"; apiModel: string; digest: string }
  | { op: "scale"; pool: string; count: number }
  | { op: "upgrade"; version: string; force: boolean }
  | { op: "observe" }
  | { op: "forget" };

const b64 = (s: string) => Buffer.from(s, "utf8").toString("base64");

/** A quoted here-document that writes base64 `data` decoded into `file` (0600 through umask). */
function secretFile(file: string, data: string): string {
  return `base64 -d > "$S/${file}" <<'ASHK8S_DATA'\n${b64(data).replace(/(.{76})/g, "$1\n")}\nASHK8S_DATA`;
}

/** Splits a PEM bundle into its certificate blocks and its private key block. */
export function splitCertificateBundle(pem: string): { certificate: string; privateKey: string } {
  const blocks = pem.match(/-----BEGIN [A-Z ]+-----[\s\S]+?-----END [A-Z ]+-----/g) ?? [];
  const certificate = blocks.filter((b) => b.includes("CERTIFICATE")).join("\n");
  const privateKey = blocks.find((b) => b.includes("PRIVATE KEY")) ?? "";
  if (!certificate || !privateKey) {
    throw new Error(
      "servicePrincipalCertificate: must hold a CERTIFICATE block and a PRIVATE KEY block",
    );
  }
  return { certificate: `${certificate}\n`, privateKey: `${privateKey}\n` };
}

/** The shell arguments every ARM-facing command shares: no secret among them, only file paths. */
function authArgs(c: HelperContext): string {
  return [
    "--azure-env AzureStackCloud",
    `--location ${q(c.location)}`,
    `--subscription-id ${q(c.subscriptionId)}`,
    `--identity-system ${q(c.identitySystem)}`,
    "--auth-method client_certificate",
    `--client-id ${q(c.clientId)}`,
    '--certificate-path "$S/sp.crt"',
    '--private-key-path "$S/sp.key"',
  ].join(" ");
}

/** The first lines of every helper script: strict bash, private files, bootstrap done, workdir. */
export function preamble(c: HelperContext, op: string): string[] {
  return [
    "set -euo pipefail",
    "umask 077",
    `echo "[helper] ${op} on $(hostname)" >&2`,
    `for i in $(seq 1 120); do [ -f ${q(c.bootstrapMarker)} ] && break; echo "[helper] waiting for the bootstrap to finish ($i)" >&2; sleep 5; done`,
    `[ -f ${q(c.bootstrapMarker)} ] || { echo "[helper] bootstrap did not finish:" ${q(c.bootstrapMarker)} "is missing" >&2; exit 20; }`,
    `mkdir -p "$HOME/"${q(HELPER_WORKDIR)} && cd "$HOME/"${q(HELPER_WORKDIR)}`,
  ];
}

/** Unpacks `_output/` from state (base64 tar.gz) when the helper has none (new or replaced). */
export function restoreLines(restoreArchive: string): string[] {
  return [
    "if [ ! -f _output/apimodel.json ]; then",
    '  echo "[helper] restoring _output/ from Pulumi state" >&2',
    `  base64 -d <<'ASHK8S_DATA' | tar -xzf -\n${restoreArchive.replace(/(.{76})/g, "$1\n")}\nASHK8S_DATA`,
    "fi",
  ];
}

/** The quoted here-documents that write an operation's secrets into `$S` (0600 files). */
export function secretLines(operation: HelperOperation, secrets: HelperSecrets): string[] {
  if (operation.op === "observe" || operation.op === "forget") return [];
  const { certificate, privateKey } = splitCertificateBundle(secrets.servicePrincipalCertificate);
  const lines = [secretFile("sp.crt", certificate), secretFile("sp.key", privateKey)];
  if (operation.op === "deploy") lines.push(secretFile("apimodel.json", operation.apiModel));
  lines.push(secretFile("sp-secret", secrets.servicePrincipalSecret));
  return lines;
}

/**
 * The commands of a deploy, scale or upgrade, run in the workdir with the secrets in `$S`: the
 * body of the detached operation (providers/helperOperation.ts). Secret-free: only file paths.
 */
export function operationLines(c: HelperContext, operation: HelperOperation): string[] {
  const cli = q(c.cli);
  switch (operation.op) {
    case "deploy":
      return [
        ...deployModelChoice(operation.digest, c.clientId),
        `${cli} deploy ${authArgs(c)} --api-model "$model" --resource-group ${q(c.resourceGroup)} --output-directory _output --force-overwrite 1>&2 || rc=$?`,
        // The digest of the definition this _output/ was generated from, kept even on failure so
        // a retry can tell a corrected definition from the same one.
        `if [ -d _output ]; then printf '%s\\n' ${q(operation.digest)} > ${DEPLOY_FILES.digest}; fi`,
        `if [ "$rc" -ne 0 ]; then echo "[helper] deploy failed with exit code $rc" >&2; exit "$rc"; fi`,
        `date -u +%Y-%m-%dT%H:%M:%SZ > ${DEPLOY_FILES.deployed}`,
      ];
    case "scale":
      return [
        syncCredentialsIntoApiModel(c.clientId),
        `${cli} scale ${authArgs(c)} --api-model _output/apimodel.json --resource-group ${q(c.resourceGroup)} --node-pool ${q(operation.pool)} --new-node-count ${operation.count} --apiserver ${q(c.apiServerFqdn)} 1>&2`,
      ];
    case "upgrade":
      return [
        syncCredentialsIntoApiModel(c.clientId),
        `${cli} upgrade ${authArgs(c)} --api-model _output/apimodel.json --resource-group ${q(c.resourceGroup)} --upgrade-version ${q(operation.version)}${operation.force ? " --force" : ""} 1>&2`,
      ];
    default:
      return [];
  }
}

/** Prints the report (nodes, kubeconfig, `_output/` archive) between the markers on stdout. */
export function reportLines(c: HelperContext): string[] {
  return [
    `kc=_output/kubeconfig/kubeconfig.${q(c.location)}.json`,
    '[ -f "$kc" ] || { echo "[helper] no kubeconfig at $kc: the cluster was never deployed from this helper and state has none" >&2; exit 21; }',
    `echo ${q(MARK.nodes)}`,
    'kubectl --kubeconfig "$kc" get nodes -o json --request-timeout=60s',
    `echo ${q(MARK.kubeconfig)}`,
    'base64 -w0 "$kc"; echo',
    `echo ${q(MARK.archive)}`,
    "tar -czf - _output | base64 -w0; echo",
    `echo ${q(MARK.end)}`,
  ];
}

/**
 * Renders one operation as a single script run in the SSH session (observe and forget; deploy,
 * scale and upgrade run detached through providers/helperOperation.ts, with the same
 * `operationLines`). `restoreArchive` (base64 tar.gz of `_output/` from state) is unpacked first
 * when the helper has no `_output/apimodel.json` (a new or replaced helper).
 */
export function renderHelperScript(
  c: HelperContext,
  operation: HelperOperation,
  secrets: HelperSecrets,
  restoreArchive?: string,
): string {
  const lines: string[] = [
    ...preamble(c, operation.op),
    'S=$(mktemp -d "$PWD/.run.XXXXXX")',
    "trap 'rm -rf \"$S\"' EXIT",
  ];
  if (operation.op === "forget") {
    lines.push(
      // Never under a running operation (providers/helperOperation.ts holds this lock).
      `mkdir -p ${OPS_DIR} && exec 9>>${OPS_DIR}/lock`,
      `flock -n 9 || { echo "[helper] refused to remove _output: an operation is running: $(cat ${OPS_DIR}/"$(cat ${OPS_DIR}/current)"/info 2>/dev/null)" >&2; exit 75; }`,
      "rm -rf _output",
      'echo "[helper] removed _output" >&2',
    );
    return `${lines.join("\n")}\n`;
  }
  if (restoreArchive) lines.push(...restoreLines(restoreArchive));
  lines.push(...secretLines(operation, secrets), ...operationLines(c, operation));
  lines.push(...reportLines(c));
  return `${lines.join("\n")}\n`;
}

/** Where detached operations keep their lock, log, exit status and secrets (under the workdir). */
export const OPS_DIR = ".ashk8s-ops";

/** Files next to `_output/` content that record the deploy's progress (inside `_output/`, so
 * they travel with the archive in state). */
export const DEPLOY_FILES = {
  /** Digest of the input definition the generated `_output/` comes from. */
  digest: "_output/.ashk8s-input-digest",
  /** Written only after a deploy succeeded: from then on `_output/apimodel.json` is authoritative. */
  deployed: "_output/.ashk8s-deployed",
} as const;

/**
 * Which definition deploy uses. After a successful deploy, on a retry of the same input
 * definition (same certificates), or for an `_output/` without a digest (older release), the
 * generated `_output/apimodel.json`, with the current credentials written into it. A failed first deploy of another (corrected) definition is moved
 * aside (never deleted) and deploy starts from the new input definition.
 */
function deployModelChoice(digest: string, clientId: string): string[] {
  return [
    "rc=0",
    // No digest at all: an _output/ from a release before the digest, possibly of a deployed
    // cluster whose state was lost; reusing it is the safe side (as that release did).
    `if [ -f _output/apimodel.json ] && { [ -f ${DEPLOY_FILES.deployed} ] || [ ! -f ${DEPLOY_FILES.digest} ] || [ "$(cat ${DEPLOY_FILES.digest})" = ${q(digest)} ]; }; then`,
    '  model=_output/apimodel.json; echo "[helper] retrying deploy with the generated _output/apimodel.json" >&2',
    syncCredentialsIntoApiModel(clientId),
    "else",
    "  if [ -e _output ]; then",
    '    aside="_output.failed-$(date -u +%Y%m%dT%H%M%SZ)-$$"',
    '    mv _output "$aside"',
    '    echo "[helper] the first deploy never succeeded and the cluster definition changed: the failed _output/ was moved to $aside; deploying the new definition" >&2',
    "  fi",
    '  model="$S/apimodel.json"',
    "fi",
  ];
}

/**
 * Writes the current service principal (client id and secret) into the generated apimodel, in
 * place: the rotation and switch paths, before scale/upgrade (and a deploy retry) read it.
 */
function syncCredentialsIntoApiModel(clientId: string): string {
  return [
    `python3 - "$S/sp-secret" _output/apimodel.json ${q(clientId)} <<'ASHK8S_PY'`,
    "import json, os, sys",
    "secret = open(sys.argv[1]).read()",
    "path = sys.argv[2]",
    "client_id = sys.argv[3]",
    "model = json.load(open(path))",
    "profile = model['properties'].setdefault('servicePrincipalProfile', {})",
    "changed = []",
    "if profile.get('clientId') != client_id:",
    "    profile['clientId'] = client_id",
    "    changed.append('client id')",
    "if profile.get('secret') != secret:",
    "    profile['secret'] = secret",
    "    changed.append('secret')",
    "if changed:",
    "    tmp = path + '.tmp'",
    "    with open(os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), 'w') as f:",
    "        json.dump(model, f, indent=2)",
    "    os.replace(tmp, path)",
    "    print('[helper] service principal ' + ' and '.join(changed) + ' updated in _output/apimodel.json', file=sys.stderr)",
    "ASHK8S_PY",
  ].join("\n");
}

/** What a script printed between the markers. */
export interface HelperReport {
  nodesJson: string;
  kubeconfig: string;
  outputArchive: string;
}

export function parseHelperReport(stdout: string): HelperReport {
  const between = (a: string, b: string) => {
    const i = stdout.indexOf(a);
    const j = stdout.indexOf(b, i + a.length);
    if (i < 0 || j < 0) throw new Error(`the helper's output lacks the section ${a}`);
    return stdout.slice(i + a.length, j).trim();
  };
  return {
    nodesJson: between(MARK.nodes, MARK.kubeconfig),
    kubeconfig: Buffer.from(between(MARK.kubeconfig, MARK.archive), "base64").toString("utf8"),
    outputArchive: between(MARK.archive, MARK.end),
  };
}

/** The cluster as its nodes report it. */
export interface ObservedCluster {
  masterCount: number;
  pools: Record<string, number>;
  /** Lowest kubelet version: a half-finished upgrade reports the old version. */
  kubernetesVersion: string;
}

interface NodeList {
  items: {
    metadata: { name: string; labels?: Record<string, string> };
    status?: { nodeInfo?: { kubeletVersion?: string } };
  }[];
}

/** Counts masters and pool nodes (aks-engine names and labels) and finds the lowest version. */
export function observeNodes(nodesJson: string): ObservedCluster {
  const list = JSON.parse(nodesJson) as NodeList;
  const observed: ObservedCluster = { masterCount: 0, pools: {}, kubernetesVersion: "" };
  const versions: string[] = [];
  for (const node of list.items) {
    const labels = node.metadata.labels ?? {};
    const name = node.metadata.name;
    const isMaster =
      labels["kubernetes.io/role"] === "master" ||
      "node-role.kubernetes.io/control-plane" in labels ||
      "node-role.kubernetes.io/master" in labels ||
      name.startsWith("k8s-master-");
    if (isMaster) observed.masterCount++;
    else {
      const pool = labels.agentpool ?? /^k8s-([a-z][a-z0-9]{0,11})-\d+-/.exec(name)?.[1];
      if (pool) observed.pools[pool] = (observed.pools[pool] ?? 0) + 1;
    }
    const v = node.status?.nodeInfo?.kubeletVersion?.replace(/^v/, "").replace(/[-+].*$/, "");
    if (v) versions.push(v);
  }
  observed.kubernetesVersion = versions.sort(compareVersions)[0] ?? "";
  return observed;
}
