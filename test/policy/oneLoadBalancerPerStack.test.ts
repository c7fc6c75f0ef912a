/** one-load-balancer-per-stack (policy/rules/oneLoadBalancerPerStack.ts), a stack rule. */
import type { PolicyResource } from "@pulumi/policy";
import { oneLoadBalancerPerStack, SERVICE_TYPE } from "../../policy/rules/oneLoadBalancerPerStack";
import { proxy, stackResource as resource, stackViolations as check } from "./support";

const stackViolations = (resources: PolicyResource[]) => check(oneLoadBalancerPerStack, resources);
const service = (name: string, type: string) =>
  resource(
    SERVICE_TYPE,
    { metadata: { name, namespace: "ratings" }, spec: { type, ports: [{ port: 80 }] } },
    name,
  );
const gateway = (name: string) =>
  resource(
    "kubernetes:gateway.networking.k8s.io/v1:Gateway",
    { metadata: { name, namespace: "gateway" }, spec: { gatewayClassName: "nginx" } },
    name,
  );

test.each([
  ["no load balancer", [service("api", "ClusterIP")]],
  ["one LoadBalancer Service", [service("ingress", "LoadBalancer"), service("api", "ClusterIP")]],
  ["one Gateway", [gateway("ratings"), service("web", "ClusterIP")]],
])("%s passes", (_what, resources) => {
  expect(stackViolations(resources)).toEqual([]);
});

test("two LoadBalancer Services: each is reported, with the list", () => {
  const resources = [service("web", "LoadBalancer"), service("api", "LoadBalancer")];
  const message =
    "This stack exposes 2 load balancers (Service ratings/web, Service ratings/api); at most 1 is " +
    "allowed. Route every app through the one ingress Gateway and use ClusterIP Services.";
  expect(stackViolations(resources)).toEqual([
    [message, resources[0].urn],
    [message, resources[1].urn],
  ]);
});

test("a Gateway (NGINX Gateway Fabric gives it a LoadBalancer) plus a LoadBalancer Service fails", () => {
  expect(stackViolations([gateway("ratings"), service("extra", "LoadBalancer")])).toHaveLength(2);
});

test("the data plane Service provisioned for the Gateway (read by the program) is the Gateway's", () => {
  const dataPlane = (name: string, labels: Record<string, string> = {}) =>
    resource(
      SERVICE_TYPE,
      { metadata: { name, namespace: "gateway", labels }, spec: { type: "LoadBalancer" } },
      name,
    );
  expect(stackViolations([gateway("public"), dataPlane("public-nginx")])).toEqual([]);
  expect(
    stackViolations([
      gateway("public"),
      dataPlane("edge", { "gateway.networking.k8s.io/gateway-name": "public" }),
    ]),
  ).toEqual([]);
  expect(stackViolations([gateway("public"), dataPlane("other-lb")])).toHaveLength(2);
});

test("a Service whose type is unknown during preview is not counted", () => {
  const unknownType = resource(
    SERVICE_TYPE,
    { metadata: { name: "x" }, spec: { type: proxy.unknownStringValue } },
    "x",
  );
  expect(stackViolations([service("ingress", "LoadBalancer"), unknownType])).toEqual([]);
});
