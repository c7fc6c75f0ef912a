/**
 * Pure building blocks of the ratings app: labels, selectors, container security, probes,
 * resources, the autoscaler and the network policies. `components/ratingsApp.ts` only wires them
 * into Kubernetes resources, so every rule here is unit-tested without Pulumi.
 */

/** The three tiers of the app. */
export type Tier = "web" | "api" | "mongodb";

export const PART_OF = "ratings";
export const PORTS = { web: 8080, api: 3000, mongodb: 27017 } as const;
/** Service ports: web and api are reached on 80 inside the cluster, MongoDB on its own port. */
export const SERVICE_PORTS = { web: 80, api: 80, mongodb: 27017 } as const;
/** Non-root user ids the images run as (node images: 1000 "node"; mongo image: 999 "mongodb"). */
export const RUN_AS_USER = { web: 1000, api: 1000, mongodb: 999 } as const;

/** Name of a tier's Deployment/StatefulSet and Service. */
export function tierName(tier: Tier): string {
  return `ratings-${tier}`;
}

/** Selector labels: stable, never include versions (a selector cannot change in place). */
export function selectorLabels(tier: Tier): Record<string, string> {
  return { "app.kubernetes.io/name": tierName(tier), "app.kubernetes.io/part-of": PART_OF };
}

/** All labels of a tier's pods and objects. */
export function labels(tier: Tier, stamp: string): Record<string, string> {
  return {
    ...selectorLabels(tier),
    "app.kubernetes.io/component":
      tier === "mongodb" ? "database" : tier === "api" ? "backend" : "frontend",
    "app.kubernetes.io/managed-by": "pulumi",
    "ash-ha-kubernetes/stamp": stamp,
  };
}

/** Pod Security admission labels of the namespace: every pod meets the `restricted` profile. */
export function namespaceLabels(stamp: string): Record<string, string> {
  return {
    "pod-security.kubernetes.io/enforce": "restricted",
    "pod-security.kubernetes.io/enforce-version": "latest",
    "pod-security.kubernetes.io/warn": "restricted",
    "app.kubernetes.io/part-of": PART_OF,
    "ash-ha-kubernetes/stamp": stamp,
  };
}

/** Pod-level security context that satisfies the `restricted` Pod Security profile. */
export function podSecurity(tier: Tier) {
  return {
    runAsNonRoot: true,
    runAsUser: RUN_AS_USER[tier],
    runAsGroup: RUN_AS_USER[tier],
    fsGroup: RUN_AS_USER[tier],
    seccompProfile: { type: "RuntimeDefault" },
  };
}

/** Container-level security context for the `restricted` profile. */
export function containerSecurity() {
  return {
    allowPrivilegeEscalation: false,
    capabilities: { drop: ["ALL"] },
    readOnlyRootFilesystem: false,
  };
}

/** Requests and limits of each tier (every container has both). */
export const RESOURCES: Record<
  Tier,
  { requests: Record<string, string>; limits: Record<string, string> }
> = {
  web: { requests: { cpu: "100m", memory: "128Mi" }, limits: { cpu: "500m", memory: "256Mi" } },
  api: { requests: { cpu: "100m", memory: "128Mi" }, limits: { cpu: "500m", memory: "256Mi" } },
  mongodb: { requests: { cpu: "250m", memory: "512Mi" }, limits: { cpu: "1", memory: "1Gi" } },
};

/** HTTP readiness and liveness probes: the API's /healthz is 200 only when MongoDB answers. */
export function httpProbes(tier: "web" | "api") {
  const path = tier === "api" ? "/healthz" : "/";
  const port = PORTS[tier];
  return {
    readinessProbe: {
      httpGet: { path, port },
      periodSeconds: 10,
      timeoutSeconds: 3,
      failureThreshold: 3,
    },
    livenessProbe: {
      httpGet: { path, port },
      initialDelaySeconds: 20,
      periodSeconds: 20,
      timeoutSeconds: 3,
      failureThreshold: 3,
    },
  };
}

/** MongoDB probes: a ping through mongosh (exec, so they work with auth on). */
export function mongoProbes() {
  const ping = {
    exec: { command: ["mongosh", "--quiet", "--eval", "db.adminCommand('ping').ok"] },
  };
  return {
    readinessProbe: { ...ping, periodSeconds: 10, timeoutSeconds: 5, failureThreshold: 6 },
    livenessProbe: { ...ping, initialDelaySeconds: 30, periodSeconds: 20, timeoutSeconds: 5 },
  };
}

/** In-cluster DNS name of a tier's Service. */
export function serviceHost(tier: Tier, namespace: string): string {
  return `${tierName(tier)}.${namespace}.svc.cluster.local`;
}

/** The API URL ratings-web calls (its `API` variable). */
export function apiUrl(namespace: string): string {
  return `http://${serviceHost("api", namespace)}:${SERVICE_PORTS.api}`;
}

/** The database the API uses, and the user that owns it. */
export const DATABASE = "ratingsdb";
export const APP_USER = "ratings";
export const ROOT_USER = "root";

/** MongoDB connection string for the API (the password is filled in as a secret). */
export function mongoUri(namespace: string, password: string): string {
  const host = `${tierName("mongodb")}-0.${serviceHost("mongodb", namespace)}:${PORTS.mongodb}`;
  return `mongodb://${APP_USER}:${encodeURIComponent(password)}@${host}/${DATABASE}?authSource=${DATABASE}`;
}

/**
 * mongosh init script (run once by the image on an empty volume) that creates the app user from
 * environment variables, so no password is written into the ConfigMap.
 */
export const MONGO_INIT_SCRIPT = [
  "// Creates the ratings app user; credentials come from the pod's Secret-backed environment.",
  `db.getSiblingDB("${DATABASE}").createUser({`,
  "  user: process.env.MONGO_APP_USERNAME,",
  "  pwd: process.env.MONGO_APP_PASSWORD,",
  `  roles: [{ role: "readWrite", db: "${DATABASE}" }],`,
  "});",
  "",
].join("\n");

/** Horizontal pod autoscaler spec of ratings-web (autoscaling/v2). */
export function webAutoscalerSpec(a: {
  minReplicas: number;
  maxReplicas: number;
  cpuUtilizationPercent: number;
}) {
  return {
    scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: tierName("web") },
    minReplicas: a.minReplicas,
    maxReplicas: a.maxReplicas,
    metrics: [
      {
        type: "Resource",
        resource: {
          name: "cpu",
          target: { type: "Utilization", averageUtilization: a.cpuUtilizationPercent },
        },
      },
    ],
  };
}

/** A NetworkPolicy spec, named. */
export interface PolicySpec {
  name: string;
  spec: { podSelector: Record<string, unknown>; policyTypes: string[]; [field: string]: unknown };
}

const dnsEgress = {
  to: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "kube-system" } } }],
  ports: [
    { protocol: "UDP", port: 53 },
    { protocol: "TCP", port: 53 },
  ],
};

/**
 * Network policies of the namespace: default deny for ingress and egress, then only
 * gateway -> web and api (/healthz for Traffic Manager), web -> api, api -> MongoDB, and DNS.
 * @param gatewayNamespace namespace of the ingress gateway's data plane; unset: no ingress from outside
 */
export function networkPolicies(gatewayNamespace?: string): PolicySpec[] {
  const fromGateway = gatewayNamespace
    ? [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": gatewayNamespace } } }]
    : [];
  const tcp = (port: number) => [{ protocol: "TCP", port }];
  return [
    { name: "default-deny", spec: { podSelector: {}, policyTypes: ["Ingress", "Egress"] } },
    {
      name: "allow-dns-egress",
      spec: { podSelector: {}, policyTypes: ["Egress"], egress: [dnsEgress] },
    },
    {
      name: "ratings-web",
      spec: {
        podSelector: { matchLabels: selectorLabels("web") },
        policyTypes: ["Ingress", "Egress"],
        ingress: fromGateway.length ? [{ from: fromGateway, ports: tcp(PORTS.web) }] : [],
        egress: [
          { to: [{ podSelector: { matchLabels: selectorLabels("api") } }], ports: tcp(PORTS.api) },
        ],
      },
    },
    {
      name: "ratings-api",
      spec: {
        podSelector: { matchLabels: selectorLabels("api") },
        policyTypes: ["Ingress", "Egress"],
        ingress: [
          {
            from: [{ podSelector: { matchLabels: selectorLabels("web") } }, ...fromGateway],
            ports: tcp(PORTS.api),
          },
        ],
        egress: [
          {
            to: [{ podSelector: { matchLabels: selectorLabels("mongodb") } }],
            ports: tcp(PORTS.mongodb),
          },
        ],
      },
    },
    {
      name: "ratings-mongodb",
      spec: {
        podSelector: { matchLabels: selectorLabels("mongodb") },
        policyTypes: ["Ingress"],
        ingress: [
          {
            from: [{ podSelector: { matchLabels: selectorLabels("api") } }],
            ports: tcp(PORTS.mongodb),
          },
        ],
      },
    },
  ];
}
