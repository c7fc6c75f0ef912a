/**
 * The `local` stack through the real Pulumi engine on the local control plane: up, a clean
 * preview, five out-of-band changes each detected by refresh (exit 7) and healed by up, destroy,
 * and no plaintext secret in the exported state.
 */
import { kubectl, kubectlJson, LocalStack, show, waitFor } from "./harness";

const stack = new LocalStack("it-local");
const ns = stack.namespace;

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Any = any;

beforeAll(() => stack.init());
afterAll(() => {
  stack.pulumi("destroy", "--yes", "--skip-preview");
  stack.dispose();
});

describe("1. up", () => {
  test("pulumi up creates the ratings app", () => {
    const up = stack.pulumi("up", "--yes", "--skip-preview");
    expect({ code: up.code, output: up.code === 0 ? "" : show(up) }).toEqual({
      code: 0,
      output: "",
    });
    const deployments = kubectlJson<Any>(["-n", ns, "get", "deployments"]).items.map(
      (d: Any) => d.metadata.name,
    );
    expect(deployments.sort()).toEqual(["ratings-api", "ratings-web"]);
  });

  test("simulated pods become ready and every Service selects pods", async () => {
    await waitFor("ratings pods ready", () => {
      const pods = kubectlJson<Any>(["-n", ns, "get", "pods"]).items as Any[];
      const ready = pods.filter((p) =>
        p.status.conditions?.some((c: Any) => c.type === "Ready" && c.status === "True"),
      );
      return ready.length >= 4; // 2 api + 1 web + 1 mongodb
    });
    for (const svc of ["ratings-web", "ratings-api", "ratings-mongodb"]) {
      const slices = kubectlJson<Any>([
        "-n",
        ns,
        "get",
        "endpointslices",
        "-l",
        `kubernetes.io/service-name=${svc}`,
      ]);
      const endpoints = slices.items.flatMap((s: Any) => s.endpoints ?? []);
      expect({ svc, endpoints: endpoints.length }).toEqual({ svc, endpoints: expect.any(Number) });
      expect(endpoints.length).toBeGreaterThan(0);
    }
  });

  test("HPA targets ratings-web 1..10 at 80 %, policies and budgets exist, the PVC is bound", () => {
    const hpa = kubectlJson<Any>(["-n", ns, "get", "hpa", "ratings-web"]).spec;
    expect(hpa.scaleTargetRef.name).toBe("ratings-web");
    expect([hpa.minReplicas, hpa.maxReplicas]).toEqual([1, 10]);
    expect(hpa.metrics[0].resource.target.averageUtilization).toBe(80);
    const policies = kubectlJson<Any>(["-n", ns, "get", "networkpolicies"]).items.map(
      (p: Any) => p.metadata.name,
    );
    expect(policies.sort()).toEqual([
      "allow-dns-egress",
      "default-deny",
      "ratings-api",
      "ratings-mongodb",
      "ratings-web",
    ]);
    const pdbs = kubectlJson<Any>(["-n", ns, "get", "pdb"]).items.map((p: Any) => p.metadata.name);
    expect(pdbs.sort()).toEqual(["ratings-api", "ratings-mongodb", "ratings-web"]);
  });

  test("a second preview shows no changes", () => {
    const preview = stack.pulumi("preview", "--expect-no-changes");
    expect({ code: preview.code, output: preview.code === 0 ? "" : show(preview) }).toEqual({
      code: 0,
      output: "",
    });
  });
});

const drifts: [string, () => void, () => boolean][] = [
  [
    "Deployment scaled with kubectl",
    () => kubectl(["-n", ns, "scale", "deployment/ratings-api", "--replicas=5"]),
    () => kubectlJson<Any>(["-n", ns, "get", "deployment", "ratings-api"]).spec.replicas === 2,
  ],
  [
    "HPA edited",
    () =>
      kubectl([
        "-n",
        ns,
        "patch",
        "hpa",
        "ratings-web",
        "--type=merge",
        "-p",
        '{"spec":{"maxReplicas":3}}',
      ]),
    () => kubectlJson<Any>(["-n", ns, "get", "hpa", "ratings-web"]).spec.maxReplicas === 10,
  ],
  [
    "NetworkPolicy deleted",
    () => kubectl(["-n", ns, "delete", "networkpolicy", "default-deny"]),
    () => kubectl(["-n", ns, "get", "networkpolicy", "default-deny"], true).code === 0,
  ],
  [
    "Service selector changed",
    () =>
      kubectl([
        "-n",
        ns,
        "patch",
        "service",
        "ratings-api",
        "--type=merge",
        "-p",
        '{"spec":{"selector":{"app.kubernetes.io/name":"something-else"}}}',
      ]),
    () =>
      kubectlJson<Any>(["-n", ns, "get", "service", "ratings-api"]).spec.selector[
        "app.kubernetes.io/name"
      ] === "ratings-api",
  ],
  [
    "Secret key deleted",
    () =>
      kubectl([
        "-n",
        ns,
        "patch",
        "secret",
        "ratings-mongodb-credentials",
        "--type=json",
        "-p",
        '[{"op":"remove","path":"/data/mongodb-uri"}]',
      ]),
    () =>
      "mongodb-uri" in
      kubectlJson<Any>(["-n", ns, "get", "secret", "ratings-mongodb-credentials"]).data,
  ],
];

describe.each(drifts)("2. drift: %s", (_name, change, healed) => {
  test("refresh --preview-only --expect-no-changes exits 7, then up --refresh heals it", () => {
    change();
    expect(healed()).toBe(false);
    const refresh = stack.pulumi("refresh", "--preview-only", "--expect-no-changes");
    expect({ code: refresh.code, output: refresh.code === 7 ? "" : show(refresh) }).toEqual({
      code: 7,
      output: "",
    });
    const up = stack.pulumi("up", "--refresh", "--yes", "--skip-preview");
    expect({ code: up.code, output: up.code === 0 ? "" : show(up) }).toEqual({
      code: 0,
      output: "",
    });
    expect(healed()).toBe(true);
    const clean = stack.pulumi("refresh", "--preview-only", "--expect-no-changes");
    expect({ code: clean.code, output: clean.code === 0 ? "" : show(clean) }).toEqual({
      code: 0,
      output: "",
    });
  });
});

describe("3. state and teardown", () => {
  test("the exported state holds no plaintext secret", () => {
    const secret = kubectlJson<Any>([
      "-n",
      ns,
      "get",
      "secret",
      "ratings-mongodb-credentials",
    ]).data;
    const plain = ["root-password", "app-password", "mongodb-uri"].map((k) =>
      Buffer.from(secret[k], "base64").toString(),
    );
    const exported = stack.pulumi("stack", "export");
    expect(exported.code).toBe(0);
    expect(exported.stdout).toContain("ratings-mongodb-credentials");
    for (const value of plain) {
      expect(value.length).toBeGreaterThan(20);
      expect(exported.stdout.includes(value)).toBe(false);
    }
  });

  test("pulumi destroy leaves nothing behind", async () => {
    const destroy = stack.pulumi("destroy", "--yes", "--skip-preview");
    expect(destroy.code).toBe(0);
    await waitFor("namespace gone", () => kubectl(["get", "namespace", ns], true).code !== 0);
    const left = stack.pulumi("stack", "export");
    const resources = JSON.parse(left.stdout).deployment.resources ?? [];
    expect(resources.filter((r: Any) => !r.type.startsWith("pulumi:"))).toEqual([]);
  });
});
