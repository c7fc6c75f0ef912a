/**
 * The roles of lib/clusterAccess.ts against what a stamp really registers (the munich graph under
 * mocks: disconnected, so no kured; certificates, monitoring and backups on): the viewer can read every object but Secrets,
 * so a viewer preview and drift check cover the whole in-cluster layer; the deployer can create
 * and change every object of the ratings app; and the objects it cannot change are exactly those
 * of the components listed here, which is what docs/stamp-runbook.md ("Identities") names as
 * admin runs.
 */
import { permits } from "../lib/clusterAccess";
import { mongoStorageClass } from "../lib/dataSafety";
import { installGraphMocks } from "./graph/graph";
import { rbacObjectOf } from "./support/rbacObjects";
import { mocksFor } from "./graph/program";

const { nodes, settled } = installGraphMocks(mocksFor("munich"));

test("a stamp: viewer reads all but Secrets; deployer changes the app; the rest is an admin run", async () => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  require("../index");
  await settled();
  const typeOf = (urn: string) => urn.split("::")[2].split("$").pop()!;
  const componentOf = (urn: string) =>
    urn
      .split("::")[2]
      .split("$")
      .find((t) => t.startsWith("ash-ha-kubernetes:")) ?? "";
  const objects = nodes
    .filter((n) => n.custom && typeOf(n.urn).startsWith("kubernetes:"))
    .map((n) => ({ urn: n.urn, ...rbacObjectOf(typeOf(n.urn), n.inputs as never) }));
  expect(objects.length).toBeGreaterThan(40);
  const settings = {
    stamp: "munich",
    namespaces: ["ratings"],
    storageClasses: [mongoStorageClass("stamp").name],
    tokenGeneration: 1,
  };
  const unreadable = objects
    .filter((o) => o.type !== "kubernetes:core/v1:Secret")
    .filter((o) => !permits("viewer", settings, { ...o, verb: "get" }))
    .map((o) => `${o.type} ${o.group} ${o.resource}`);
  expect([...new Set(unreadable)]).toEqual([]);

  const app = objects.filter((o) => componentOf(o.urn) === "ash-ha-kubernetes:app:RatingsApp");
  expect(app.length).toBeGreaterThan(10);
  const clusterScoped = (o: { resource: string }) =>
    ["namespaces", "storageclasses"].includes(o.resource);
  const canChange = (o: (typeof objects)[number]) =>
    clusterScoped(o)
      ? permits("deployer", settings, { ...o, verb: "patch" })
      : permits("deployer", settings, { ...o, verb: "create" }) &&
        permits("deployer", settings, { ...o, verb: "patch" });
  expect(app.filter((o) => !canChange(o)).map((o) => `${o.type} ${o.name}`)).toEqual([]);
  // Secrets the deployer cannot read (a stamp's `up --refresh` as deployer would fail on them, so
  // stamp deploys run without refresh): exactly those outside the app and access namespaces.
  const hidden = objects
    .filter((o) => o.type === "kubernetes:core/v1:Secret")
    .filter((o) => !permits("deployer", settings, { ...o, verb: "get" }));
  expect(hidden.length).toBeGreaterThan(0);
  expect(hidden.filter((o) => o.namespace === "ratings")).toEqual([]);
  expect([...new Set(hidden.map((o) => o.namespace))].sort()).toEqual([
    "cert-manager",
    "monitoring",
    "nginx-gateway",
  ]);
  // What only an admin run can change, by component.
  const adminOnly = [
    ...new Set(objects.filter((o) => !canChange(o)).map((o) => componentOf(o.urn))),
  ];
  expect(adminOnly.sort()).toEqual(
    [
      "ash-ha-kubernetes:tls:Certificates",
      "ash-ha-kubernetes:access:ClusterAccess",
      "ash-ha-kubernetes:ingress:Ingress",
      "ash-ha-kubernetes:monitoring:MonitoringAgent",
      "ash-ha-kubernetes:ingress:GatewayCertificates",
    ].sort(),
  );
});
