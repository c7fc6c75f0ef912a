/**
 * lib/clusterAccess.ts: the viewer's and deployer's RBAC rules, token Secret names and kubeconfigs,
 * checked as tables; the rules against every kind the local stack deploys (its graph under mocks).
 */
import { parse } from "yaml";
import {
  activeIdentity,
  DEPLOYER_WRITES,
  deployerClusterRules,
  deployerNamespaceRules,
  identityKubeconfig,
  permits,
  tokenGenerationOf,
  tokenSecretName,
  viewerRefreshExcludes,
  viewerRules,
  writes,
} from "../lib/clusterAccess";
import { ACCESS_TABLE, TABLE_SETTINGS } from "./support/accessTable";

describe("permits (the model of the bound roles)", () => {
  test.each(ACCESS_TABLE)("%s %j -> %s", (identity, req, allowed) => {
    expect(permits(identity, TABLE_SETTINGS, req)).toBe(allowed);
  });
});

describe("rules", () => {
  test("the viewer only reads, names every resource (no *), no subresource, no Secrets", () => {
    for (const rule of viewerRules()) {
      expect(rule.verbs).toEqual(["get", "list", "watch"]);
      expect(writes(rule)).toBe(false);
      expect(rule.resources).not.toContain("*");
      expect(rule.apiGroups).not.toContain("*");
      expect(rule.resources.filter((x) => x.includes("/") || x === "secrets")).toEqual([]);
    }
  });

  test("the deployer reads everything the viewer reads, and writes only by name outside its namespaces", () => {
    const cluster = deployerClusterRules(TABLE_SETTINGS);
    expect(cluster.slice(0, viewerRules().length)).toEqual(viewerRules());
    const clusterWrites = cluster.filter(writes);
    expect(clusterWrites).toEqual([
      {
        apiGroups: [""],
        resources: ["namespaces"],
        verbs: ["update", "patch"],
        resourceNames: ["ratings-it-access"],
      },
      {
        apiGroups: ["storage.k8s.io"],
        resources: ["storageclasses"],
        verbs: ["update", "patch"],
        resourceNames: ["local-kwok-retain-it-access"],
      },
    ]);
    expect(deployerClusterRules({ namespaces: [], storageClasses: [] }).filter(writes)).toEqual([]);
  });

  test("the deployer's namespace Role names its kinds and never RBAC, exec or tokens", () => {
    const resources = deployerNamespaceRules().flatMap((r) => r.resources);
    expect(resources).not.toContain("*");
    expect(resources.filter((x) => x.includes("/") || /role|binding/.test(x))).toEqual([]);
  });
});

describe("token Secrets carry the rotation generation", () => {
  test.each([
    ["viewer", 1, "viewer-token-g1"],
    ["deployer", 9999, "deployer-token-g9999"],
  ] as const)("%s generation %d -> %s, and back", (id, gen, name) => {
    expect(tokenSecretName(id, gen)).toBe(name);
    expect(tokenGenerationOf(id, name)).toBe(gen);
  });

  test.each([0, -1, 1.5, 10000, Number.NaN])("generation %p is refused", (gen) => {
    expect(() => tokenSecretName("viewer", gen)).toThrow("access.tokenGeneration");
  });

  test.each([
    ["viewer", "deployer-token-g1"],
    ["viewer", "viewer-token-g0"],
    ["viewer", "viewer-token-g01"],
    ["viewer", "viewer-token-g1x"],
    ["viewer", "ratings-mongodb-credentials"],
  ] as const)("%s does not own %s", (id, name) => {
    expect(tokenGenerationOf(id, name)).toBeUndefined();
  });
});

describe("kubeconfigs", () => {
  test("an identity's kubeconfig has one context naming the stack, no namespace, and reads back", () => {
    const text = identityKubeconfig({
      stack: "seattle",
      identity: "viewer",
      server: "https://sea.example:443",
      certificateAuthorityData: "Q0E=",
      token: "tok",
    });
    const doc = parse(text);
    expect(doc.contexts).toEqual([
      { name: "seattle", context: { cluster: "seattle", user: "seattle-viewer" } },
    ]);
    expect(doc.users).toEqual([{ name: "seattle-viewer", user: { token: "tok" } }]);
    expect(activeIdentity(text, "f")).toEqual({
      context: "seattle",
      server: "https://sea.example:443",
      user: "seattle-viewer",
    });
  });

  test("hostile values stay values: a token or server with quotes and newlines adds no key", () => {
    const token = 'x"\n  exec: {command: reboot}\n';
    const server = "https://a\nusers: []";
    const doc = parse(
      identityKubeconfig({
        stack: "s",
        identity: "deployer",
        server,
        certificateAuthorityData: "",
        token,
      }),
    );
    expect(doc.users).toEqual([{ name: "s-deployer", user: { token } }]);
    expect(doc.clusters[0].cluster.server).toBe(server);
  });

  test.each([
    ["not YAML", "a: [", "f is not a kubeconfig"],
    ["no current context", "contexts: []", "f has no current-context"],
    ["a missing context", "current-context: x\ncontexts: []", 'f: context "x" is missing'],
    [
      "a cluster without server",
      "current-context: x\ncontexts: [{name: x, context: {cluster: c, user: u}}]\nclusters: [{name: c, cluster: {}}]",
      'f: cluster "c" of context "x" has no server',
    ],
  ])("%s is an error", (_what, text, message) => {
    const got = activeIdentity(text, "f");
    expect("error" in got && got.error).toContain(message);
  });
});

test("the read-only drift check excludes exactly the stack's Secrets", () => {
  expect(viewerRefreshExcludes("local", "ash-ha-kubernetes")).toEqual([
    "urn:pulumi:local::ash-ha-kubernetes::**kubernetes:core/v1:Secret::**",
  ]);
});

test("DEPLOYER_WRITES are namespaced kinds only", () => {
  const clusterScoped = ["namespaces", "storageclasses", "clusterroles", "nodes"];
  const all = Object.values(DEPLOYER_WRITES).flat();
  expect(all.filter((x) => clusterScoped.includes(x))).toEqual([]);
});
