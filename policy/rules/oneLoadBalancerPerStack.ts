/** one-load-balancer-per-stack: apps share one ingress, so a stack has at most one load balancer. */
import type {
  PolicyResource,
  ReportViolation,
  StackValidationArgs,
  StackValidationPolicy,
} from "@pulumi/policy";
import { at, known, str } from "./helpers";

export const SERVICE_TYPE = "kubernetes:core/v1:Service";
/** A Gateway API Gateway: NGINX Gateway Fabric 2.x provisions one LoadBalancer Service per Gateway. */
const GATEWAY_TYPE = /^kubernetes:gateway\.networking\.k8s\.io\/v1(beta1)?:Gateway$/;
/** Basic load balancers on Azure Stack Hub have few frontend IPs: expose apps through one ingress. */
export const MAX_LOAD_BALANCERS = 1;

/** Label a Gateway API implementation puts on the Service it provisions for a Gateway. */
const GATEWAY_NAME_LABEL = "gateway.networking.k8s.io/gateway-name";

interface LoadBalancer {
  resource: PolicyResource;
  kind: "Service" | "Gateway";
  namespace?: string;
  name: string;
  gatewayLabel?: string;
}

function loadBalancerOf(r: PolicyResource): LoadBalancer | undefined {
  const namespace = str(known(() => at(r.props, ["metadata", "namespace"])));
  const name = str(known(() => at(r.props, ["metadata", "name"]))) ?? r.name;
  if (r.type === SERVICE_TYPE && known(() => at(r.props, ["spec", "type"])) === "LoadBalancer") {
    const gatewayLabel = str(known(() => at(r.props, ["metadata", "labels", GATEWAY_NAME_LABEL])));
    return { resource: r, kind: "Service", namespace, name, gatewayLabel };
  }
  if (GATEWAY_TYPE.test(r.type)) return { resource: r, kind: "Gateway", namespace, name };
  return undefined;
}

/**
 * True when `service` is the data plane Service a Gateway implementation provisioned for `gateway`
 * (the program may read it, e.g. for its address): same namespace, and the Gateway name label or
 * NGINX Gateway Fabric's naming `<gateway>-<gateway class>`. It is the Gateway's load balancer, not
 * a second one.
 */
function provisionedFor(service: LoadBalancer, gateway: LoadBalancer): boolean {
  if (service.namespace !== gateway.namespace) return false;
  return service.gatewayLabel === gateway.name || service.name.startsWith(`${gateway.name}-`);
}

export const oneLoadBalancerPerStack: StackValidationPolicy = {
  name: "one-load-balancer-per-stack",
  description:
    "At most one LoadBalancer Service (or Gateway, which gets one) per stack: apps share one ingress.",
  enforcementLevel: "mandatory",
  validateStack: (args: StackValidationArgs, report: ReportViolation) => {
    const all = args.resources
      .map(loadBalancerOf)
      .filter((lb): lb is LoadBalancer => lb !== undefined);
    const gateways = all.filter((lb) => lb.kind === "Gateway");
    const found = all.filter(
      (lb) => lb.kind === "Gateway" || !gateways.some((gw) => provisionedFor(lb, gw)),
    );
    if (found.length <= MAX_LOAD_BALANCERS) return;
    const list = found
      .map((lb) => `${lb.kind} ${lb.namespace ? `${lb.namespace}/` : ""}${lb.name}`)
      .join(", ");
    for (const { resource: r } of found) {
      report(
        `This stack exposes ${found.length} load balancers (${list}); at most ${MAX_LOAD_BALANCERS} is ` +
          "allowed. Route every app through the one ingress Gateway and use ClusterIP Services.",
        r.urn,
      );
    }
  },
};
