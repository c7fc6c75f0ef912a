/**
 * Pinned downloads end to end under Pulumi mocks: stacks/downloads.ts `pinInCluster` fetches the
 * Gateway API CRDs and NGF's chart archive from a loopback https mirror (test/support), verifies
 * them, and the Ingress component built from the pinned settings hands the provider the verified
 * files by their relative cache paths. Refusals happen before any request and any resource.
 */
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { installMocks, resolve, settle } from "./mocks";
import { startHttpsMirror, type HttpsMirror } from "./support/httpsMirror";

const recorded = installMocks({
  outputs: {
    "kubernetes:gateway.networking.k8s.io/v1:Gateway": () => ({
      status: { addresses: [{ type: "IPAddress", value: "203.0.113.7" }] },
    }),
    "kubernetes:core/v1:Service": () => ({
      spec: { type: "LoadBalancer" },
      status: { loadBalancer: { ingress: [{ ip: "203.0.113.7" }] } },
    }),
  },
});

// Imported after the mocks are installed.
import * as k8s from "@pulumi/kubernetes";
import { Ingress } from "../components/ingress";
import { ingressSchema, monitoringSchema } from "../config/inCluster";
import { nodeRebootsSchema } from "../config/nodeReboots";
import { pinInCluster } from "../stacks/downloads";

const MANIFEST = "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: crds-stand-in\n";
const ARCHIVE = Buffer.from("stand-in for nginx-gateway-fabric-2.4.2.tgz");
const sha = (b: string | Buffer) => createHash("sha256").update(b).digest("hex");

let mirror: HttpsMirror;
let root: string;
beforeAll(async () => {
  mirror = await startHttpsMirror({
    "/gateway-api/v1.4.1/standard-install.yaml": MANIFEST,
    "/charts/nginx-gateway-fabric-2.4.2.tgz": ARCHIVE,
  });
  root = fs.mkdtempSync(path.join(os.tmpdir(), "pins-program-"));
});
afterAll(async () => {
  await mirror.close();
  fs.rmSync(root, { recursive: true, force: true });
});

const pinnedIngress = (overrides: Record<string, unknown>) =>
  ingressSchema.parse({
    chart: `${mirror.base}/charts/nginx-gateway-fabric-2.4.2.tgz`,
    chartSha256: sha(ARCHIVE),
    gatewayApiCrds: `${mirror.base}/gateway-api/v1.4.1/standard-install.yaml`,
    gatewayApiCrdsSha256: sha(MANIFEST),
    ...overrides,
  });

test("the defaults are refused, every unverifiable source and missing digest at once, before any request", async () => {
  mirror.requests.length = 0;
  const out = pinInCluster(
    {
      ingress: ingressSchema.parse({}),
      monitoring: monitoringSchema.parse({}),
      nodeReboots: nodeRebootsSchema.parse({ window: {} }),
    },
    { root, ca: mirror.ca },
  );
  await expect(out).rejects.toThrow(
    /^pinned downloads refused:\n- ingress\.chart: "oci:\/\/ghcr\.io\/nginx\/charts\/nginx-gateway-fabric" is a chart repository or OCI reference.*\n- monitoring\.fluentBit\.chart: "https:\/\/fluent\.github\.io\/helm-charts" is a chart repository.*\n- nodeReboots\.chart: "https:\/\/kubereboot\.github\.io\/charts" is a chart repository.*\n- ingress\.gatewayApiCrdsSha256 is not set: .*curl -fsSL 'https:\/\/github\.com\/kubernetes-sigs\/gateway-api\/releases\/download\/v1\.4\.1\/standard-install\.yaml' \| sha256sum/,
  );
  expect(mirror.requests).toEqual([]);
  expect(recorded).toEqual([]);
});

test("a mismatch is refused naming the key and both digests; nothing is cached or registered", async () => {
  const wrong = "f".repeat(64);
  await expect(
    pinInCluster(
      { ingress: pinnedIngress({ gatewayApiCrdsSha256: wrong }) },
      { root, ca: mirror.ca },
    ),
  ).rejects.toThrow(
    `ingress.gatewayApiCrdsSha256: ${mirror.base}/gateway-api/v1.4.1/standard-install.yaml has SHA-256 ${sha(MANIFEST)}, expected ${wrong}; refused`,
  );
  expect(fs.existsSync(path.join(root, ".cache/downloads", wrong))).toBe(false);
  expect(recorded).toEqual([]);
});

test("http:// is refused naming the key, before any request", async () => {
  mirror.requests.length = 0;
  const http = `${mirror.base.replace("https:", "http:")}/gateway-api/v1.4.1/standard-install.yaml`;
  await expect(
    pinInCluster({ ingress: pinnedIngress({ gatewayApiCrds: http }) }, { root, ca: mirror.ca }),
  ).rejects.toThrow(/ingress\.gatewayApiCrds: "http:\/\/127\.0\.0\.1:\d+\/.*plain http is refused/);
  expect(mirror.requests).toEqual([]);
});

test("verified files reach ConfigFile and Chart by their relative cache paths", async () => {
  const pinned = await pinInCluster({ ingress: pinnedIngress({}) }, { root, ca: mirror.ca });
  const crds = `.cache/downloads/${sha(MANIFEST)}/standard-install.yaml`;
  const chart = `.cache/downloads/${sha(ARCHIVE)}/nginx-gateway-fabric-2.4.2.tgz`;
  expect(pinned.ingress).toMatchObject({ gatewayApiCrds: crds, chart });
  expect(fs.readFileSync(path.join(root, crds), "utf8")).toBe(MANIFEST);
  expect(fs.readFileSync(path.join(root, chart)).equals(ARCHIVE)).toBe(true);

  const provider = new k8s.Provider("test", { kubeconfig: "{}" });
  const component = new Ingress(
    "ingress",
    { ingress: pinned.ingress!, stamp: "seattle" },
    { providers: { kubernetes: provider } },
  );
  await resolve(component.publicIp);
  await settle();
  const input = (type: string) =>
    recorded.find((r) => r.type === type)?.inputs as Record<string, unknown>;
  expect(input("kubernetes:yaml/v2:ConfigFile").file).toBe(crds);
  expect(input("kubernetes:helm.sh/v4:Chart")).toMatchObject({ chart });
  expect(input("kubernetes:helm.sh/v4:Chart").repositoryOpts).toBeUndefined();
});
