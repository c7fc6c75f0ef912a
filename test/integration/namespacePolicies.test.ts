/**
 * The platform namespaces' Pod Security labels and NetworkPolicies (cert-manager, kured, MetalLB),
 * as the pure functions build them, against the real kube-apiserver of the local control plane:
 * the API server stores every policy exactly as built (its validation and defaulting change
 * nothing), and Pod Security admission enforces the labels: cert-manager's namespace admits a pod
 * with the chart's security settings and refuses a privileged one. No Pulumi engine (the charts
 * cannot be downloaded here, so no cert-manager, kured or MetalLB pod runs), and no network plugin:
 * stored and admitted, not enforced.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as c from "../../lib/certificates";
import * as m from "../../lib/metallb";
import { API_SERVER_PORTS } from "../../lib/namespacePolicies";
import * as n from "../../lib/nodeReboots";
import type { PolicySpec } from "../../lib/ratings";
import { kubectl, kubectlJson } from "./harness";

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Any = any;

const PREFIX = "it-np";
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ashk8s-it-np-"));

const cases: { namespace: string; labels: Record<string, string>; policies: PolicySpec[] }[] = [
  {
    namespace: `${PREFIX}-cert-manager`,
    labels: c.certManagerNamespaceLabels("it"),
    policies: c.certManagerNetworkPolicies({
      issuer: { type: "acme", server: "https://acme.fabrikam.de:8443/dir", email: "a@fabrikam.de" },
      apiServerPorts: API_SERVER_PORTS.edge,
    }),
  },
  {
    namespace: `${PREFIX}-kured`,
    labels: n.namespaceLabels("it"),
    policies: n.networkPolicies(),
  },
  {
    namespace: `${PREFIX}-metallb`,
    labels: { "pod-security.kubernetes.io/enforce": "privileged" },
    policies: m.networkPolicies(API_SERVER_PORTS.edge),
  },
];

function apply(name: string, objects: unknown[], extra: string[] = []) {
  const file = path.join(dir, `${name}.json`);
  fs.writeFileSync(file, JSON.stringify({ apiVersion: "v1", kind: "List", items: objects }));
  return kubectl(["apply", "-f", file, ...extra], true);
}

beforeAll(() => {
  for (const k of cases) {
    const r = apply(k.namespace, [
      { apiVersion: "v1", kind: "Namespace", metadata: { name: k.namespace, labels: k.labels } },
      ...k.policies.map((p) => ({
        apiVersion: "networking.k8s.io/v1",
        kind: "NetworkPolicy",
        metadata: { name: p.name, namespace: k.namespace },
        spec: p.spec,
      })),
    ]);
    if (r.code !== 0) throw new Error(`apply ${k.namespace} failed:\n${r.stderr}`);
  }
});

afterAll(() => {
  for (const k of cases) kubectl(["delete", "namespace", k.namespace, "--wait=false"], true);
  fs.rmSync(dir, { recursive: true, force: true });
});

test.each(cases.map((k) => [k.namespace, k] as const))(
  "%s: the API server stores every policy exactly as built",
  (_name, k) => {
    const stored = kubectlJson<Any>(["-n", k.namespace, "get", "networkpolicies"]).items;
    expect(stored.map((p: Any) => ({ name: p.metadata.name, spec: p.spec })).sort(byName)).toEqual(
      k.policies.map((p) => ({ name: p.name, spec: p.spec })).sort(byName),
    );
  },
);

function byName(a: { name: string }, b: { name: string }) {
  return a.name.localeCompare(b.name);
}

/** A pod of one container; `security` is merged into the container. */
function pod(name: string, namespace: string, podSecurity: object, security: object) {
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name, namespace },
    spec: {
      securityContext: podSecurity,
      containers: [{ name: "c", image: "registry.example.test/c:v1", securityContext: security }],
    },
  };
}

test("cert-manager's namespace admits a pod with the chart's security settings (restricted)", () => {
  // The chart's defaults at v1.21.1 (values.yaml securityContext / containerSecurityContext).
  const r = apply(
    "admitted",
    [
      pod(
        "chart-like",
        cases[0].namespace,
        { runAsNonRoot: true, seccompProfile: { type: "RuntimeDefault" } },
        {
          allowPrivilegeEscalation: false,
          capabilities: { drop: ["ALL"] },
          readOnlyRootFilesystem: true,
        },
      ),
    ],
    ["--dry-run=server"],
  );
  expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: "" });
});

test("cert-manager's namespace refuses a privileged pod; kured's admits it", () => {
  const privileged = (ns: string) =>
    pod("privileged", ns, {}, { privileged: true, allowPrivilegeEscalation: true });
  const refused = apply("refused", [privileged(cases[0].namespace)], ["--dry-run=server"]);
  expect(refused.code).not.toBe(0);
  expect(refused.stderr).toMatch(/violates PodSecurity "restricted:latest"/);
  const admitted = apply("kured", [privileged(cases[1].namespace)], ["--dry-run=server"]);
  expect({ code: admitted.code, stderr: admitted.stderr }).toEqual({ code: 0, stderr: "" });
});
