/**
 * The edge stack's schema: a Kubernetes cluster that already exists (Azure Stack Edge, or any
 * conformant cluster) and has no cloud load balancer. Its kubeconfig is the secret key
 * `edgeKubeconfig`; MetalLB gives the Gateway's LoadBalancer Service an address from
 * `metallb.addresses`; the in-cluster layer and the Traffic Manager endpoint are a stamp's. Pure.
 */
import { z } from "zod";
import {
  addressPoolProblems,
  DEFAULT_NAMESPACE,
  poolContains,
  poolIsPrivate,
} from "../lib/metallb";
import { METALLB_CHART } from "../lib/versions";
import {
  chartVersion,
  checkChartPin,
  imageRegistry,
  K8S_NAME,
  nonEmpty,
  STAMP_NAME,
  sha256Digest,
} from "./fields";
import { certificatesProblems, certificatesSchema } from "./certificates";
import { appSchema, ingressSchema, monitoringSchema } from "./inCluster";
import { stampImageProblems } from "./rules";
import type { Secret } from "./secret";
import { trafficManagerEndpointSchema } from "./stamp";

export const metallbSchema = z.strictObject({
  /**
   * The addresses MetalLB hands to LoadBalancer Services (the Gateway's): IPv4 CIDR prefixes
   * (`192.168.10.240/28`) or `start-end` ranges (`192.168.10.240-192.168.10.250`), free on the
   * nodes' L2 segment and outside its DHCP scope. At least one; no overlaps.
   */
  addresses: z
    .array(z.string())
    .min(1, "must list at least one address range")
    .superRefine((list, ctx) => {
      for (const p of addressPoolProblems(list)) {
        ctx.addIssue({ code: "custom", path: [p.index], message: p.problem });
      }
    }),
  /**
   * Installs the MetalLB chart (default true). false when MetalLB already runs on the cluster
   * (installed by the platform or by hand, at a version serving metallb.io/v1beta1): the program
   * then creates only the IPAddressPool and the L2Advertisement, in `namespace`.
   */
  installChart: z.boolean().default(true),
  /** Namespace MetalLB runs in and reads its pools from. Defaults to metallb-system. */
  namespace: z
    .string()
    .regex(K8S_NAME, "must be a lowercase DNS-1123 label")
    .default(DEFAULT_NAMESPACE),
  /** MetalLB chart: chart repository URL (default https://metallb.github.io/metallb), oci:// reference or metallb-<chartVersion>.tgz archive. */
  chart: nonEmpty.default(METALLB_CHART.source),
  /** Exact chart version; the images are tagged v<chartVersion>. Defaults to 0.16.1. */
  chartVersion: chartVersion(METALLB_CHART.version).default(METALLB_CHART.version),
  /** SHA-256 of the chart archive `chart` names (`sha256sum <name>-<version>.tgz`); required for a verified install (docs/in-cluster.md "Pinned downloads"). */
  chartSha256: sha256Digest.optional(),
  /** Registry mirroring quay.io, paths kept (<registry>/metallb/controller, .../speaker); unset pulls from quay.io. */
  imageRegistry: imageRegistry.optional(),
});

export const edgeSchema = z.strictObject({
  kind: z.literal("edge"),
  edge: z
    .strictObject({
      /**
       * Deploys NGINX Gateway Fabric and the Gateway (default true). false only when the app is
       * published another way (the ratings app then gets no route); a Traffic Manager endpoint
       * then needs `trafficManager.target`.
       */
      gateway: z.boolean().default(true),
    })
    .prefault({}),
  metallb: metallbSchema.superRefine(checkChartPin(METALLB_CHART.name)),
  /**
   * The stamp's endpoint in the global Traffic Manager profile, as on a stamp. Unset: no endpoint
   * and no global stack (monitoring.mode must then be none).
   */
  trafficManager: trafficManagerEndpointSchema.optional(),
  ingress: ingressSchema,
  monitoring: monitoringSchema,
  app: appSchema,
  /** cert-manager and the Certificate for `ingress.hostname`, as on a stamp (config/certificates.ts). Unset: HTTP only. */
  certificates: certificatesSchema.optional(),
});

export type EdgeSettings = z.infer<typeof edgeSchema>;
export type MetalLbConfig = EdgeSettings["metallb"];

/** An edge stamp's configuration: its settings, name and kubeconfig. */
export type EdgeConfig = EdgeSettings & {
  stack: string;
  /** Stamp name: the stack name. */
  name: string;
  /** Kubeconfig of the existing cluster (secret key `edgeKubeconfig`). */
  kubeconfig: Secret;
};

/** The kubeconfig must look like one (never echoed): YAML or JSON of kind Config with a cluster. */
export function kubeconfigProblems(kubeconfig: string): string[] {
  const looksLikeConfig =
    /(^|\n)\s*["']?kind["']?\s*:\s*["']?Config\b/.test(kubeconfig) &&
    /(^|\n)\s*["']?clusters["']?\s*:/.test(kubeconfig);
  return looksLikeConfig
    ? []
    : [
        "edgeKubeconfig: [secret] must be a kubeconfig (a document of kind Config with clusters); set it with `pulumi config set --secret edgeKubeconfig < kubeconfig`",
      ];
}

/** Cross-field rules of an edge stamp, run after parsing. */
export function checkEdge(stack: string, s: EdgeSettings): string[] {
  const problems: string[] = [];
  if (!STAMP_NAME.test(stack)) {
    problems.push(
      `stack name: "${stack}" is used as the stamp name and must be lowercase letters, digits and dashes (2-24 chars)`,
    );
  }
  problems.push(...stampImageProblems(s.app));
  problems.push(...certificatesProblems(s.certificates, s.ingress.hostname));
  if (s.certificates && (!s.edge.gateway || !s.trafficManager)) {
    problems.push(
      "certificates: needs edge.gateway (the HTTPS listener is the Gateway's) and trafficManager (the DNS zone and its credential come from the global stack)",
    );
  }
  const lbIp = s.ingress.loadBalancerIp;
  if (lbIp !== undefined && !poolContains(s.metallb.addresses, lbIp)) {
    problems.push(
      `ingress.loadBalancerIp: "${lbIp}" is outside metallb.addresses (${s.metallb.addresses.join(", ")}); MetalLB assigns only pool addresses: pick one of them or unset the key`,
    );
  }
  if (s.app.storageClass === undefined) {
    problems.push(
      "app.storageClass: is missing; an edge cluster is not built by this program, so name the storage class MongoDB's volume should use (e.g. Azure Stack Edge's ase-node-local; list them with `kubectl get storageclass`)",
    );
  }
  const tm = s.trafficManager;
  if (tm === undefined) {
    if (s.monitoring.mode !== "none") {
      problems.push(
        `monitoring.mode: "${s.monitoring.mode}" ships to the global stack's workspace, which an edge stack reaches through trafficManager.globalStack; set trafficManager (the stamp's endpoint) or monitoring.mode: none`,
      );
    }
  } else if (tm.target === undefined) {
    if (!s.edge.gateway) {
      problems.push(
        "trafficManager.target: is missing; edge.gateway is false, so there is no Gateway address to point Traffic Manager at: set the public IP or DNS name that publishes the app",
      );
    } else if (poolIsPrivate(s.metallb.addresses)) {
      problems.push(
        `trafficManager.target: is missing; metallb.addresses (${s.metallb.addresses.join(", ")}) are private (RFC 1918/6598), which Traffic Manager's probes and users cannot reach: set the public IP or DNS name of the NAT or firewall that publishes the Gateway`,
      );
    }
  }
  return problems;
}
