/**
 * Operator credentials of a stack read from its state instead of stack outputs: the viewer and
 * deployer kubeconfigs (token Secrets of components/clusterAccess.ts), the cluster-admin
 * kubeconfig (an output of the AKS engine cluster resource) and the helper VM's SSH private key
 * (an output of its `tls` key). Stack outputs are shown by `pulumi stack output`, copied into CI
 * step outputs and readable through StackReferences by other stacks; these two are not exported
 * any more, and `npm run kubeconfig` reads them here from `pulumi stack export --show-secrets`.
 * Pure: the caller passes the exported deployment; tested in test/scripts/credentials.test.ts.
 */

import {
  ACCESS_NAMESPACE_PREFIX,
  activeIdentity,
  type Identity,
  identityKubeconfig,
  tokenGenerationOf,
} from "../../lib/clusterAccess";

/** Type token of the cluster resource (providers/aksEngineProvider.ts, a dynamic resource). */
export const CLUSTER_TYPE = "pulumi-nodejs:dynamic/ash-ha-kubernetes:AksEngineDeployment";
/** Type token and name suffix of the helper VM's SSH key (components/helperVm.ts). */
export const HELPER_KEY_TYPE = "tls:index/privateKey:PrivateKey";
export const HELPER_KEY_SUFFIX = "-helper-ssh-key";

export type Credential =
  "admin-kubeconfig" | "helper-key" | "viewer-kubeconfig" | "deployer-kubeconfig";

/** Type token of the token Secrets of components/clusterAccess.ts. */
export const SECRET_TYPE = "kubernetes:core/v1:Secret";

interface ExportedResource {
  urn?: string;
  type?: string;
  outputs?: Record<string, unknown>;
}

/** Pulumi's marker key of a secret value in serialized state. */
const SECRET_SIG = "4dabf18193072939515e22adb298388d";

/** A state value as it is, or the JSON value inside a secret shown by `--show-secrets`. */
function plainValue(value: unknown, what: string): unknown {
  if (value !== null && typeof value === "object" && SECRET_SIG in value) {
    const secret = value as { plaintext?: unknown; ciphertext?: unknown };
    if (typeof secret.plaintext === "string") return JSON.parse(secret.plaintext);
    throw new Error(
      `${what} is still encrypted in the export; it must be read with --show-secrets and the stack's secrets provider (PULUMI_CONFIG_PASSPHRASE or PULUMI_CONFIG_PASSPHRASE_FILE)`,
    );
  }
  return value;
}

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
  if (credential === "viewer-kubeconfig" || credential === "deployer-kubeconfig") {
    const identity = credential === "viewer-kubeconfig" ? "viewer" : "deployer";
    return identityFromState(stack, resources, identity);
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

/**
 * The kubeconfig of `identity` from the state: the token and CA of its token Secret (the one with
 * the highest rotation generation) and the API server the stack reports (the local stack's
 * `apiServer` output, or the server of a stamp's admin kubeconfig).
 */
function identityFromState(
  stack: string,
  resources: ExportedResource[],
  identity: Identity,
): string {
  const tokens = resources
    .filter((r) => r.type === SECRET_TYPE)
    .map((r) => {
      const meta = r.outputs?.metadata as
        { name?: unknown; namespace?: unknown; annotations?: Record<string, unknown> } | undefined;
      const name = typeof meta?.name === "string" ? meta.name : "";
      const generation = tokenGenerationOf(identity, name);
      const ok =
        typeof meta?.namespace === "string" &&
        meta.namespace.startsWith(ACCESS_NAMESPACE_PREFIX) &&
        meta.annotations?.["kubernetes.io/service-account.name"] === identity;
      return ok && generation !== undefined ? { r, generation } : undefined;
    })
    .filter((t) => t !== undefined)
    .sort((a, b) => b.generation - a.generation);
  if (tokens.length === 0) {
    throw new Error(
      `stack ${stack} has no ${identity} token in its state: the access bootstrap has not run yet; ` +
        "deploy once with the admin identity (docs/decisions.md, first deploy)",
    );
  }
  const what = `stack ${stack}: the ${identity} token Secret`;
  const data = plainValue(tokens[0].r.outputs?.data, what) as Record<string, unknown> | undefined;
  if (typeof data?.token !== "string" || typeof data["ca.crt"] !== "string") {
    throw new Error(`${what} has no token yet (the token controller fills it; run a refresh)`);
  }
  const root = resources.find((r) => r.type === "pulumi:pulumi:Stack")?.outputs ?? {};
  let server = typeof root.apiServer === "string" ? root.apiServer : undefined;
  if (server === undefined) {
    const cluster = resources.find((r) => r.type === CLUSTER_TYPE);
    if (cluster) {
      const admin = plainString(
        cluster.outputs?.kubeconfig,
        `stack ${stack}: the cluster's kubeconfig`,
      );
      const active = activeIdentity(admin, `stack ${stack}: the cluster's kubeconfig`);
      if ("error" in active) throw new Error(active.error);
      server = active.server;
    }
  }
  if (server === undefined) {
    throw new Error(`stack ${stack}: neither an apiServer output nor a cluster in the state`);
  }
  return identityKubeconfig({
    stack,
    identity,
    server,
    // In a Secret's data, values are base64: ca.crt is the CA PEM, token the JWT.
    certificateAuthorityData: data["ca.crt"],
    token: Buffer.from(data.token, "base64").toString("utf8"),
  });
}

export interface KubeconfigArgs {
  stack: string;
  credential: Credential;
  /** File to write (mode 0600); defaults to .local/credentials/<stack>-<credential>. */
  out?: string;
}

const USAGE =
  "usage: npm run kubeconfig -- <stack> [--out FILE]   (viewer: read-only, no Secrets)\n" +
  "       npm run kubeconfig -- <stack> --deployer [--out FILE]   (deployer: pulumi up)\n" +
  "       npm run kubeconfig -- <stack> --admin [--out FILE]   (cluster-admin kubeconfig)\n" +
  "       npm run kubeconfig -- <stack> --helper-key [--out FILE]   (helper VM SSH key)";

const FLAGS: Record<string, Credential> = {
  "--admin": "admin-kubeconfig",
  "--helper-key": "helper-key",
  "--deployer": "deployer-kubeconfig",
  "--viewer": "viewer-kubeconfig",
};

/** Parses the command line; without a flag it is the viewer's kubeconfig. */
export function parseKubeconfigArgs(argv: string[]): KubeconfigArgs {
  let stack: string | undefined;
  let credential: Credential | undefined;
  let out: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a in FLAGS) {
      const next = FLAGS[a];
      if (credential && credential !== next)
        throw new Error(`choose one of ${Object.keys(FLAGS).join(", ")}\n${USAGE}`);
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
  return { stack, credential: credential ?? "viewer-kubeconfig", out };
}
