/**
 * The stamp's pre-flight checks as the program runs them (stacks/preflight.ts), under Pulumi mocks
 * whose invokes answer per case: the platform-image data source with or without each image, the
 * resources data source with a number of public IPs, and the stack's own last deployment (a
 * StackReference) with or without a different secret fingerprint. Exact messages. (The mock
 * engine drops a failed invoke's message, so "the stamp answered: ..." is tested in
 * test/preflight.test.ts.)
 */
import * as pulumi from "@pulumi/pulumi";
import { createHash } from "node:crypto";
import type { StampConfig } from "../config";
import { NODE_IMAGES, SUPPORTED_KUBERNETES_VERSIONS } from "../lib/versions";
import { FINGERPRINTS_OUTPUT, fingerprintsOutput, stampPreflight } from "../stacks/preflight";
import { ashProvider } from "../stacks/stamp";
import { installMocks, Recorded, resolve } from "./mocks";
import { stampConfig } from "./stampConfigs";

const TODAY = new Date("2026-11-28T08:00:00Z");
const SP_SECRET = "sp-secret-value";
const sha = (s: string) => createHash("sha256").update(s).digest("hex");

/** What the mocked stamp answers in the current case. */
let stamp: { missing: string[]; publicIps: number; lastFingerprint?: string } = {
  missing: [],
  publicIps: 0,
};
const urn = (a: Record<string, unknown>) =>
  `${a.publisher}:${a.offer}:${a.sku}:${a.version ?? "latest"}`;

const imageReads: Record<string, unknown>[] = [];
const recorded: Recorded[] = installMocks({
  stack: "seattle",
  outputs: {
    "pulumi:pulumi:StackReference": () => ({
      outputs:
        stamp.lastFingerprint === undefined
          ? {}
          : { [FINGERPRINTS_OUTPUT]: { servicePrincipalSecret: stamp.lastFingerprint } },
      secretOutputNames: [FINGERPRINTS_OUTPUT],
    }),
  },
  invokes: {
    "azurestack:index/getPlatformImage:getPlatformImage": (a) => {
      imageReads.push(a.inputs);
      if (stamp.missing.includes(urn(a.inputs))) {
        throw new Error(`could not find image ${urn(a.inputs)} in location ${a.inputs.location}`);
      }
      return { id: "image-id", ...a.inputs, version: a.inputs.version ?? "22.04.202410020" };
    },
    "azurestack:index/getResources:getResources": () => ({
      id: "resource-list",
      resources: Array.from({ length: stamp.publicIps }, (_, i) => ({
        id: `/subscriptions/s/resourceGroups/rg-team-${i % 2}/providers/Microsoft.Network/publicIPAddresses/pip-${i}`,
        name: `pip-${i}`,
        type: "Microsoft.Network/publicIPAddresses",
        location: "seattle",
        tags: {},
      })),
    }),
  },
});

const warnings: string[] = [];
const infos: string[] = [];
beforeEach(() => {
  warnings.length = 0;
  infos.length = 0;
  jest.spyOn(pulumi.log, "warn").mockImplementation(async (m) => void warnings.push(m));
  jest.spyOn(pulumi.log, "info").mockImplementation(async (m) => void infos.push(m));
  stamp = { missing: [], publicIps: 5 };
});
afterEach(() => jest.restoreAllMocks());

const base = stampConfig("seattle", {}, SP_SECRET);
function config(patch: Partial<StampConfig> = {}): StampConfig {
  return { ...base, servicePrincipalSecretExpiresOn: "2027-01-27", ...patch };
}
const provider = ashProvider(base);
const run = (c: StampConfig) => stampPreflight(c, provider, TODAY);

const HELPER = "Canonical:0001-com-ubuntu-server-jammy:22_04-lts:latest";
const NODE = "microsoft-aks:aks:aks-engine-azurestack-ubuntu-2204:2026.139.1";
const HEAD = `Pre-flight checks failed for stack "seattle" (1); nothing was registered (docs/stamp-runbook.md, "Before you deploy"; preflight.warnOnly turns a check into a warning for labs):\n  - `;
const ADDS =
  "3 this stack adds (helper VM (pip-seattle-aks-helper), cluster API load balancer (k8s-master-ip-* in rg-seattle-k8s), gateway load balancer (the NGINX Gateway Fabric Service, in rg-seattle-k8s))";
const DOWNLOAD = (offer: string, publisher: string, sku: string, version: string) =>
  `an Azure Stack Hub operator adds it in the administrator portal: Marketplace management > Add from Azure > search for offer "${offer}" of publisher "${publisher}", SKU "${sku}", version ${version} > Download (disconnected stamps: the marketplace syndication tool, Export-AzSOfflineMarketplaceItem / Import-AzSOfflineMarketplaceItem)`;

describe("marketplace images", () => {
  test("present: every check passes and says what it read", async () => {
    imageReads.length = 0;
    await expect(run(config())).resolves.toBeUndefined();
    // "latest" is asked without a version (the data source then returns the newest).
    expect(imageReads).toEqual([
      {
        location: "seattle",
        publisher: "Canonical",
        offer: "0001-com-ubuntu-server-jammy",
        sku: "22_04-lts",
      },
      {
        location: "seattle",
        publisher: "microsoft-aks",
        offer: "aks",
        sku: "aks-engine-azurestack-ubuntu-2204",
        version: "2026.139.1",
      },
    ]);
    expect(infos).toEqual([
      `pre-flight [images] helperVm.image: ${HELPER} (the helper VM's image) is in the marketplace of stamp seattle`,
      `pre-flight [images] cluster.kubernetesVersion: 1.34.4 needs ${NODE} (aks-engine-azurestack v0.85.0's aks-ubuntu-22.04 node image) is in the marketplace of stamp seattle`,
      `pre-flight [publicIps] azureStack.publicIpLimit: 50: 8 public IPs after this change = 5 already in the subscription (rg-team-0 3, rg-team-1 2) + ${ADDS}`,
      "pre-flight [secretExpiry] servicePrincipalSecretExpiresOn: 2027-01-27 is 60 day(s) away",
    ]);
    expect(warnings).toEqual([]);
  });

  test("the helper VM's image missing fails with its coordinates and the procedure", async () => {
    stamp.missing = [HELPER];
    await expect(run(config())).rejects.toThrow(
      `${HEAD}[images] helperVm.image: ${HELPER} (the helper VM's image) is not in the marketplace of stamp seattle (location seattle); ` +
        DOWNLOAD("0001-com-ubuntu-server-jammy", "Canonical", "22_04-lts", "latest"),
    );
  });

  test.each(SUPPORTED_KUBERNETES_VERSIONS)(
    "Kubernetes %s: its node image is read, and missing fails naming the version",
    async (version) => {
      const cluster = { ...base.cluster, kubernetesVersion: version };
      const image = NODE_IMAGES[version];
      await expect(run(config({ cluster }))).resolves.toBeUndefined();
      stamp.missing = [`${image.publisher}:${image.offer}:${image.sku}:${image.version}`];
      await expect(run(config({ cluster }))).rejects.toThrow(
        `${HEAD}[images] cluster.kubernetesVersion: ${version} needs ${NODE} (aks-engine-azurestack v0.85.0's aks-ubuntu-22.04 node image) is not in the marketplace of stamp seattle (location seattle); ` +
          DOWNLOAD("aks", "microsoft-aks", "aks-engine-azurestack-ubuntu-2204", "2026.139.1"),
      );
    },
  );

  test("images in preflight.warnOnly: a missing image warns and the preview goes on", async () => {
    stamp.missing = [HELPER];
    await expect(run(config({ preflight: { warnOnly: ["images"] } }))).resolves.toBeUndefined();
    expect(warnings).toEqual([
      expect.stringMatching(
        /^pre-flight \[images\] helperVm\.image: .* is not in the marketplace .* \[warn-only: preflight\.warnOnly lists images\]$/,
      ),
    ]);
  });
});

describe("public IP budget (limit 50, this stack adds 3)", () => {
  test("under: 46 + 3 passes", async () => {
    stamp.publicIps = 46;
    await expect(run(config())).resolves.toBeUndefined();
    expect(infos[2]).toBe(
      `pre-flight [publicIps] azureStack.publicIpLimit: 50: 49 public IPs after this change = 46 already in the subscription (rg-team-0 23, rg-team-1 23) + ${ADDS}`,
    );
  });

  test("at: 47 + 3 warns", async () => {
    stamp.publicIps = 47;
    await expect(run(config())).resolves.toBeUndefined();
    expect(warnings).toEqual([
      `pre-flight [publicIps] azureStack.publicIpLimit: 50 is reached: 50 public IPs = 47 already in the subscription (rg-team-0 24, rg-team-1 23) + ${ADDS}; the next Service of type LoadBalancer will stay pending until the quota is raised`,
    ]);
  });

  test("over: 48 + 3 fails; warn-only publicIps lets it through", async () => {
    stamp.publicIps = 48;
    const message = `azureStack.publicIpLimit: 50 is exceeded: 51 public IPs needed = 48 already in the subscription (rg-team-0 24, rg-team-1 24) + ${ADDS}; delete public IPs nothing uses, or ask the stamp operator to raise "Maximum public IPs" of the subscription's network quota (administrator portal: Plans > the plan > Services and quotas > Network) and set azureStack.publicIpLimit to the new quota`;
    await expect(run(config())).rejects.toThrow(`${HEAD}[publicIps] ${message}`);
    await expect(run(config({ preflight: { warnOnly: ["publicIps"] } }))).resolves.toBeUndefined();
    expect(warnings).toEqual([
      `pre-flight [publicIps] ${message} [warn-only: preflight.warnOnly lists publicIps]`,
    ]);
  });
});

describe("service principal secret expiry", () => {
  const ROTATE =
    "create a new client secret for the app registration, then in one change run `pulumi config set --secret servicePrincipalSecret` (value from stdin) and `pulumi config set servicePrincipalSecretExpiresOn <its expiry date, YYYY-MM-DD>`, and deploy";
  const UPDATE_DATE =
    "but servicePrincipalSecret is rotated in this change: set servicePrincipalSecretExpiresOn to the new secret's expiry date (`pulumi config set servicePrincipalSecretExpiresOn YYYY-MM-DD`) in the same change";
  const selfReads = () =>
    recorded.filter(
      (r) =>
        r.type === "pulumi:pulumi:StackReference" &&
        r.inputs.name === "organization/ash-ha-kubernetes/seattle",
    ).length;

  test("60 days out: passes without reading the last deployment", async () => {
    const before = selfReads();
    await expect(
      run(config({ servicePrincipalSecretExpiresOn: "2027-01-27" })),
    ).resolves.toBeUndefined();
    expect(infos[3]).toBe(
      "pre-flight [secretExpiry] servicePrincipalSecretExpiresOn: 2027-01-27 is 60 day(s) away",
    );
    expect(selfReads()).toBe(before);
  });

  test("20 days out, same secret as the last deployment: warns with the procedure", async () => {
    stamp.lastFingerprint = sha(SP_SECRET);
    const before = selfReads();
    await expect(
      run(config({ servicePrincipalSecretExpiresOn: "2026-12-18" })),
    ).resolves.toBeUndefined();
    expect(warnings).toEqual([
      `pre-flight [secretExpiry] servicePrincipalSecretExpiresOn: 2026-12-18 is 20 day(s) away (the preview warns from 30 days before and fails from 7); ${ROTATE}`,
    ]);
    expect(selfReads()).toBe(before + 1);
  });

  test("20 days out, a new secret in this change: warns to update the date", async () => {
    stamp.lastFingerprint = sha("the-old-secret");
    await expect(
      run(config({ servicePrincipalSecretExpiresOn: "2026-12-18" })),
    ).resolves.toBeUndefined();
    expect(warnings).toEqual([
      `pre-flight [secretExpiry] servicePrincipalSecretExpiresOn: 2026-12-18 is 20 day(s) away, ${UPDATE_DATE}`,
    ]);
  });

  test("5 days out, same secret: fails", async () => {
    stamp.lastFingerprint = sha(SP_SECRET);
    await expect(run(config({ servicePrincipalSecretExpiresOn: "2026-12-03" }))).rejects.toThrow(
      `${HEAD}[secretExpiry] servicePrincipalSecretExpiresOn: 2026-12-03 is 5 day(s) away (the preview fails from 7 days before; once it expires the cluster's cloud provider can no longer manage load balancers and disks); ${ROTATE}`,
    );
  });

  test("5 days out, no earlier deployment to compare with: fails", async () => {
    stamp.lastFingerprint = undefined;
    await expect(run(config({ servicePrincipalSecretExpiresOn: "2026-12-03" }))).rejects.toThrow(
      "[secretExpiry] servicePrincipalSecretExpiresOn: 2026-12-03 is 5 day(s) away (the preview fails from 7 days before;",
    );
  });

  test("5 days out, a new secret in this change: warns only", async () => {
    stamp.lastFingerprint = sha("the-old-secret");
    await expect(
      run(config({ servicePrincipalSecretExpiresOn: "2026-12-03" })),
    ).resolves.toBeUndefined();
    expect(warnings).toEqual([
      `pre-flight [secretExpiry] servicePrincipalSecretExpiresOn: 2026-12-03 is 5 day(s) away, ${UPDATE_DATE}`,
    ]);
  });

  test("5 days out with secretExpiry warn-only: warns", async () => {
    stamp.lastFingerprint = sha(SP_SECRET);
    const c = config({
      servicePrincipalSecretExpiresOn: "2026-12-03",
      preflight: { warnOnly: ["secretExpiry"] },
    });
    await expect(run(c)).resolves.toBeUndefined();
    expect(warnings).toEqual([
      expect.stringMatching(
        /5 day\(s\) away .*\[warn-only: preflight\.warnOnly lists secretExpiry\]$/,
      ),
    ]);
  });
});

test("several failures are reported together", async () => {
  stamp.missing = [HELPER, NODE];
  stamp.publicIps = 60;
  await expect(run(config({ servicePrincipalSecretExpiresOn: "2026-11-25" }))).rejects.toThrow(
    /^Pre-flight checks failed for stack "seattle" \(4\).*\n {2}- \[images\] helperVm\.image.*\n {2}- \[images\] cluster\.kubernetesVersion.*\n {2}- \[publicIps\] .*\n {2}- \[secretExpiry\] servicePrincipalSecretExpiresOn: 2026-11-25 was 3 day\(s\) ago/,
  );
});

test("a deployment records each secret's SHA-256 (never the secret) as a secret output", async () => {
  const out = fingerprintsOutput({ servicePrincipalSecret: base.servicePrincipalSecret });
  expect(await resolve(out)).toEqual({
    value: { servicePrincipalSecret: sha(SP_SECRET) },
    secret: true,
  });
  expect(JSON.stringify((await resolve(out)).value)).not.toContain(SP_SECRET);
});
