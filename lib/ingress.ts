/**
 * Pure building blocks of the ingress: the pinned NGINX Gateway Fabric (NGF) chart and Gateway API
 * CRDs, the chart values, the Gateway spec and the name of the LoadBalancer Service NGF provisions.
 * `components/ingress.ts` only wires them into resources.
 *
 * NGF 2.x splits the control plane (the chart's Deployment, behind a ClusterIP Service) from the
 * data plane: for every Gateway of its class the control plane provisions an NGINX Deployment and
 * one Service named `<gateway>-<gatewayClass>` in the Gateway's namespace, configured from the
 * chart's `nginx.*` values (held in an NginxProxy resource). One Gateway therefore means exactly
 * one LoadBalancer Service, which is what an Azure Stack Hub stamp's public IP budget allows.
 */
import type { IngressConfig } from "../config/inCluster";
import { certGeneratorValues } from "./gatewayCertificates";
import { mirroredRepository } from "./helmChart";

/** Upstream image repositories of NGF (tags are the chart version: NGF's appVersion). */
export const NGF_IMAGES = {
  controlPlane: "ghcr.io/nginx/nginx-gateway-fabric",
  dataPlane: "ghcr.io/nginx/nginx-gateway-fabric/nginx",
} as const;

/** The GatewayClass the chart creates and the Gateway uses. */
export const GATEWAY_CLASS = "nginx";

/** Namespace of the control plane, the Gateway and (provisioned by NGF) the data plane. */
export const DEFAULT_NAMESPACE = "nginx-gateway";

/** Name of the one Gateway. Its data plane Service is `public-nginx`. */
export const DEFAULT_GATEWAY_NAME = "public";

/** Release name of the chart (prefix of the control plane's objects). */
export const RELEASE_NAME = "ngf";

/** Replicas: two of each so a node drain or a control plane restart keeps traffic flowing. */
export const REPLICAS = { controlPlane: 2, dataPlane: 2 } as const;

/** Requests and limits of the control plane (nginx-gateway) and data plane (nginx) containers. */
export const RESOURCES = {
  controlPlane: {
    requests: { cpu: "100m", memory: "128Mi" },
    limits: { cpu: "500m", memory: "256Mi" },
  },
  dataPlane: {
    requests: { cpu: "100m", memory: "128Mi" },
    limits: { cpu: "1", memory: "512Mi" },
  },
} as const;

/**
 * The `pulumi.com/waitFor` annotation of the Gateway: `pulumi up` waits until NGF has written the
 * load balancer's address into the Gateway's status (NGF copies it from the LoadBalancer Service's
 * `status.loadBalancer.ingress`), so the public IP is known when the Gateway is created.
 */
export const GATEWAY_ADDRESS_WAIT = "jsonpath={.status.addresses[0].value}";

/** Helm values of the NGF chart for one stamp. */
export function ngfValues(
  ingress: Pick<IngressConfig, "chartVersion" | "imageRegistry" | "loadBalancerIp">,
) {
  const image = (upstream: string) => ({
    repository: mirroredRepository(upstream, ingress.imageRegistry),
    tag: ingress.chartVersion,
    pullPolicy: "IfNotPresent",
  });
  return {
    nginxGateway: {
      gatewayClassName: GATEWAY_CLASS,
      replicas: REPLICAS.controlPlane,
      image: image(NGF_IMAGES.controlPlane),
      resources: RESOURCES.controlPlane,
      // Regulated and disconnected stamps: no usage reports to F5.
      productTelemetry: { enable: false },
    },
    // The chart's cert generator is a Helm hook Job, which k8s.helm.v4.Chart never runs: the
    // program creates the two Secrets itself (lib/gatewayCertificates.ts).
    certGenerator: certGeneratorValues(),
    nginx: {
      kind: "deployment",
      replicas: REPLICAS.dataPlane,
      image: image(NGF_IMAGES.dataPlane),
      container: { resources: RESOURCES.dataPlane },
      service: {
        type: "LoadBalancer",
        ...(ingress.loadBalancerIp ? { loadBalancerIP: ingress.loadBalancerIp } : {}),
      },
    },
  };
}

/** Kubernetes allows 63 characters in a Service name; NGF hashes longer ones. */
const MAX_SERVICE_NAME = 63;

/**
 * Name of the data plane Service NGF provisions for a Gateway. Refuses a Gateway name that would
 * make NGF shorten the Service name with a hash (the component could no longer find it).
 */
export function dataPlaneServiceName(gatewayName: string, gatewayClass = GATEWAY_CLASS): string {
  const name = `${gatewayName}-${gatewayClass}`;
  if (name.length > MAX_SERVICE_NAME) {
    throw new Error(
      `gateway name "${gatewayName}" is too long: NGF's Service "${name}" would exceed ${MAX_SERVICE_NAME} characters; use at most ${MAX_SERVICE_NAME - gatewayClass.length - 1}`,
    );
  }
  return name;
}

/** One Gateway listener (gateway.networking.k8s.io/v1). */
export interface Listener {
  name: string;
  protocol: "HTTP" | "HTTPS";
  port: number;
  hostname?: string;
  tls?: { mode: "Terminate"; certificateRefs: { kind: "Secret"; name: string }[] };
  allowedRoutes: { namespaces: Record<string, unknown> };
}

/**
 * Spec of the Gateway: an HTTP listener on 80, and an HTTPS listener on 443 terminating TLS with
 * `tlsSecretName` (a Secret in the Gateway's namespace) only when it is set. Both carry `hostname`
 * when set. Routes attach from `routeNamespaces` only, or from every namespace when unset.
 */
export function gatewaySpec(opts: {
  hostname?: string;
  tlsSecretName?: string;
  routeNamespaces?: string[];
}) {
  const allowedRoutes = opts.routeNamespaces?.length
    ? {
        namespaces: {
          from: "Selector",
          selector: {
            matchExpressions: [
              {
                key: "kubernetes.io/metadata.name",
                operator: "In",
                values: [...opts.routeNamespaces],
              },
            ],
          },
        },
      }
    : { namespaces: { from: "All" } };
  const host = opts.hostname ? { hostname: opts.hostname } : {};
  const listeners: Listener[] = [
    { name: "http", protocol: "HTTP", port: 80, ...host, allowedRoutes },
  ];
  if (opts.tlsSecretName) {
    listeners.push({
      name: "https",
      protocol: "HTTPS",
      port: 443,
      ...host,
      tls: { mode: "Terminate", certificateRefs: [{ kind: "Secret", name: opts.tlsSecretName }] },
      allowedRoutes,
    });
  }
  return { gatewayClassName: GATEWAY_CLASS, listeners };
}

/** Labels of the ingress namespace: NGF's pods meet `baseline`; `restricted` is only warned about. */
export function namespaceLabels(stamp: string): Record<string, string> {
  return {
    "pod-security.kubernetes.io/enforce": "baseline",
    "pod-security.kubernetes.io/warn": "restricted",
    "app.kubernetes.io/part-of": "ingress",
    "ash-ha-kubernetes/stamp": stamp,
  };
}

/** The parts of a Service the public address is read from. */
export interface ServiceView {
  spec?: { type?: string };
  status?: { loadBalancer?: { ingress?: { ip?: string; hostname?: string }[] } };
}

/**
 * The public address of the data plane's LoadBalancer Service (its first ingress IP, else its
 * hostname). Throws when the Service is not a LoadBalancer or has no address yet.
 */
export function loadBalancerAddress(service: ServiceView, serviceName: string): string {
  if (service.spec?.type !== "LoadBalancer") {
    throw new Error(
      `Service ${serviceName} is of type ${service.spec?.type ?? "unknown"}, not LoadBalancer; check the chart value nginx.service.type`,
    );
  }
  const first = service.status?.loadBalancer?.ingress?.[0];
  const address = first?.ip || first?.hostname;
  if (!address) {
    throw new Error(
      `Service ${serviceName} has no load balancer address yet; check the cloud provider's events on it (kubectl describe service ${serviceName})`,
    );
  }
  return address;
}
