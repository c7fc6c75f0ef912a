import * as k8s from "./sdk/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import {
  accessNamespace,
  clusterRoleName,
  deployerClusterRules,
  deployerNamespaceRules,
  deployerTokenReadRule,
  type Identity,
  IDENTITIES,
  tokenSecretName,
  viewerRules,
} from "../lib/clusterAccess";

export interface ClusterAccessArgs {
  /** Stamp name, used in labels. */
  stamp: string;
  /** The app namespace the deployer deploys into (config `app.namespace`). */
  appNamespace: string;
  /** The same name as an output of the namespace object (RatingsApp `namespace`): the Role waits for it. */
  appNamespaceCreated: pulumi.Input<string>;
  /** StorageClasses the program manages, which the deployer may update by name. */
  storageClasses: string[];
  /** Rotation generation of the token Secrets (config `access.tokenGeneration`). */
  tokenGeneration: number;
}

/**
 * The `viewer` and `deployer` ServiceAccounts of a cluster with their RBAC (lib/clusterAccess.ts)
 * and one long-lived token Secret each, whose name carries the rotation generation. Created with
 * the admin identity (a run whose kubeconfig is the cluster-admin's); the tokens stay in the state
 * as secrets and `npm run kubeconfig` turns them into kubeconfigs. The provider comes through `opts`.
 */
export class ClusterAccess extends pulumi.ComponentResource {
  /** Names of the token Secrets in the access namespace (`ashk8s-access-<stamp>`). */
  public readonly tokenSecrets: Record<Identity, string>;

  constructor(name: string, args: ClusterAccessArgs, opts?: pulumi.ComponentResourceOptions) {
    super("ash-ha-kubernetes:access:ClusterAccess", name, {}, opts);
    const child = { parent: this };
    const accessNs = accessNamespace(args.stamp);
    const labels = { "app.kubernetes.io/part-of": "ash-ha-kubernetes", stamp: args.stamp };
    const ns = new k8s.core.v1.Namespace(
      `${name}-ns`,
      { metadata: { name: accessNs, labels } },
      child,
    );
    const inNs = { parent: this, dependsOn: [ns] };
    const accounts = Object.fromEntries(
      IDENTITIES.map((id) => [
        id,
        new k8s.core.v1.ServiceAccount(
          `${name}-${id}`,
          {
            metadata: { name: id, namespace: accessNs, labels },
            automountServiceAccountToken: false,
          },
          inNs,
        ),
      ]),
    ) as Record<Identity, k8s.core.v1.ServiceAccount>;
    const subject = (id: Identity) => ({
      kind: "ServiceAccount",
      name: id,
      namespace: accessNs,
    });

    this.tokenSecrets = { viewer: "", deployer: "" };
    for (const id of IDENTITIES) {
      const secretName = tokenSecretName(id, args.tokenGeneration);
      this.tokenSecrets[id] = secretName;
      // The token controller fills data.token; the provider waits for it. The generation is in the
      // name, so a new generation is a new Secret (create before delete: the old token works until
      // the new one exists).
      new k8s.core.v1.Secret(
        `${name}-${id}-token`,
        {
          metadata: {
            name: secretName,
            namespace: accessNs,
            labels,
            annotations: { "kubernetes.io/service-account.name": id },
          },
          type: "kubernetes.io/service-account-token",
        },
        { parent: this, dependsOn: [accounts[id]], additionalSecretOutputs: ["data"] },
      );
      const rules = id === "viewer" ? viewerRules() : deployerClusterRules(clusterScope(args));
      const role = new k8s.rbac.v1.ClusterRole(
        `${name}-${id}`,
        { metadata: { name: clusterRoleName(args.stamp, id), labels }, rules },
        child,
      );
      new k8s.rbac.v1.ClusterRoleBinding(
        `${name}-${id}`,
        {
          metadata: { name: clusterRoleName(args.stamp, id), labels },
          roleRef: {
            apiGroup: "rbac.authorization.k8s.io",
            kind: "ClusterRole",
            name: role.metadata.name,
          },
          subjects: [subject(id)],
        },
        { parent: this, dependsOn: [accounts[id]] },
      );
    }

    const tokenReader = new k8s.rbac.v1.Role(
      `${name}-deployer-tokens`,
      {
        metadata: { name: "ashk8s-deployer-tokens", namespace: accessNs, labels },
        rules: [deployerTokenReadRule(args.tokenGeneration)],
      },
      inNs,
    );
    new k8s.rbac.v1.RoleBinding(
      `${name}-deployer-tokens`,
      {
        metadata: { name: "ashk8s-deployer-tokens", namespace: accessNs, labels },
        roleRef: {
          apiGroup: "rbac.authorization.k8s.io",
          kind: "Role",
          name: "ashk8s-deployer-tokens",
        },
        subjects: [subject("deployer")],
      },
      { parent: this, dependsOn: [tokenReader, accounts.deployer] },
    );
    const workload = new k8s.rbac.v1.Role(
      `${name}-deployer-app`,
      {
        metadata: { name: "ashk8s-deployer", namespace: args.appNamespaceCreated, labels },
        rules: deployerNamespaceRules(),
      },
      child,
    );
    new k8s.rbac.v1.RoleBinding(
      `${name}-deployer-app`,
      {
        metadata: { name: "ashk8s-deployer", namespace: args.appNamespaceCreated, labels },
        roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: "ashk8s-deployer" },
        subjects: [subject("deployer")],
      },
      { parent: this, dependsOn: [workload, accounts.deployer] },
    );
    this.registerOutputs({ tokenSecrets: this.tokenSecrets });
  }
}

function clusterScope(args: ClusterAccessArgs) {
  return { namespaces: [args.appNamespace], storageClasses: args.storageClasses };
}
