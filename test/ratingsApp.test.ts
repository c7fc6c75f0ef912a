import { installMocks, Recorded, resolve, settle, unwrapSecret } from "./mocks";

const recorded: Recorded[] = installMocks({
  outputs: {
    "pulumi-nodejs:dynamic/ash-ha-kubernetes:GeneratedPassword": (a) => ({
      result: `generated-${a.name}`,
    }),
  },
});

// Imported after the mocks are installed.
import * as k8s from "@pulumi/kubernetes";
import { RatingsApp } from "../components/ratingsApp";
import * as r from "../lib/ratings";
import { mongoStorageClass } from "../lib/dataSafety";

const app = {
  namespace: "ratings",
  apiImage: "registry.example/ratings-api:v1.0.0",
  webImage: "registry.example/ratings-web:v1.0.0",
  mongoImage: "docker.io/library/mongo:7.0.14",
  apiReplicas: 2,
  webAutoscaling: { minReplicas: 1, maxReplicas: 10, cpuUtilizationPercent: 80 },
  mongoStorageSize: "8Gi",
  storageClass: undefined,
  protectStatefulResources: undefined,
  approvedStatefulChanges: [],
};

let component: RatingsApp;
const byType = (type: string) => recorded.filter((x) => x.type === type);
const one = (type: string, name: string) => {
  const found = recorded.find((x) => x.type === type && x.name === name);
  if (!found)
    throw new Error(
      `no ${type} named ${name}; have ${recorded.map((x) => `${x.type}/${x.name}`).join(", ")}`,
    );
  return found;
};
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const spec = (x: Recorded) => x.inputs.spec as any;

beforeAll(async () => {
  const provider = new k8s.Provider("test", { kubeconfig: "{}" });
  component = new RatingsApp(
    "ratings",
    {
      app,
      stamp: "seattle",
      gateway: { name: "ratings-gateway", namespace: "nginx-gateway" },
      storageClass: mongoStorageClass("stamp"),
      protect: true,
      retainOnDelete: true,
    },
    { providers: { kubernetes: provider } },
  );
  await resolve(component.namespace);
  // Let every child registration reach the mocks.
  await settle();
});

test("registers the full graph with names derived from the component name", () => {
  const summary = recorded
    .filter((x) => !x.type.startsWith("pulumi:providers"))
    .map((x) => `${x.type} ${x.name}`)
    .sort();
  expect(summary).toEqual(
    [
      "ash-ha-kubernetes:app:RatingsApp ratings",
      "kubernetes:apps/v1:Deployment ratings-api",
      "kubernetes:apps/v1:Deployment ratings-web",
      "kubernetes:apps/v1:StatefulSet ratings-mongodb",
      "kubernetes:autoscaling/v2:HorizontalPodAutoscaler ratings-web",
      "kubernetes:core/v1:ConfigMap ratings-mongodb-init",
      "kubernetes:core/v1:Namespace ratings-ns",
      "kubernetes:core/v1:PersistentVolumeClaimPatch ratings-mongodb-data",
      "kubernetes:core/v1:Secret ratings-mongodb-credentials",
      "kubernetes:core/v1:Service ratings-api",
      "kubernetes:core/v1:Service ratings-mongodb",
      "kubernetes:core/v1:Service ratings-web",
      "kubernetes:gateway.networking.k8s.io/v1:HTTPRoute ratings-route",
      "kubernetes:networking.k8s.io/v1:NetworkPolicy ratings-allow-dns-egress",
      "kubernetes:networking.k8s.io/v1:NetworkPolicy ratings-default-deny",
      "kubernetes:networking.k8s.io/v1:NetworkPolicy ratings-ratings-api",
      "kubernetes:networking.k8s.io/v1:NetworkPolicy ratings-ratings-mongodb",
      "kubernetes:networking.k8s.io/v1:NetworkPolicy ratings-ratings-web",
      "kubernetes:policy/v1:PodDisruptionBudget ratings-api",
      "kubernetes:policy/v1:PodDisruptionBudget ratings-mongodb",
      "kubernetes:policy/v1:PodDisruptionBudget ratings-web",
      "kubernetes:storage.k8s.io/v1:StorageClass ratings-mongodb-storage",
      "pulumi-nodejs:dynamic/ash-ha-kubernetes:GeneratedPassword ratings-mongodb-app-password",
      "pulumi-nodejs:dynamic/ash-ha-kubernetes:GeneratedPassword ratings-mongodb-root-password",
      "pulumi-nodejs:dynamic/ash-ha-kubernetes:StatefulGuard ratings-stateful-guard",
    ].sort(),
  );
});

test("every Kubernetes resource uses the given provider and the component as parent", () => {
  const app = one("ash-ha-kubernetes:app:RatingsApp", "ratings");
  expect(app.urn).toBe(
    "urn:pulumi:test::ash-ha-kubernetes::ash-ha-kubernetes:app:RatingsApp::ratings",
  );
  const kubernetes = recorded.filter(
    (x) => x.type.startsWith("kubernetes:") && !x.type.startsWith("pulumi:"),
  );
  expect(kubernetes).toHaveLength(21);
  for (const x of kubernetes) {
    expect(x.provider).toMatch(/pulumi:providers:kubernetes::test::/);
    expect({ resource: `${x.type} ${x.name}`, parent: x.parent }).toEqual({
      resource: `${x.type} ${x.name}`,
      parent: app.urn,
    });
  }
  // The generated passwords belong to the component too.
  for (const p of byType("pulumi-nodejs:dynamic/ash-ha-kubernetes:GeneratedPassword"))
    expect(p.parent).toBe(app.urn);
  expect(
    one("pulumi-nodejs:dynamic/ash-ha-kubernetes:StatefulGuard", "ratings-stateful-guard").parent,
  ).toBe(app.urn);
});

test("every Service selects the pods of its workload", () => {
  const workloads = [
    ...byType("kubernetes:apps/v1:Deployment"),
    ...byType("kubernetes:apps/v1:StatefulSet"),
  ];
  for (const svc of byType("kubernetes:core/v1:Service")) {
    const selector = spec(svc).selector as Record<string, string>;
    const matches = workloads.filter((w) => {
      const podLabels = spec(w).template.metadata.labels as Record<string, string>;
      return Object.entries(selector).every(([k, v]) => podLabels[k] === v);
    });
    expect(matches.map((m) => m.name)).toEqual([svc.name]);
    // and the workload's own selector matches its pod template
    const w = matches[0];
    expect(spec(w).template.metadata.labels).toMatchObject(spec(w).selector.matchLabels);
  }
});

test("MongoDB: headless service, auth from the Secret, persistent volume of the configured size", () => {
  const svc = one("kubernetes:core/v1:Service", "ratings-mongodb");
  expect(spec(svc).clusterIP).toBe("None");
  const sts = spec(one("kubernetes:apps/v1:StatefulSet", "ratings-mongodb"));
  const container = sts.template.spec.containers[0];
  expect(container.image).toBe("docker.io/library/mongo:7.0.14");
  const env = Object.fromEntries(
    container.env.map((e: { name: string; valueFrom?: unknown }) => [e.name, e.valueFrom]),
  );
  expect(Object.keys(env)).toEqual([
    "MONGO_INITDB_ROOT_USERNAME",
    "MONGO_INITDB_ROOT_PASSWORD",
    "MONGO_APP_USERNAME",
    "MONGO_APP_PASSWORD",
  ]);
  for (const v of Object.values(env))
    expect(v).toMatchObject({ secretKeyRef: { key: expect.any(String) } });
  expect(sts.volumeClaimTemplates[0].spec.resources.requests.storage).toBe("8Gi");
  expect(container.readinessProbe.exec.command).toContain("mongosh");
});

test("the credentials Secret holds generated passwords and reaches the engine as a secret", () => {
  const secret = one("kubernetes:core/v1:Secret", "ratings-mongodb-credentials");
  const { value: data, secret: isSecret } = unwrapSecret<Record<string, string>>(
    secret.inputs.stringData,
  );
  expect(isSecret).toBe(true);
  expect(Object.keys(data).sort()).toEqual([
    "app-password",
    "app-username",
    "mongodb-uri",
    "root-password",
    "root-username",
  ]);
  const passwords = byType("pulumi-nodejs:dynamic/ash-ha-kubernetes:GeneratedPassword");
  expect(passwords.map((p) => p.inputs.length)).toEqual([32, 32]);
  expect(data["mongodb-uri"]).toMatch(
    /^mongodb:\/\/ratings:.+@ratings-mongodb-0\.ratings-mongodb\.ratings\.svc\.cluster\.local:27017\/ratingsdb\?authSource=ratingsdb$/,
  );
});

test("ratings-api: explicit PORT, MONGODB_URI from the Secret, /healthz probes, requests and limits", () => {
  const d = spec(one("kubernetes:apps/v1:Deployment", "ratings-api"));
  const c = d.template.spec.containers[0];
  expect(d.replicas).toBe(2);
  expect(c.env).toEqual([
    { name: "PORT", value: "3000" },
    {
      name: "MONGODB_URI",
      valueFrom: { secretKeyRef: { name: expect.anything(), key: "mongodb-uri" } },
    },
  ]);
  expect(c.readinessProbe.httpGet).toEqual({ path: "/healthz", port: 3000 });
  expect(c.livenessProbe.httpGet).toEqual({ path: "/healthz", port: 3000 });
  expect(c.resources).toEqual(r.RESOURCES.api);
});

test("ratings-web: API points at the API service, probes on /, replicas left to the HPA", () => {
  const d = spec(one("kubernetes:apps/v1:Deployment", "ratings-web"));
  const c = d.template.spec.containers[0];
  expect(d.replicas).toBeUndefined();
  expect(c.env).toContainEqual({
    name: "API",
    value: "http://ratings-api.ratings.svc.cluster.local:80",
  });
  expect(c.readinessProbe.httpGet).toEqual({ path: "/", port: 8080 });
});

test("every container has requests, limits and a restricted security context", () => {
  const workloads = [
    ...byType("kubernetes:apps/v1:Deployment"),
    ...byType("kubernetes:apps/v1:StatefulSet"),
  ];
  expect(workloads).toHaveLength(3);
  for (const w of workloads) {
    const pod = spec(w).template.spec;
    expect(pod.securityContext).toMatchObject({
      runAsNonRoot: true,
      seccompProfile: { type: "RuntimeDefault" },
    });
    for (const c of pod.containers) {
      expect(Object.keys(c.resources.requests).sort()).toEqual(["cpu", "memory"]);
      expect(Object.keys(c.resources.limits).sort()).toEqual(["cpu", "memory"]);
      expect(c.securityContext).toMatchObject({
        allowPrivilegeEscalation: false,
        capabilities: { drop: ["ALL"] },
      });
    }
  }
  const ns = one("kubernetes:core/v1:Namespace", "ratings-ns");
  expect(
    (ns.inputs.metadata as { labels: Record<string, string> }).labels[
      "pod-security.kubernetes.io/enforce"
    ],
  ).toBe("restricted");
});

test("HPA on ratings-web: autoscaling/v2, 1..10 replicas at 80 % CPU", () => {
  const hpa = spec(one("kubernetes:autoscaling/v2:HorizontalPodAutoscaler", "ratings-web"));
  expect(hpa).toEqual({
    scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: "ratings-web" },
    minReplicas: 1,
    maxReplicas: 10,
    metrics: [
      {
        type: "Resource",
        resource: { name: "cpu", target: { type: "Utilization", averageUtilization: 80 } },
      },
    ],
  });
});

test("a PodDisruptionBudget covers every workload", () => {
  const pdbSelectors = byType("kubernetes:policy/v1:PodDisruptionBudget").map(
    (p) => spec(p).selector.matchLabels,
  );
  for (const tier of ["web", "api", "mongodb"] as const) {
    expect(pdbSelectors).toContainEqual(r.selectorLabels(tier));
  }
});

test("network policies: default deny, then only the allowed paths", () => {
  const names = byType("kubernetes:networking.k8s.io/v1:NetworkPolicy").map(
    (p) => (p.inputs.metadata as { name: string }).name,
  );
  expect(names.sort()).toEqual([
    "allow-dns-egress",
    "default-deny",
    "ratings-api",
    "ratings-mongodb",
    "ratings-web",
  ]);
  const deny = spec(one("kubernetes:networking.k8s.io/v1:NetworkPolicy", "ratings-default-deny"));
  expect(deny).toEqual({ podSelector: {}, policyTypes: ["Ingress", "Egress"] });
});

test("the HTTPRoute sends /healthz to the API and / to the web tier on the configured gateway", () => {
  const route = spec(one("kubernetes:gateway.networking.k8s.io/v1:HTTPRoute", "ratings-route"));
  expect(route.parentRefs).toEqual([{ name: "ratings-gateway", namespace: "nginx-gateway" }]);
  expect(
    route.rules.map(
      (x: { matches: { path: { value: string } }[]; backendRefs: { name: string }[] }) => [
        x.matches[0].path.value,
        x.backendRefs[0].name,
      ],
    ),
  ).toEqual([
    ["/healthz", "ratings-api"],
    ["/", "ratings-web"],
  ]);
});
