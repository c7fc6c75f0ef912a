/**
 * components/metalLb.ts under mocks: with the chart (namespace with MetalLB's pod security labels
 * and NetworkPolicies, the pinned chart, then the pool and advertisement) and without it (MetalLB already installed:
 * only the two custom resources, in the configured namespace).
 */
import { installMocks, Recorded, settle } from "./mocks";

const recorded: Recorded[] = installMocks();

// Imported after the mocks are installed.
import * as k8s from "@pulumi/kubernetes";
import { MetalLb } from "../components/metalLb";
import type { MetalLbConfig } from "../config";

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Any = any;

const base: MetalLbConfig = {
  addresses: ["192.168.40.240/29"],
  installChart: true,
  namespace: "metallb-system",
  chart: "oci://registry.fabrikam.de/charts/metallb",
  chartVersion: "0.16.1",
  imageRegistry: "registry.fabrikam.de",
};

let withChart: MetalLb;
let without: MetalLb;
beforeAll(async () => {
  const provider = new k8s.Provider("test", { kubeconfig: "{}" });
  withChart = new MetalLb("a", { metallb: base, stamp: "hamburg-edge" }, { provider });
  without = new MetalLb(
    "b",
    { metallb: { ...base, installChart: false, namespace: "lb" }, stamp: "hamburg-edge" },
    { provider },
  );
  await settle();
});

const of = (prefix: string) =>
  recorded
    .filter((r) => r.name.startsWith(`${prefix}-`))
    .map((r) => `${r.type} ${r.name}`)
    .sort();

test("with the chart: namespace, pinned chart from the mirror, pool and advertisement", () => {
  expect(of("a")).toEqual(
    [
      "kubernetes:core/v1:Namespace a-ns",
      "kubernetes:networking.k8s.io/v1:NetworkPolicy a-default-deny",
      "kubernetes:networking.k8s.io/v1:NetworkPolicy a-metallb-webhook",
      "kubernetes:networking.k8s.io/v1:NetworkPolicy a-metallb-api-server",
      "kubernetes:helm.sh/v4:Chart a-chart",
      "kubernetes:metallb.io/v1beta1:IPAddressPool a-pool",
      "kubernetes:metallb.io/v1beta1:L2Advertisement a-l2",
    ].sort(),
  );
  const ns = recorded.find((r) => r.name === "a-ns")!.inputs as Any;
  expect(ns.metadata.name).toBe("metallb-system");
  // As upstream's manifest labels metallb-system (config/manifests/metallb-native.yaml, v0.16.1).
  expect(ns.metadata.labels["pod-security.kubernetes.io/enforce"]).toBe("privileged");
  // Default deny, the webhook from the API server, the controller to it (lib/metallb.ts); the
  // API server ports are an existing cluster's (443 and 6443).
  const policy = (n: string) => recorded.find((r) => r.name === `a-${n}`)!.inputs as Any;
  expect(policy("default-deny").metadata.namespace).toBe("metallb-system");
  expect(policy("default-deny").spec.policyTypes).toEqual(["Ingress", "Egress"]);
  expect(policy("metallb-webhook").spec.ingress).toEqual([
    { ports: [{ protocol: "TCP", port: 9443 }] },
  ]);
  expect(policy("metallb-api-server").spec.egress).toEqual([
    {
      ports: [
        { protocol: "TCP", port: 443 },
        { protocol: "TCP", port: 6443 },
      ],
    },
  ]);
  const chart = recorded.find((r) => r.name === "a-chart")!.inputs as Any;
  expect([chart.chart, chart.version, chart.name, chart.namespace]).toEqual([
    "oci://registry.fabrikam.de/charts/metallb",
    "0.16.1",
    "metallb",
    "metallb-system",
  ]);
  expect(chart.values.controller.image.repository).toBe("registry.fabrikam.de/metallb/controller");
  expect(withChart.namespace).toBe("metallb-system");
});

test("without the chart: only the pool and advertisement (no policies in a namespace it does not own)", () => {
  expect(of("b")).toEqual([
    "kubernetes:metallb.io/v1beta1:IPAddressPool b-pool",
    "kubernetes:metallb.io/v1beta1:L2Advertisement b-l2",
  ]);
  const pool = recorded.find((r) => r.name === "b-pool")!.inputs as Any;
  expect(pool.metadata).toEqual({
    name: "gateway",
    namespace: "lb",
    labels: { "app.kubernetes.io/part-of": "ingress", "ash-ha-kubernetes/stamp": "hamburg-edge" },
  });
  expect(pool.spec).toEqual({ addresses: ["192.168.40.240/29"], autoAssign: true });
  expect((recorded.find((r) => r.name === "b-l2")!.inputs as Any).spec).toEqual({
    ipAddressPools: ["gateway"],
  });
  expect(without.ready).toHaveLength(2);
});
