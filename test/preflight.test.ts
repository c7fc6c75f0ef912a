/**
 * The pre-flight decisions (lib/preflight.ts), pure, with today's date injected: images present and
 * missing, the public IP budget under, at and over the limit, secret expiry 60 / 20 / 5 days out
 * with and without a rotation, the warn-only switch and the fleet's view. Exact messages.
 */
import {
  applyWarnOnly,
  daysUntil,
  expiringSecrets,
  Finding,
  imageFindings,
  isCalendarDate,
  preflightError,
  PublicIpFacts,
  publicIpFinding,
  resourceGroupOf,
  secretExpiryFinding,
} from "../lib/preflight";
import { NODE_IMAGES, SUPPORTED_KUBERNETES_VERSIONS } from "../lib/versions";

const TODAY = new Date("2026-11-28T15:30:00Z");
const WHERE = { stamp: "seattle", location: "seattle" };
const HELPER = {
  publisher: "Canonical",
  offer: "0001-com-ubuntu-server-jammy",
  sku: "22_04-lts",
  version: "latest",
};
const PROCEDURE = (offer: string, publisher: string, sku: string, version: string) =>
  `an Azure Stack Hub operator adds it in the administrator portal: Marketplace management > Add from Azure > search for offer "${offer}" of publisher "${publisher}", SKU "${sku}", version ${version} > Download (disconnected stamps: the marketplace syndication tool, Export-AzSOfflineMarketplaceItem / Import-AzSOfflineMarketplaceItem)`;

describe("marketplace images", () => {
  test("the helper VM's image: present passes, missing fails with its coordinates and the procedure", () => {
    const fact = { role: "the helper VM's", key: "helperVm.image", image: HELPER };
    expect(imageFindings([{ ...fact, found: true }], WHERE)).toEqual([
      {
        check: "images",
        severity: "pass",
        message:
          "helperVm.image: Canonical:0001-com-ubuntu-server-jammy:22_04-lts:latest (the helper VM's image) is in the marketplace of stamp seattle",
      },
    ]);
    expect(
      imageFindings(
        [{ ...fact, found: false, detail: "could not find image\n  (404 NotFound)" }],
        WHERE,
      ),
    ).toEqual([
      {
        check: "images",
        severity: "fail",
        message:
          "helperVm.image: Canonical:0001-com-ubuntu-server-jammy:22_04-lts:latest (the helper VM's image) is not in the marketplace of stamp seattle (location seattle) (the stamp answered: could not find image (404 NotFound)); " +
          PROCEDURE("0001-com-ubuntu-server-jammy", "Canonical", "22_04-lts", "latest"),
      },
    ]);
  });

  test.each(SUPPORTED_KUBERNETES_VERSIONS)(
    "the node image of Kubernetes %s: present passes, missing fails naming the version and the image",
    (version) => {
      const fact = {
        role: "aks-engine-azurestack v0.85.0's aks-ubuntu-22.04 node",
        key: "cluster.kubernetesVersion",
        value: version,
        image: NODE_IMAGES[version],
      };
      const urn = "microsoft-aks:aks:aks-engine-azurestack-ubuntu-2204:2026.139.1";
      expect(imageFindings([{ ...fact, found: true }], WHERE)[0].message).toBe(
        `cluster.kubernetesVersion: ${version} needs ${urn} (aks-engine-azurestack v0.85.0's aks-ubuntu-22.04 node image) is in the marketplace of stamp seattle`,
      );
      expect(imageFindings([{ ...fact, found: false }], WHERE)).toEqual([
        {
          check: "images",
          severity: "fail",
          message:
            `cluster.kubernetesVersion: ${version} needs ${urn} (aks-engine-azurestack v0.85.0's aks-ubuntu-22.04 node image) is not in the marketplace of stamp seattle (location seattle); ` +
            PROCEDURE("aks", "microsoft-aks", "aks-engine-azurestack-ubuntu-2204", "2026.139.1"),
        },
      ]);
    },
  );

  test("every supported Kubernetes version has a node image, with an exact version", () => {
    expect(Object.keys(NODE_IMAGES).sort()).toEqual([...SUPPORTED_KUBERNETES_VERSIONS].sort());
    for (const image of Object.values(NODE_IMAGES))
      expect(image.version).toMatch(/^\d+\.\d+\.\d+$/);
  });
});

describe("public IP budget", () => {
  const others = (n: number) =>
    Array.from({ length: n }, (_, i) => ({
      name: `pip-${i}`,
      resourceGroup: i % 3 === 0 ? "rg-vpn" : "rg-apps",
    }));
  const facts = (limit: number, existing: PublicIpFacts["existing"]): PublicIpFacts => ({
    limit,
    existing,
    helper: { resourceGroup: "rg-seattle-aks-helper", name: "pip-seattle-aks-helper" },
    clusterGroup: "rg-seattle-k8s",
  });
  const ADDS_ALL =
    "3 this stack adds (helper VM (pip-seattle-aks-helper), cluster API load balancer (k8s-master-ip-* in rg-seattle-k8s), gateway load balancer (the NGINX Gateway Fabric Service, in rg-seattle-k8s))";

  test("under the limit passes and accounts for every address", () => {
    expect(publicIpFinding(facts(50, others(6)))).toEqual({
      check: "publicIps",
      severity: "pass",
      message: `azureStack.publicIpLimit: 50: 9 public IPs after this change = 6 already in the subscription (rg-apps 4, rg-vpn 2) + ${ADDS_ALL}`,
    });
  });

  test("at the limit warns", () => {
    expect(publicIpFinding(facts(9, others(6)))).toEqual({
      check: "publicIps",
      severity: "warn",
      message: `azureStack.publicIpLimit: 9 is reached: 9 public IPs = 6 already in the subscription (rg-apps 4, rg-vpn 2) + ${ADDS_ALL}; the next Service of type LoadBalancer will stay pending until the quota is raised`,
    });
  });

  test("over the limit fails, naming what uses them and the procedure", () => {
    expect(publicIpFinding(facts(8, others(6)))).toEqual({
      check: "publicIps",
      severity: "fail",
      message: `azureStack.publicIpLimit: 8 is exceeded: 9 public IPs needed = 6 already in the subscription (rg-apps 4, rg-vpn 2) + ${ADDS_ALL}; delete public IPs nothing uses, or ask the stamp operator to raise "Maximum public IPs" of the subscription's network quota (administrator portal: Plans > the plan > Services and quotas > Network) and set azureStack.publicIpLimit to the new quota`,
    });
  });

  test("a deployed stack's own addresses count as used, not added again", () => {
    const deployed = [
      { name: "pip-seattle-aks-helper", resourceGroup: "RG-SEATTLE-AKS-HELPER" },
      { name: "k8s-master-ip-sea-ratings-12345678", resourceGroup: "rg-seattle-k8s" },
      { name: "kubernetes-a1b2c3", resourceGroup: "rg-seattle-k8s" },
    ];
    expect(publicIpFinding(facts(3, deployed))).toEqual({
      check: "publicIps",
      severity: "warn",
      message:
        "azureStack.publicIpLimit: 3 is reached: 3 public IPs = 3 already in the subscription (rg-seattle-k8s 2, RG-SEATTLE-AKS-HELPER 1) + 0 this stack adds; the next Service of type LoadBalancer will stay pending until the quota is raised",
    });
    expect(publicIpFinding(facts(3, deployed.slice(0, 2))).message).toContain(
      "+ 1 this stack adds (gateway load balancer (the NGINX Gateway Fabric Service, in rg-seattle-k8s))",
    );
  });

  test("the resource group of an ARM id", () => {
    expect(
      resourceGroupOf(
        "/subscriptions/s/resourceGroups/rg-x/providers/Microsoft.Network/publicIPAddresses/p",
      ),
    ).toBe("rg-x");
    expect(resourceGroupOf("/subscriptions/s/providers/x")).toBe("(no resource group)");
  });
});

describe("secret expiry", () => {
  const sp = { key: "servicePrincipalSecretExpiresOn", secretKey: "servicePrincipalSecret" };
  const ROTATE =
    "create a new client secret for the app registration, then in one change run `pulumi config set --secret servicePrincipalSecret` (value from stdin) and `pulumi config set servicePrincipalSecretExpiresOn <its expiry date, YYYY-MM-DD>`, and deploy";
  const CONSEQUENCE =
    "once it expires the cluster's cloud provider can no longer manage load balancers and disks";
  const UPDATE_DATE =
    "but servicePrincipalSecret is rotated in this change: set servicePrincipalSecretExpiresOn to the new secret's expiry date (`pulumi config set servicePrincipalSecretExpiresOn YYYY-MM-DD`) in the same change";

  test("days are counted between UTC dates", () => {
    expect(daysUntil("2027-01-27", TODAY)).toBe(60);
    expect(daysUntil("2026-11-28", TODAY)).toBe(0);
    expect(daysUntil("2026-11-25", TODAY)).toBe(-3);
  });

  test.each([
    [
      "60 days out, no rotation: passes",
      "2027-01-27",
      undefined,
      "pass",
      "servicePrincipalSecretExpiresOn: 2027-01-27 is 60 day(s) away",
    ],
    [
      "60 days out, rotated: passes and says so",
      "2027-01-27",
      true,
      "pass",
      "servicePrincipalSecretExpiresOn: 2027-01-27 is 60 day(s) away (servicePrincipalSecret is rotated in this change)",
    ],
    [
      "20 days out, no rotation: warns with the procedure",
      "2026-12-18",
      false,
      "warn",
      `servicePrincipalSecretExpiresOn: 2026-12-18 is 20 day(s) away (the preview warns from 30 days before and fails from 7); ${ROTATE}`,
    ],
    [
      "20 days out, rotated: warns to update the date",
      "2026-12-18",
      true,
      "warn",
      `servicePrincipalSecretExpiresOn: 2026-12-18 is 20 day(s) away, ${UPDATE_DATE}`,
    ],
    [
      "5 days out, no rotation: fails",
      "2026-12-03",
      undefined,
      "fail",
      `servicePrincipalSecretExpiresOn: 2026-12-03 is 5 day(s) away (the preview fails from 7 days before; ${CONSEQUENCE}); ${ROTATE}`,
    ],
    [
      "5 days out, rotated in this change: warns only",
      "2026-12-03",
      true,
      "warn",
      `servicePrincipalSecretExpiresOn: 2026-12-03 is 5 day(s) away, ${UPDATE_DATE}`,
    ],
    [
      "expired 3 days ago: fails",
      "2026-11-25",
      false,
      "fail",
      `servicePrincipalSecretExpiresOn: 2026-11-25 was 3 day(s) ago (the preview fails from 7 days before; ${CONSEQUENCE}); ${ROTATE}`,
    ],
  ] as const)("%s", (_name, expiresOn, rotated, severity, message) => {
    const fact = rotated === undefined ? { ...sp, expiresOn } : { ...sp, expiresOn, rotated };
    expect(secretExpiryFinding(fact, TODAY)).toEqual({ check: "secretExpiry", severity, message });
  });

  test("the edges: 31 days passes, 30 warns, 8 warns, 7 fails", () => {
    const sev = (d: string) => secretExpiryFinding({ ...sp, expiresOn: d }, TODAY).severity;
    expect([sev("2026-12-29"), sev("2026-12-28"), sev("2026-12-06"), sev("2026-12-05")]).toEqual([
      "pass",
      "warn",
      "warn",
      "fail",
    ]);
  });

  test("the Logs Ingestion secret names its own keys and consequence", () => {
    const f = secretExpiryFinding(
      {
        key: "logsIngestionClientSecretExpiresOn",
        secretKey: "logsIngestionClientSecret",
        expiresOn: "2026-12-03",
      },
      TODAY,
    );
    expect(f.message).toBe(
      "logsIngestionClientSecretExpiresOn: 2026-12-03 is 5 day(s) away (the preview fails from 7 days before; once it expires the stamps' log agents can no longer publish to the Logs Ingestion API); create a new client secret for the app registration, then in one change run `pulumi config set --secret logsIngestionClientSecret` (value from stdin) and `pulumi config set logsIngestionClientSecretExpiresOn <its expiry date, YYYY-MM-DD>`, and deploy",
    );
  });

  test("calendar dates only", () => {
    expect(["2027-02-28", "2028-02-29"].map(isCalendarDate)).toEqual([true, true]);
    expect(
      ["2027-02-29", "2027-13-01", "27-01-01", "2027-1-1", "tomorrow", "2027-01-01; rm"].map(
        isCalendarDate,
      ),
    ).toEqual([false, false, false, false, false, false]);
  });
});

describe("warn-only and the verdict", () => {
  const fail = (check: Finding["check"]): Finding => ({
    check,
    severity: "fail",
    message: `${check} broke`,
  });

  test("a check listed in preflight.warnOnly warns instead of failing; the others still fail", () => {
    const findings = applyWarnOnly(
      [fail("images"), fail("publicIps"), fail("secretExpiry")],
      ["images", "secretExpiry"],
    );
    expect(findings).toEqual([
      {
        check: "images",
        severity: "warn",
        message: "images broke [warn-only: preflight.warnOnly lists images]",
      },
      { check: "publicIps", severity: "fail", message: "publicIps broke" },
      {
        check: "secretExpiry",
        severity: "warn",
        message: "secretExpiry broke [warn-only: preflight.warnOnly lists secretExpiry]",
      },
    ]);
    expect(preflightError("lab", findings)).toBe(
      'Pre-flight checks failed for stack "lab" (1); nothing was registered (docs/stamp-runbook.md, "Before you deploy"; preflight.warnOnly turns a check into a warning for labs):\n  - [publicIps] publicIps broke',
    );
    expect(preflightError("lab", applyWarnOnly(findings, ["publicIps"]))).toBeUndefined();
  });
});

describe("the fleet's view", () => {
  test("stamps and local stand-ins report their date within 30 days; the global stack its own key", () => {
    expect(
      expiringSecrets("stamp", { servicePrincipalSecretExpiresOn: "2027-01-27" }, TODAY),
    ).toEqual([]);
    expect(
      expiringSecrets("local", { servicePrincipalSecretExpiresOn: "2026-12-18" }, TODAY).map(
        (f) => f.severity,
      ),
    ).toEqual(["warn"]);
    expect(
      expiringSecrets("global", { logsIngestionClientSecretExpiresOn: "2026-12-03" }, TODAY).map(
        (f) => f.severity,
      ),
    ).toEqual(["fail"]);
    expect(expiringSecrets("local", {}, TODAY)).toEqual([]);
    expect(expiringSecrets("stamp", { servicePrincipalSecretExpiresOn: "soon" }, TODAY)).toEqual(
      [],
    );
  });
});
