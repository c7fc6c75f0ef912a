/**
 * The roles of lib/clusterAccess.ts against what the local stack really registers (its graph under
 * mocks): the viewer can read every object but Secrets; the deployer can create and change every
 * object of the ratings app, and none of the access bootstrap (RBAC, ServiceAccounts, tokens),
 * which stays an admin run.
 */
import { permits } from "../lib/clusterAccess";
import { installGraphMocks } from "./graph/graph";
import { RbacObject, rbacObjectOf } from "./support/rbacObjects";
import { mocksFor } from "./graph/program";

const { nodes, settled } = installGraphMocks(mocksFor("local"));

test("viewer reads all but Secrets; deployer changes the app and none of the access bootstrap", async () => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  require("../index");
  await settled();
  const typeOf = (urn: string) => urn.split("::")[2].split("$").pop()!;
  const objects = nodes
    .filter((n) => n.custom && typeOf(n.urn).startsWith("kubernetes:"))
    .map((n) => ({ urn: n.urn, ...rbacObjectOf(typeOf(n.urn), n.inputs as never) }));
  expect(objects.length).toBeGreaterThan(20);
  const settings = {
    stamp: "local",
    namespaces: ["ratings"],
    storageClasses: ["local-kwok-retain-local"],
    tokenGeneration: 1,
  };
  const readable = objects.map((o) => [o.type, permits("viewer", settings, { ...o, verb: "get" })]);
  expect(readable.filter(([t, ok]) => ok !== (t !== "kubernetes:core/v1:Secret"))).toEqual([]);

  const app = objects.filter((o) => o.urn.includes("RatingsApp$"));
  const access = objects.filter((o) => o.urn.includes("ClusterAccess$"));
  expect(app.length).toBeGreaterThan(10);
  // namespace, 2 ServiceAccounts, 2 token Secrets, 2 ClusterRoles + bindings, 2 Roles + bindings
  expect(access.length).toBe(13);
  // Namespace and StorageClass exist before a deployer run (an admin run creates them): patch.
  const clusterScoped = (o: RbacObject) => ["namespaces", "storageclasses"].includes(o.resource);
  const deployable = app.map((o) => [
    o.type,
    clusterScoped(o)
      ? permits("deployer", settings, { ...o, verb: "patch" })
      : permits("deployer", settings, { ...o, verb: "create" }) &&
        permits("deployer", settings, { ...o, verb: "patch" }),
  ]);
  expect(deployable.filter(([, ok]) => !ok)).toEqual([]);
  const bootstrap = access.map((o) => [
    `${o.type} ${o.name}`,
    permits("deployer", settings, { ...o, verb: "create" }) ||
      permits("deployer", settings, { ...o, verb: "patch" }),
  ]);
  expect(bootstrap.filter(([, ok]) => ok)).toEqual([]);
});
