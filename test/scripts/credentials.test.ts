/** scripts/lib/credentials.ts and the file writer of scripts/kubeconfig.ts (npm run kubeconfig). */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { parse } from "yaml";
import {
  CLUSTER_TYPE,
  credentialFromState,
  HELPER_KEY_TYPE,
  parseKubeconfigArgs,
  SECRET_TYPE,
} from "../../scripts/lib/credentials";
import { writePrivateFile } from "../../scripts/kubeconfig";

/** A secret as `pulumi stack export --show-secrets` writes it (apitype.SecretV1, SDK 3.259). */
const shown = (value: string) => ({
  "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270",
  plaintext: JSON.stringify(value),
});
const hidden = {
  "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270",
  ciphertext: "v1:abc",
};
const KUBECONFIG = '{"apiVersion":"v1","clusters":[{"name":"sea"}]}';
const KEY = "-----BEGIN OPENSSH PRIVATE KEY-----\nb3Blbn\n-----END OPENSSH PRIVATE KEY-----\n";
const stampExport = (kubeconfig: unknown = shown(KUBECONFIG), key: unknown = shown(KEY)) => ({
  version: 3,
  deployment: {
    resources: [
      { urn: "urn:pulumi:seattle::p::pulumi:pulumi:Stack::p-seattle", type: "pulumi:pulumi:Stack" },
      {
        urn: `urn:pulumi:seattle::p::ash-ha-kubernetes:stamp:AksEngineCluster$${CLUSTER_TYPE}::seattle-cluster-aks-engine`,
        type: CLUSTER_TYPE,
        outputs: { kubeconfig, apiServerFqdn: "sea.example" },
      },
      {
        urn: `urn:pulumi:seattle::p::ash-ha-kubernetes:stamp:HelperVm$${HELPER_KEY_TYPE}::seattle-helper-ssh-key`,
        type: HELPER_KEY_TYPE,
        outputs: { privateKeyOpenssh: key },
      },
      {
        urn: `urn:pulumi:seattle::p::ash-ha-kubernetes:stamp:AksEngineCluster$${HELPER_KEY_TYPE}::seattle-cluster-node-ssh-key`,
        type: HELPER_KEY_TYPE,
        outputs: { privateKeyOpenssh: shown("not the helper's") },
      },
    ],
  },
});

describe("credentialFromState", () => {
  test("reads the admin kubeconfig and the helper key (not the nodes' key) byte for byte", () => {
    expect(credentialFromState("seattle", stampExport(), "admin-kubeconfig")).toBe(KUBECONFIG);
    expect(credentialFromState("seattle", stampExport(), "helper-key")).toBe(KEY);
  });

  test.each<[string, unknown, "admin-kubeconfig" | "helper-key", string]>([
    [
      "a secret still encrypted",
      stampExport(hidden),
      "admin-kubeconfig",
      "stack seattle: the cluster's kubeconfig is still encrypted in the export; it must be read with --show-secrets and the stack's secrets provider (PULUMI_CONFIG_PASSPHRASE or PULUMI_CONFIG_PASSPHRASE_FILE)",
    ],
    [
      "the local stack (no cluster resource)",
      { deployment: { resources: [{ type: "kubernetes:core/v1:Namespace" }] } },
      "admin-kubeconfig",
      "stack seattle has no AKS engine cluster in its state (not a deployed stamp); the local stack's kubeconfig is the file of its local.kubeconfigPath",
    ],
    [
      "an empty stack",
      { deployment: {} },
      "helper-key",
      "stack seattle: the export has no deployment.resources (not a stack export?)",
    ],
    [
      "no helper key",
      { deployment: { resources: [] } },
      "helper-key",
      "stack seattle: expected one helper SSH key (tls:index/privateKey:PrivateKey named <stamp>-helper-ssh-key) in the state, found 0",
    ],
    [
      "a value that is not a string",
      stampExport({ nested: true }),
      "admin-kubeconfig",
      "stack seattle: the cluster's kubeconfig is not a string in the exported state",
    ],
  ])("%s is refused with a message", (_what, exported, credential, message) => {
    expect(() => credentialFromState("seattle", exported, credential)).toThrow(message);
  });
});

/** A token Secret of components/clusterAccess.ts as the state holds it (data is a secret). */
const tokenSecret = (id: string, generation: number, data: unknown, stack = "local") => ({
  urn: `urn:pulumi:${stack}::p::ash-ha-kubernetes:access:ClusterAccess$${SECRET_TYPE}::access-${id}-token`,
  type: SECRET_TYPE,
  outputs: {
    metadata: {
      name: `${id}-token-g${generation}`,
      namespace: `ashk8s-access-${stack}`,
      annotations: { "kubernetes.io/service-account.name": id },
    },
    data,
  },
});
const b64 = (text: string) => Buffer.from(text).toString("base64");
const tokenData = (token: string) => shownJson({ token: b64(token), "ca.crt": b64("CA PEM") });
const shownJson = (value: unknown) => ({
  "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270",
  plaintext: JSON.stringify(value),
});
const localExport = (...resources: unknown[]) => ({
  deployment: {
    resources: [
      {
        type: "pulumi:pulumi:Stack",
        outputs: { apiServer: "https://127.0.0.1:27443" },
      },
      ...resources,
    ],
  },
});

describe("viewer and deployer kubeconfigs from the state", () => {
  test("the token of the highest generation, decoded, with the stack's server and the Secret's CA", () => {
    const exported = localExport(
      tokenSecret("viewer", 1, tokenData("old-viewer")),
      tokenSecret("viewer", 2, tokenData("new-viewer")),
      tokenSecret("deployer", 2, tokenData("the-deployer")),
      // Not ours: same annotation in another namespace, a foreign name.
      {
        ...tokenSecret("viewer", 3, tokenData("x")),
        outputs: {
          metadata: {
            name: "viewer-token-g3",
            namespace: "kube-system",
            annotations: { "kubernetes.io/service-account.name": "viewer" },
          },
          data: tokenData("foreign"),
        },
      },
    );
    const viewer = parse(credentialFromState("local", exported, "viewer-kubeconfig"));
    expect(viewer.users).toEqual([{ name: "local-viewer", user: { token: "new-viewer" } }]);
    expect(viewer.clusters).toEqual([
      {
        name: "local",
        cluster: { server: "https://127.0.0.1:27443", "certificate-authority-data": b64("CA PEM") },
      },
    ]);
    const deployer = parse(credentialFromState("local", exported, "deployer-kubeconfig"));
    expect(deployer.users).toEqual([{ name: "local-deployer", user: { token: "the-deployer" } }]);
  });

  test("a stamp's server comes from its admin kubeconfig in the state (never its keys)", () => {
    const admin = JSON.stringify({
      apiVersion: "v1",
      clusters: [{ name: "c", cluster: { server: "https://sea.example:443" } }],
      users: [{ name: "admin", user: { "client-key-data": "S0VZ" } }],
      contexts: [{ name: "x", context: { cluster: "c", user: "admin" } }],
      "current-context": "x",
    });
    const exported = stampExport(shown(admin));
    exported.deployment.resources.push(
      tokenSecret("viewer", 1, tokenData("v"), "seattle") as never,
    );
    const text = credentialFromState("seattle", exported, "viewer-kubeconfig");
    expect(parse(text).clusters[0].cluster.server).toBe("https://sea.example:443");
    expect(text).not.toContain("S0VZ");
  });

  test.each<[string, unknown, string]>([
    [
      "no token Secret (the access bootstrap has not run)",
      localExport(),
      "stack local has no viewer token in its state: the access bootstrap has not run yet",
    ],
    [
      "a token still encrypted",
      localExport(tokenSecret("viewer", 1, hidden)),
      "stack local: the viewer token Secret is still encrypted in the export",
    ],
    [
      "a token not filled in yet",
      localExport(tokenSecret("viewer", 1, shownJson({}))),
      "stack local: the viewer token Secret has no token yet",
    ],
    [
      "no server anywhere",
      { deployment: { resources: [tokenSecret("viewer", 1, tokenData("v"))] } },
      "stack local: neither an apiServer output nor a cluster in the state",
    ],
  ])("%s is refused with a message", (_what, exported, message) => {
    expect(() => credentialFromState("local", exported, "viewer-kubeconfig")).toThrow(message);
  });
});

describe("parseKubeconfigArgs", () => {
  test.each([
    [["seattle"], { stack: "seattle", credential: "viewer-kubeconfig" }],
    [["seattle", "--viewer"], { stack: "seattle", credential: "viewer-kubeconfig" }],
    [["--deployer", "local"], { stack: "local", credential: "deployer-kubeconfig" }],
    [["seattle", "--admin"], { stack: "seattle", credential: "admin-kubeconfig" }],
    [
      ["--helper-key", "munich", "--out", "/tmp/k"],
      { stack: "munich", credential: "helper-key", out: "/tmp/k" },
    ],
  ])("%j", (argv, expected) => {
    expect(parseKubeconfigArgs(argv)).toEqual({ out: undefined, ...expected });
  });

  test.each([
    [[], "which stack?"],
    [
      ["seattle", "--admin", "--helper-key"],
      "choose one of --admin, --helper-key, --deployer, --viewer",
    ],
    [["seattle", "--viewer", "--deployer"], "choose one of"],
    [["seattle", "munich", "--admin"], "one stack at a time (got seattle and munich)"],
    [["seattle", "--admin", "--out"], "--out needs a file name"],
    [["seattle", "--reader"], "unknown option --reader"],
    // Hostile stack names: the name reaches pulumi's argv and a file name.
    [["../../etc/passwd", "--admin"], 'stack "../../etc/passwd" is not a stack name'],
    [["seattle;reboot", "--admin"], 'stack "seattle;reboot" is not a stack name'],
    [["Seattle", "--admin"], 'stack "Seattle" is not a stack name'],
    [["seattle\n", "--admin"], 'stack "seattle\n" is not a stack name'],
  ])("%j is refused", (argv, message) => {
    expect(() => parseKubeconfigArgs(argv)).toThrow(message);
  });
});

test("writePrivateFile creates the file and its folder readable by the owner only, and replaces", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "creds-"));
  try {
    const file = path.join(dir, "sub", "seattle-admin-kubeconfig");
    writePrivateFile(file, "first\n");
    writePrivateFile(file, KUBECONFIG);
    expect(fs.readFileSync(file, "utf8")).toBe(KUBECONFIG);
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(fs.statSync(path.dirname(file)).mode & 0o777).toBe(0o700);
    expect(fs.readdirSync(path.dirname(file))).toEqual(["seattle-admin-kubeconfig"]);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
