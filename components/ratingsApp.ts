import * as k8s from "./sdk/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { AppConfig } from "../config";
import { GeneratedPassword } from "../providers/generatedPassword";
import * as r from "../lib/ratings";
import { claimName, StorageClassSpec } from "../lib/dataSafety";
import { StatefulGuard } from "../providers/statefulGuard";
import { imagePullSecret } from "./imagePullSecret";
import { budgetsAndPolicies, route } from "./ratingsTraffic";

export interface RatingsAppArgs {
  /** App settings (namespace, images and their pull secret, replicas, autoscaling, MongoDB storage). */
  app: AppConfig;
  /** Stamp name, used in labels. */
  stamp: string;
  /** Gateway to attach the HTTPRoute to; unset (e.g. the local stack): no route is created. */
  /** `sectionName`: attach to that listener only (e.g. "https" when plain HTTP only redirects). */
  gateway?: { name: pulumi.Input<string>; namespace: string; sectionName?: string };
  /** Hostname the route answers to; unset answers any host. */
  hostname?: string;
  /**
   * The StorageClass created for MongoDB's data when `app.storageClass` is unset (reclaim policy
   * Retain, expandable): lib/dataSafety.ts `mongoStorageClass`.
   */
  storageClass: StorageClassSpec;
  /** Protect the namespace, MongoDB's StatefulSet and its StorageClass. Stamps: true; local: false. */
  protect: boolean;
  /**
   * Keep the namespace (with MongoDB's claim) and the StorageClass in the cluster when Pulumi
   * deletes them (`retainOnDelete`). Stamps: true; local: false (lib/dataSafety.ts).
   */
  retainOnDelete: boolean;
}

/**
 * The 3-tier ratings app: namespace (Pod Security `restricted`), MongoDB StatefulSet with a
 * persistent volume and generated credentials, ratings-api and ratings-web Deployments with probes,
 * Services, an HTTPRoute on the ingress Gateway, an HPA on ratings-web, PodDisruptionBudgets,
 * default-deny NetworkPolicies, and the image pull Secret every pod references when
 * `app.imagePullSecret` is set. The Kubernetes provider comes through `opts`. The constructor wires
 * the parts built by the functions below it.
 */
export class RatingsApp extends pulumi.ComponentResource {
  /** Namespace the app runs in. */
  public readonly namespace: pulumi.Output<string>;
  /** Name of the Secret holding MongoDB credentials and the API's connection string. */
  public readonly credentialsSecretName: pulumi.Output<string>;
  /** In-cluster URL of the API, as ratings-web calls it. */
  public readonly apiUrl: string;

  constructor(name: string, args: RatingsAppArgs, opts?: pulumi.ComponentResourceOptions) {
    super("ash-ha-kubernetes:app:RatingsApp", name, {}, opts);
    const { app, stamp } = args;
    const ns = app.namespace;
    const { protect } = args;

    // Refuses at preview a config change that would replace or delete the data; every stateful
    // object waits for it, so nothing moves when it refuses (docs/data-safety.md).
    const guard = new StatefulGuard(
      `${name}-stateful-guard`,
      {
        namespace: ns,
        storageClass: app.storageClass ?? args.storageClass.name,
        storageSize: app.mongoStorageSize,
        approved: app.approvedStatefulChanges,
      },
      { parent: this },
    );
    const stateful = {
      parent: this,
      dependsOn: [guard],
      protect,
      retainOnDelete: args.retainOnDelete,
    };
    const storageClass = app.storageClass
      ? undefined
      : new k8s.storage.v1.StorageClass(
          `${name}-mongodb-storage`,
          {
            metadata: { name: args.storageClass.name, labels: r.labels("mongodb", stamp) },
            provisioner: args.storageClass.provisioner,
            parameters: args.storageClass.parameters,
            reclaimPolicy: args.storageClass.reclaimPolicy,
            allowVolumeExpansion: args.storageClass.allowVolumeExpansion,
            volumeBindingMode: args.storageClass.volumeBindingMode,
          },
          stateful,
        );
    const namespace = new k8s.core.v1.Namespace(
      `${name}-ns`,
      { metadata: { name: ns, labels: r.namespaceLabels(stamp) } },
      stateful,
    );
    // app.imagePullSecret: a dockerconfigjson Secret every pod of the app pulls with.
    const pull = imagePullSecret(
      name,
      {
        dockerConfig: app.imagePullSecret,
        namespace: ns,
        labels: { "app.kubernetes.io/part-of": r.PART_OF, "ash-ha-kubernetes/stamp": stamp },
      },
      { parent: this, dependsOn: [namespace] },
    );
    const scope: Scope = {
      name,
      ns,
      stamp,
      app,
      namespace,
      protect,
      storageClass,
      storageClassName: app.storageClass ?? args.storageClass.name,
      inNs: { parent: this, dependsOn: [namespace] },
      meta: (tier) => ({ name: r.tierName(tier), namespace: ns, labels: r.labels(tier, stamp) }),
      imagePullSecrets: pull?.reference,
      pullSecret: pull ? [pull.secret] : [],
    };
    const credentials = mongoCredentials(scope);
    mongoDb(scope, credentials);
    const services = apiAndWeb(scope, credentials);
    budgetsAndPolicies(scope, args.gateway?.namespace);
    if (args.gateway) route(scope, args.gateway, args.hostname, services);

    this.namespace = namespace.metadata.name;
    this.credentialsSecretName = credentials.metadata.name;
    this.apiUrl = r.apiUrl(ns);
    this.registerOutputs({
      namespace: this.namespace,
      credentialsSecretName: this.credentialsSecretName,
      apiUrl: this.apiUrl,
    });
  }
}

/** What the builders of the app's parts share. */
export interface Scope {
  /** The component's name: every child is `<name>-<part>`. */
  name: string;
  /** The app's namespace, its resource, the stamp and the app settings. */
  ns: string;
  namespace: k8s.core.v1.Namespace;
  stamp: string;
  app: AppConfig;
  /** Whether the stateful objects are protected (RatingsAppArgs.protect). */
  protect: boolean;
  /** The StorageClass the program created for MongoDB's volume; unset with `app.storageClass`. */
  storageClass?: k8s.storage.v1.StorageClass;
  /** The StorageClass name of MongoDB's volume (the program's, or `app.storageClass`). */
  storageClassName: string;
  /** Options of every object in the namespace: child of the component, after the namespace. */
  inNs: { parent: pulumi.Resource; dependsOn: pulumi.Resource[] };
  /** Metadata of a tier's objects. */
  meta: (tier: r.Tier) => { name: string; namespace: string; labels: Record<string, string> };
  /** The pods' `imagePullSecrets` (the Secret from `app.imagePullSecret`); unset without one. */
  imagePullSecrets?: { name: string }[];
  /** The pull Secret, for the workloads to depend on; empty without one. */
  pullSecret: k8s.core.v1.Secret[];
}

/** An environment variable read from the credentials Secret. */
const fromSecret = (credentials: k8s.core.v1.Secret, key: string) => ({
  valueFrom: { secretKeyRef: { name: credentials.metadata.name, key } },
});

/** MongoDB's generated passwords and the Secret pods read them (and the API's URI) from. */
function mongoCredentials(s: Scope): k8s.core.v1.Secret {
  const { name, ns, stamp, inNs } = s;
  const child = { parent: inNs.parent };
  // Credentials: generated once, kept in state as secrets, handed to pods through a Secret.
  const password = (suffix: string) =>
    new GeneratedPassword(`${name}-${suffix}`, { length: 32 }, child);
  const rootPassword = password("mongodb-root-password");
  const appPassword = password("mongodb-app-password");
  return new k8s.core.v1.Secret(
    `${name}-mongodb-credentials`,
    {
      metadata: {
        name: "ratings-mongodb-credentials",
        namespace: ns,
        labels: r.labels("mongodb", stamp),
      },
      type: "Opaque",
      stringData: {
        "root-username": r.ROOT_USER,
        "root-password": rootPassword.result,
        "app-username": r.APP_USER,
        "app-password": appPassword.result,
        "mongodb-uri": pulumi.secret(appPassword.result.apply((p) => r.mongoUri(ns, p))),
      },
    },
    inNs,
  );
}

/**
 * MongoDB: the init script, a headless Service, a one-replica StatefulSet with a volume, and the
 * patch that grows the volume's claim in place when `app.mongoStorageSize` grows.
 */
function mongoDb(s: Scope, credentials: k8s.core.v1.Secret): void {
  const { name, ns, stamp, app, namespace, inNs, meta } = s;
  // MongoDB: headless Service whose selector matches the StatefulSet's pods, one replica, a PVC.
  const initScript = new k8s.core.v1.ConfigMap(
    `${name}-mongodb-init`,
    {
      metadata: {
        name: "ratings-mongodb-init",
        namespace: ns,
        labels: r.labels("mongodb", stamp),
      },
      data: { "create-app-user.js": r.MONGO_INIT_SCRIPT },
    },
    inNs,
  );
  const mongoService = new k8s.core.v1.Service(
    `${name}-mongodb`,
    {
      metadata: meta("mongodb"),
      spec: {
        clusterIP: "None",
        selector: r.selectorLabels("mongodb"),
        ports: [{ name: "mongodb", port: r.PORTS.mongodb, targetPort: r.PORTS.mongodb }],
      },
    },
    inNs,
  );
  const statefulSet = new k8s.apps.v1.StatefulSet(
    `${name}-mongodb`,
    {
      metadata: meta("mongodb"),
      spec: {
        serviceName: mongoService.metadata.name,
        replicas: 1,
        selector: { matchLabels: r.selectorLabels("mongodb") },
        template: {
          metadata: { labels: r.labels("mongodb", stamp) },
          spec: {
            securityContext: r.podSecurity("mongodb"),
            imagePullSecrets: s.imagePullSecrets,
            containers: [
              {
                name: "mongodb",
                image: app.mongoImage,
                ports: [{ name: "mongodb", containerPort: r.PORTS.mongodb }],
                env: [
                  {
                    name: "MONGO_INITDB_ROOT_USERNAME",
                    ...fromSecret(credentials, "root-username"),
                  },
                  {
                    name: "MONGO_INITDB_ROOT_PASSWORD",
                    ...fromSecret(credentials, "root-password"),
                  },
                  { name: "MONGO_APP_USERNAME", ...fromSecret(credentials, "app-username") },
                  { name: "MONGO_APP_PASSWORD", ...fromSecret(credentials, "app-password") },
                ],
                resources: r.RESOURCES.mongodb,
                securityContext: r.containerSecurity(),
                ...r.mongoProbes(),
                volumeMounts: [
                  { name: "data", mountPath: "/data/db" },
                  { name: "init", mountPath: "/docker-entrypoint-initdb.d", readOnly: true },
                ],
              },
            ],
            volumes: [{ name: "init", configMap: { name: initScript.metadata.name } }],
          },
        },
        volumeClaimTemplates: [
          {
            metadata: { name: "data", labels: r.selectorLabels("mongodb") },
            spec: {
              accessModes: ["ReadWriteOnce"],
              storageClassName: s.storageClassName,
              resources: { requests: { storage: app.mongoStorageSize } },
            },
          },
        ],
      },
    },
    {
      ...inNs,
      dependsOn: [
        namespace,
        credentials,
        ...(s.storageClass ? [s.storageClass] : []),
        ...s.pullSecret,
      ],
      protect: s.protect,
      // The template's size is the first one: changing it would replace the StatefulSet (Kubernetes
      // does not update volumeClaimTemplates). The claim grows through the patch below instead.
      ignoreChanges: ["spec.volumeClaimTemplates[0].spec.resources"],
    },
  );
  // Grows the claim in place (the StorageClass allows expansion; a shrink is refused at preview by
  // the guard). Deleting the patch must never shrink or touch the claim: retainOnDelete. No await:
  // the provider's claim await expects a WaitForFirstConsumer claim to be still Pending, and this
  // one is Bound by the time the StatefulSet is ready; the disk grows in the background.
  new k8s.core.v1.PersistentVolumeClaimPatch(
    `${name}-mongodb-data`,
    {
      metadata: {
        name: claimName("data", r.tierName("mongodb")),
        namespace: ns,
        annotations: { "pulumi.com/skipAwait": "true" },
      },
      spec: { resources: { requests: { storage: app.mongoStorageSize } } },
    },
    { ...inNs, dependsOn: [statefulSet], retainOnDelete: true },
  );
}

/** ratings-api and ratings-web: Deployments, ClusterIP Services, the HPA of ratings-web. */
function apiAndWeb(s: Scope, credentials: k8s.core.v1.Secret): k8s.core.v1.Service[] {
  const { name, ns, stamp, app, namespace, inNs, meta } = s;
  // ratings-api and ratings-web.
  const deployment = (
    tier: "api" | "web",
    replicas: number | undefined,
    env: k8s.types.input.core.v1.EnvVar[],
  ) =>
    new k8s.apps.v1.Deployment(
      `${name}-${tier}`,
      {
        metadata: meta(tier),
        spec: {
          replicas,
          selector: { matchLabels: r.selectorLabels(tier) },
          template: {
            metadata: { labels: r.labels(tier, stamp) },
            spec: {
              securityContext: r.podSecurity(tier),
              imagePullSecrets: s.imagePullSecrets,
              containers: [
                {
                  name: r.tierName(tier),
                  image: tier === "api" ? app.apiImage : app.webImage,
                  ports: [{ name: "http", containerPort: r.PORTS[tier] }],
                  env,
                  resources: r.RESOURCES[tier],
                  securityContext: r.containerSecurity(),
                  ...r.httpProbes(tier),
                },
              ],
            },
          },
        },
      },
      { ...inNs, dependsOn: [namespace, credentials, ...s.pullSecret] },
    );
  deployment("api", app.apiReplicas, [
    { name: "PORT", value: String(r.PORTS.api) },
    { name: "MONGODB_URI", ...fromSecret(credentials, "mongodb-uri") },
  ]);
  // Replicas of ratings-web belong to its autoscaler: leaving them unset keeps Pulumi from
  // fighting the HPA (the Deployment starts at 1, the API default).
  const web = deployment("web", undefined, [
    { name: "PORT", value: String(r.PORTS.web) },
    { name: "API", value: r.apiUrl(ns) },
  ]);

  const services = (["api", "web"] as const).map(
    (tier) =>
      new k8s.core.v1.Service(
        `${name}-${tier}`,
        {
          metadata: meta(tier),
          spec: {
            type: "ClusterIP",
            selector: r.selectorLabels(tier),
            ports: [{ name: "http", port: r.SERVICE_PORTS[tier], targetPort: r.PORTS[tier] }],
          },
        },
        inNs,
      ),
  );

  new k8s.autoscaling.v2.HorizontalPodAutoscaler(
    `${name}-web`,
    { metadata: meta("web"), spec: r.webAutoscalerSpec(app.webAutoscaling) },
    { ...inNs, dependsOn: [web] },
  );
  return services;
}
