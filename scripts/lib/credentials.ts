/**
 * Operator credentials of a stamp read from its state instead of stack outputs: the cluster-admin
 * kubeconfig (an output of the AKS engine cluster resource) and the helper VM's SSH private key
 * (an output of its `tls` key). Stack outputs are shown by `pulumi stack output`, copied into CI
 * step outputs and readable through StackReferences by other stacks; these two are not exported
 * any more, and `npm run kubeconfig` reads them here from `pulumi stack export --show-secrets`.
 * Pure: the caller passes the exported deployment; tested in test/scripts/credentials.test.ts.
 */

/** Type token of the cluster resource (providers/aksEngineProvider.ts, a dynamic resource). */
export const CLUSTER_TYPE = "pulumi-nodejs:dynamic/ash-ha-kubernetes:AksEngineDeployment";
/** Type token and name suffix of the helper VM's SSH key (components/helperVm.ts). */
export const HELPER_KEY_TYPE = "tls:index/privateKey:PrivateKey";
export const HELPER_KEY_SUFFIX = "-helper-ssh-key";

export type Credential = "admin-kubeconfig" | "helper-key";

interface ExportedResource {
  urn?: string;
  type?: string;
  outputs?: Record<string, unknown>;
}

/** Pulumi's marker key of a secret value in serialized state. */
const SECRET_SIG = "4dabf18193072939515e22adb298388d";

/**
 * A plain string from a state value: as it is, or from a secret shown by `--show-secrets`
 * (`{ <sig>: ..., plaintext: "<JSON>" }`). A secret still encrypted (`ciphertext`) is an error
 * that says how to decrypt it.
 */
function plainString(value: unknown, what: string): string {
  if (typeof value === "string") return value;
  if (value !== null && typeof value === "object" && SECRET_SIG in value) {
    const secret = value as { plaintext?: unknown; ciphertext?: unknown };
    if (typeof secret.plaintext === "string") {
      const parsed: unknown = JSON.parse(secret.plaintext);
      if (typeof parsed === "string") return parsed;
    }
    if (secret.ciphertext !== undefined) {
      throw new Error(
        `${what} is still encrypted in the export; it must be read with --show-secrets and the stack's secrets provider (PULUMI_CONFIG_PASSPHRASE or PULUMI_CONFIG_PASSPHRASE_FILE)`,
      );
    }
  }
  throw new Error(`${what} is not a string in the exported state`);
}

/** The requested credential of `stack` from its exported deployment (`pulumi stack export`). */
export function credentialFromState(
  stack: string,
  exported: unknown,
  credential: Credential,
): string {
  const resources = (exported as { deployment?: { resources?: ExportedResource[] } })?.deployment
    ?.resources;
  if (!Array.isArray(resources)) {
    throw new Error(`stack ${stack}: the export has no deployment.resources (not a stack export?)`);
  }
  if (credential === "admin-kubeconfig") {
    const cluster = resources.filter((r) => r.type === CLUSTER_TYPE);
    if (cluster.length === 0) {
      throw new Error(
        `stack ${stack} has no AKS engine cluster in its state (not a deployed stamp); the local stack's kubeconfig is the file of its local.kubeconfigPath`,
      );
    }
    if (cluster.length > 1) {
      throw new Error(`stack ${stack} has ${cluster.length} AKS engine clusters; expected one`);
    }
    return plainString(cluster[0].outputs?.kubeconfig, `stack ${stack}: the cluster's kubeconfig`);
  }
  const keys = resources.filter(
    (r) => r.type === HELPER_KEY_TYPE && (r.urn ?? "").endsWith(`${HELPER_KEY_SUFFIX}`),
  );
  if (keys.length !== 1) {
    throw new Error(
      `stack ${stack}: expected one helper SSH key (${HELPER_KEY_TYPE} named <stamp>${HELPER_KEY_SUFFIX}) in the state, found ${keys.length}`,
    );
  }
  return plainString(keys[0].outputs?.privateKeyOpenssh, `stack ${stack}: the helper SSH key`);
}

export interface KubeconfigArgs {
  stack: string;
  credential: Credential;
  /** File to write (mode 0600); defaults to .local/credentials/<stack>-<credential>. */
  out?: string;
}

const USAGE =
  "usage: npm run kubeconfig -- <stack> --admin [--out FILE]   (cluster-admin kubeconfig)\n" +
  "       npm run kubeconfig -- <stack> --helper-key [--out FILE]   (helper VM SSH key)";

/** Parses the command line; without --admin or --helper-key it refuses and says why. */
export function parseKubeconfigArgs(argv: string[]): KubeconfigArgs {
  let stack: string | undefined;
  let credential: Credential | undefined;
  let out: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === "--admin" || a === "--helper-key") {
      const next: Credential = a === "--admin" ? "admin-kubeconfig" : "helper-key";
      if (credential && credential !== next)
        throw new Error(`choose one of --admin, --helper-key\n${USAGE}`);
      credential = next;
    } else if (a === "--out") {
      out = argv[++i];
      if (!out) throw new Error(`--out needs a file name\n${USAGE}`);
    } else if (a.startsWith("-")) {
      throw new Error(`unknown option ${a}\n${USAGE}`);
    } else if (stack === undefined) {
      stack = a;
    } else {
      throw new Error(`one stack at a time (got ${stack} and ${a})\n${USAGE}`);
    }
  }
  if (!stack) throw new Error(`which stack?\n${USAGE}`);
  if (!/^[a-z0-9][a-z0-9-]{0,62}$/.test(stack)) {
    throw new Error(`stack "${stack}" is not a stack name (lowercase letters, digits, dashes)`);
  }
  if (!credential) {
    throw new Error(
      "say which credential: --admin writes the cluster-admin kubeconfig (full control of the " +
        "cluster) and --helper-key the helper VM's SSH key; a read-only identity for operators " +
        `does not exist yet (docs/decisions.md)\n${USAGE}`,
    );
  }
  return { stack, credential, out };
}
