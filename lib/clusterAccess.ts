/**
 * Least privilege in the cluster (issue 14): the RBAC rules of the two ServiceAccounts the admin
 * identity bootstraps in every cluster, `viewer` (previews, drift checks, operators' kubectl) and
 * `deployer` (routine `pulumi up` of the in-cluster layer), the names of their token Secrets, and
 * the kubeconfig an operator or a pipeline gets for each. Pure: components/clusterAccess.ts turns
 * these into objects; tested in test/clusterAccess.test.ts; docs/decisions.md says why.
 */

/** Prefix of the namespace of the two ServiceAccounts and their token Secrets. */
export const ACCESS_NAMESPACE_PREFIX = "ashk8s-access-";

/**
 * Namespace of a stamp's ServiceAccounts and token Secrets, `ashk8s-access-<stamp>`: per stamp, so
 * that several local stacks can share one local control plane (the stamp name is a validated
 * lowercase name of at most 24 characters, config/fields.ts STAMP_NAME).
 */
export function accessNamespace(stamp: string): string {
  checkStamp(stamp);
  return `${ACCESS_NAMESPACE_PREFIX}${stamp}`;
}

function checkStamp(stamp: string): void {
  if (!/^[a-z][a-z0-9-]{0,22}[a-z0-9]$/.test(stamp)) {
    throw new Error(`stamp name "${stamp}" is not a lowercase name of 2..24 characters`);
  }
}

import { parse } from "yaml";

/** The identities the admin bootstraps. */
export const IDENTITIES = ["viewer", "deployer"] as const;
export type Identity = (typeof IDENTITIES)[number];

/** One RBAC PolicyRule, as rbac.authorization.k8s.io/v1 spells it. */
export interface PolicyRule {
  apiGroups: string[];
  resources: string[];
  verbs: string[];
  resourceNames?: string[];
}

export const READ_VERBS = ["get", "list", "watch"] as const;
export const WRITE_VERBS = ["create", "update", "patch", "delete"] as const;

/**
 * What the viewer reads, per API group: every kind the in-cluster layer deploys or depends on,
 * except Secrets (which hold the MongoDB password, the ServiceAccount tokens and TLS keys) and no
 * subresource (logs, exec, port-forward, tokens). Listed instead of "*" so that a kind added later
 * (possibly holding secrets) is not readable by default.
 */
export const VIEWER_READS: Readonly<Record<string, readonly string[]>> = {
  "": [
    "configmaps",
    "endpoints",
    "events",
    "limitranges",
    "namespaces",
    "nodes",
    "persistentvolumeclaims",
    "persistentvolumes",
    "pods",
    "replicationcontrollers",
    "resourcequotas",
    "serviceaccounts",
    "services",
  ],
  apps: ["daemonsets", "deployments", "replicasets", "statefulsets", "controllerrevisions"],
  autoscaling: ["horizontalpodautoscalers"],
  batch: ["cronjobs", "jobs"],
  policy: ["poddisruptionbudgets"],
  "networking.k8s.io": ["networkpolicies", "ingresses", "ingressclasses"],
  "discovery.k8s.io": ["endpointslices"],
  "storage.k8s.io": ["storageclasses", "csidrivers"],
  "rbac.authorization.k8s.io": ["clusterrolebindings", "clusterroles", "rolebindings", "roles"],
  "apiextensions.k8s.io": ["customresourcedefinitions"],
  "admissionregistration.k8s.io": [
    "mutatingwebhookconfigurations",
    "validatingwebhookconfigurations",
  ],
  "gateway.networking.k8s.io": [
    "gatewayclasses",
    "gateways",
    "httproutes",
    "grpcroutes",
    "referencegrants",
  ],
  // cert-manager's kinds of the stamps' Certificates component (components/certificates.ts).
  "cert-manager.io": ["certificaterequests", "certificates", "clusterissuers", "issuers"],
  "gateway.nginx.org": [
    "clientsettingspolicies",
    "nginxgateways",
    "nginxproxies",
    "observabilitypolicies",
    "snippetsfilters",
  ],
};

/**
 * The namespaced kinds the deployer creates, changes and deletes in the app namespace: exactly
 * what components/ratingsApp.ts deploys (Secret and ConfigMap of MongoDB, Services, the
 * StatefulSet, Deployments, the HPA, budgets, NetworkPolicies, the PVC patch and the HTTPRoute)
 * and components/mongoBackup.ts (its CronJob and Secret).
 */
export const DEPLOYER_WRITES: Readonly<Record<string, readonly string[]>> = {
  "": ["configmaps", "persistentvolumeclaims", "secrets", "services"],
  apps: ["deployments", "statefulsets"],
  autoscaling: ["horizontalpodautoscalers"],
  // The MongoDB backup's CronJob (components/mongoBackup.ts), in the app namespace.
  batch: ["cronjobs"],
  policy: ["poddisruptionbudgets"],
  "networking.k8s.io": ["networkpolicies"],
  "gateway.networking.k8s.io": ["httproutes"],
};

function rules(
  table: Readonly<Record<string, readonly string[]>>,
  verbs: readonly string[],
): PolicyRule[] {
  return Object.entries(table).map(([group, resources]) => ({
    apiGroups: [group],
    resources: [...resources],
    verbs: [...verbs],
  }));
}

/** The viewer's ClusterRole: get/list/watch on VIEWER_READS, cluster-wide; no Secrets. */
export function viewerRules(): PolicyRule[] {
  return rules(VIEWER_READS, READ_VERBS);
}

/** What the deployer may change outside its namespaces: only objects it already owns, by name. */
export interface DeployerScope {
  /** The app namespaces (config `app.namespace`). */
  namespaces: string[];
  /** Cluster-scoped StorageClasses the program manages (lib/dataSafety.ts mongoStorageClass). */
  storageClasses: string[];
}

/**
 * The deployer's cluster-wide rules: everything the viewer reads (a `pulumi up --refresh` reads
 * every object in the state), plus update/patch of its own namespaces and StorageClasses by name.
 * No create (RBAC cannot limit create to a name, so a new namespace is an admin run), no delete of
 * either (they hold MongoDB's data, docs/data-safety.md), nothing on RBAC, CRDs or webhooks, so it
 * cannot grant itself more.
 */
export function deployerClusterRules(scope: DeployerScope): PolicyRule[] {
  const own: PolicyRule[] = [];
  const names = (list: string[]) => [...new Set(list)].sort();
  if (scope.namespaces.length > 0) {
    own.push({
      apiGroups: [""],
      resources: ["namespaces"],
      verbs: ["update", "patch"],
      resourceNames: names(scope.namespaces),
    });
  }
  if (scope.storageClasses.length > 0) {
    own.push({
      apiGroups: ["storage.k8s.io"],
      resources: ["storageclasses"],
      verbs: ["update", "patch"],
      resourceNames: names(scope.storageClasses),
    });
  }
  return [...viewerRules(), ...own];
}

/**
 * The deployer's rules inside each app namespace (a Role bound there): create, change and delete
 * DEPLOYER_WRITES, and read them (Secrets included, which the viewer cannot).
 */
export function deployerNamespaceRules(): PolicyRule[] {
  return rules(DEPLOYER_WRITES, [...READ_VERBS, ...WRITE_VERBS]);
}

/**
 * The deployer's rule in its access namespace: read the two token Secrets (a `pulumi up --refresh`
 * as deployer reads them back from the cluster); it cannot change them.
 */
export function deployerTokenReadRule(generation: number): PolicyRule {
  return {
    apiGroups: [""],
    resources: ["secrets"],
    verbs: ["get"],
    resourceNames: IDENTITIES.map((id) => tokenSecretName(id, generation)),
  };
}

/** True when `rule` lets its holder change something (any verb but get/list/watch). */
export function writes(rule: PolicyRule): boolean {
  return rule.verbs.some((v) => !(READ_VERBS as readonly string[]).includes(v));
}

/** Whether `rules` allow `verb` on `group`/`resource` (optionally a named object). */
export function allows(
  ruleList: PolicyRule[],
  verb: string,
  group: string,
  resource: string,
  name?: string,
): boolean {
  return ruleList.some(
    (r) =>
      (r.apiGroups.includes(group) || r.apiGroups.includes("*")) &&
      (r.resources.includes(resource) || r.resources.includes("*")) &&
      (r.verbs.includes(verb) || r.verbs.includes("*")) &&
      (r.resourceNames === undefined || (name !== undefined && r.resourceNames.includes(name))),
  );
}

/** One API request, as RBAC sees it: verb, API group, resource, and namespace/name if any. */
export interface AccessRequest {
  verb: string;
  group: string;
  resource: string;
  namespace?: string;
  name?: string;
}

/** A cluster's access settings: its stamp, the deployer's scope and the token generation. */
export interface AccessSettings extends DeployerScope {
  stamp: string;
  tokenGeneration: number;
}

/**
 * Whether `identity` may make `req` under the roles components/clusterAccess.ts binds: the
 * ClusterRole everywhere, the deployer's Role in each app namespace and its token Role in the
 * access namespace. The model the table tests check, and test/integration/clusterAccess.test.ts
 * checks the same table against a real API server (`kubectl auth can-i`).
 */
export function permits(identity: Identity, settings: AccessSettings, req: AccessRequest): boolean {
  const { verb, group, resource, namespace, name } = req;
  if (identity === "viewer") return allows(viewerRules(), verb, group, resource, name);
  if (allows(deployerClusterRules(settings), verb, group, resource, name)) return true;
  if (namespace !== undefined && settings.namespaces.includes(namespace)) {
    return allows(deployerNamespaceRules(), verb, group, resource, name);
  }
  if (namespace === accessNamespace(settings.stamp)) {
    return allows([deployerTokenReadRule(settings.tokenGeneration)], verb, group, resource, name);
  }
  return false;
}

/**
 * The `--exclude` a read-only drift check passes to `pulumi refresh`: every Kubernetes Secret of
 * the stack, which the viewer cannot read (docs/decisions.md, "Secrets and the viewer").
 */
export function viewerRefreshExcludes(stack: string, project: string): string[] {
  return [`urn:pulumi:${stack}::${project}::**kubernetes:core/v1:Secret::**`];
}

/** Names of the ClusterRoles and their bindings: `ashk8s-<stamp>-<identity>`. */
export function clusterRoleName(stamp: string, identity: Identity): string {
  checkStamp(stamp);
  return `ashk8s-${stamp}-${identity}`;
}

/** The highest rotation generation (config `access.tokenGeneration`). */
export const MAX_TOKEN_GENERATION = 9999;

/**
 * Name of an identity's token Secret (type kubernetes.io/service-account-token): it carries the
 * rotation generation, so raising `access.tokenGeneration` makes `pulumi up` create a new Secret
 * (new token) and delete the old one, which revokes the old token.
 */
export function tokenSecretName(identity: Identity, generation: number): string {
  if (!Number.isInteger(generation) || generation < 1 || generation > MAX_TOKEN_GENERATION) {
    throw new Error(
      `access.tokenGeneration: ${String(generation)} is not a whole number from 1 to ${MAX_TOKEN_GENERATION}`,
    );
  }
  return `${identity}-token-g${generation}`;
}

/** The generation a token Secret's name carries, or undefined if the name is not one of ours. */
export function tokenGenerationOf(identity: Identity, secretName: string): number | undefined {
  const m = new RegExp(`^${identity}-token-g([1-9][0-9]{0,3})$`).exec(secretName);
  return m ? Number(m[1]) : undefined;
}

/** What an identity's kubeconfig is made of. */
export interface IdentityKubeconfig {
  /** The stack: names the context (`<stack>`), the cluster (`<stack>`) and the user (`<stack>-<identity>`). */
  stack: string;
  identity: Identity;
  /** API server URL (from the admin kubeconfig's active cluster). */
  server: string;
  /** Base64 PEM of the cluster CA. */
  certificateAuthorityData: string;
  /** The ServiceAccount token (from the token Secret in the state). */
  token: string;
}

/**
 * A kubeconfig for one identity, as a JSON document (JSON is YAML, so kubectl, client-go and the
 * Kubernetes provider read it; JSON.stringify quotes every value, so no input can add a key).
 */
export function identityKubeconfig(k: IdentityKubeconfig): string {
  const user = `${k.stack}-${k.identity}`;
  return `${JSON.stringify(
    {
      apiVersion: "v1",
      kind: "Config",
      clusters: [
        {
          name: k.stack,
          cluster: { server: k.server, "certificate-authority-data": k.certificateAuthorityData },
        },
      ],
      users: [{ name: user, user: { token: k.token } }],
      contexts: [
        {
          name: k.stack,
          // No namespace: the provider's default namespace must not depend on the identity.
          context: { cluster: k.stack, user },
        },
      ],
      "current-context": k.stack,
    },
    null,
    2,
  )}\n`;
}

/** The active cluster and user of a kubeconfig (the identity a run uses). */
export interface ActiveIdentity {
  context: string;
  server: string;
  user: string;
}

/**
 * The current context's cluster server and user name of a kubeconfig text, or an error naming
 * `what` (e.g. the file) and what is missing. Reads only names and the server URL, never keys.
 */
export function activeIdentity(text: string, what: string): ActiveIdentity | { error: string } {
  let doc: unknown;
  try {
    doc = parse(text);
  } catch (e) {
    return { error: `${what} is not a kubeconfig (${e instanceof Error ? e.message : String(e)})` };
  }
  const cfg = (doc ?? {}) as {
    "current-context"?: unknown;
    contexts?: { name?: unknown; context?: { cluster?: unknown; user?: unknown } }[];
    clusters?: { name?: unknown; cluster?: { server?: unknown } }[];
  };
  const current = cfg["current-context"];
  if (typeof current !== "string" || current === "") {
    return { error: `${what} has no current-context` };
  }
  const ctx = (cfg.contexts ?? []).find((c) => c?.name === current)?.context;
  if (!ctx || typeof ctx.cluster !== "string" || typeof ctx.user !== "string") {
    return { error: `${what}: context "${current}" is missing or has no cluster/user` };
  }
  const server = (cfg.clusters ?? []).find((c) => c?.name === ctx.cluster)?.cluster?.server;
  if (typeof server !== "string" || server === "") {
    return { error: `${what}: cluster "${ctx.cluster}" of context "${current}" has no server` };
  }
  return { context: current, server, user: ctx.user };
}
