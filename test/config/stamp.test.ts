/** Stamp validation (config/stamp.ts, config/rules.ts): one row per rule, exact message. */
import { parseConfig } from "../../config";
import { ALLOWED } from "../../lib/allowList";
import { P, problemsOf, stamp } from "./support";

describe("stamp validation: one row per rule, exact message", () => {
  const rows: [string, ReturnType<typeof stamp>, string][] = [
    [
      "unknown kind",
      stamp({ kind: "stmap" }),
      `${P}:kind: "stmap" is not a known stack kind; allowed: stamp, global, local, edge`,
    ],
    [
      "unknown top-level key",
      stamp({ clustr: { dnsPrefix: "x" } }),
      "clustr: is not a known key (typo?); remove it or see the config reference in README.md",
    ],
    [
      "unknown nested key",
      stamp({ cluster: { mastercount: 3 } }),
      "cluster.mastercount: is not a known key (typo?); remove it or see the config reference in README.md",
    ],
    [
      "location missing",
      stamp({ azureStack: { location: undefined } }),
      "azureStack.location: is missing; is required (string)",
    ],
    [
      "location not lowercase",
      stamp({ azureStack: { location: "Seattle" } }),
      'azureStack.location: "Seattle" must be a lowercase region name such as seattle',
    ],
    [
      "portal URL for another location",
      stamp({ azureStack: { portalUrl: "https://portal.munich.azurestack.contoso.com/" } }),
      'azureStack.portalUrl: "https://portal.munich.azurestack.contoso.com/" must start with "https://portal.seattle." (aks-engine requires the portal URL to match the location)',
    ],
    [
      "portal URL not https",
      stamp({ azureStack: { portalUrl: "http://portal.seattle.contoso.com" } }),
      `azureStack.portalUrl: "http://portal.seattle.contoso.com" must be an https:// URL of the stamp's user portal`,
    ],
    [
      "ARM endpoint not https",
      stamp({ azureStack: { armEndpoint: "management.seattle.contoso.com" } }),
      `azureStack.armEndpoint: "management.seattle.contoso.com" must be an https:// URL of the stamp's ARM endpoint`,
    ],
    [
      "identity system",
      stamp({ azureStack: { identitySystem: "ldap" } }),
      'azureStack.identitySystem: "ldap" must be one of "azure_ad", "adfs"',
    ],
    [
      "subscription id",
      stamp({ azureStack: { subscriptionId: "my-sub" } }),
      'azureStack.subscriptionId: "my-sub" must be a UUID (xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx)',
    ],
    [
      "tenant id",
      stamp({ azureStack: { tenantId: "contoso.onmicrosoft.com" } }),
      'azureStack.tenantId: "contoso.onmicrosoft.com" must be a UUID (xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx)',
    ],
    [
      "client id",
      stamp({ azureStack: { clientId: "1234" } }),
      'azureStack.clientId: "1234" must be a UUID (xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx)',
    ],
    [
      "client secret in plaintext",
      { ...stamp(), secretKeys: [] },
      "servicePrincipalSecret: is stored in plaintext; set it with `pulumi config set --secret servicePrincipalSecret` so it is encrypted",
    ],
    [
      "client secret missing",
      stamp({}, ["servicePrincipalSecret"]),
      "servicePrincipalSecret: is missing; set the service principal's client secret (the cluster's cloud provider credential) with `pulumi config set --secret servicePrincipalSecret`",
    ],
    [
      "Traffic Manager target neither an IP nor a DNS name",
      stamp({ trafficManager: { target: "not a host" } }),
      'trafficManager.target: "not a host" must be the public IP address or DNS name Traffic Manager should hand out',
    ],
    [
      "certificate missing",
      stamp({}, ["servicePrincipalCertificate"]),
      "servicePrincipalCertificate: is missing; set the service principal's certificate and private key in one PEM (aks-engine signs in to ARM with it, so no secret goes on its command line) with `pulumi config set --secret servicePrincipalCertificate`",
    ],
    [
      "certificate without its private key (content never echoed)",
      stamp({
        servicePrincipalCertificate:
          "-----BEGIN CERTIFICATE-----\nQUJD\n-----END CERTIFICATE-----\n",
      }),
      "servicePrincipalCertificate: [secret] must be one PEM holding a CERTIFICATE block and a PRIVATE KEY block (missing: PRIVATE KEY)",
    ],
    [
      "token audience missing",
      stamp({ azureStack: { tokenAudience: undefined } }),
      "azureStack.tokenAudience: is missing; is required (string)",
    ],
    [
      "token audience not https",
      stamp({ azureStack: { tokenAudience: "http://management.contoso.onmicrosoft.com/x" } }),
      'azureStack.tokenAudience: "http://management.contoso.onmicrosoft.com/x" must be an https:// URL of the stamp\'s ARM token audience (authentication.audiences[0] of its metadata endpoint)',
    ],
    [
      "dnsPrefix too short",
      stamp({ cluster: { dnsPrefix: "ab" } }),
      'cluster.dnsPrefix: "ab" must match ^[A-Za-z][A-Za-z0-9-]{1,43}[A-Za-z0-9]$ (3-45 chars, letter first)',
    ],
    [
      "dnsPrefix starts with digit",
      stamp({ cluster: { dnsPrefix: "1cluster" } }),
      'cluster.dnsPrefix: "1cluster" must match ^[A-Za-z][A-Za-z0-9-]{1,43}[A-Za-z0-9]$ (3-45 chars, letter first)',
    ],
    [
      "dnsPrefix ends with dash",
      stamp({ cluster: { dnsPrefix: "cluster-" } }),
      'cluster.dnsPrefix: "cluster-" must match ^[A-Za-z][A-Za-z0-9-]{1,43}[A-Za-z0-9]$ (3-45 chars, letter first)',
    ],
    [
      "master count 2",
      stamp({ cluster: { masterCount: 2 } }),
      "cluster.masterCount: 2 must be 3 or 5 (1 only with allowNonHaMasters: true)",
    ],
    [
      "master count 1 without opt-in",
      stamp({ cluster: { masterCount: 1 } }),
      "cluster.masterCount: 1 is not highly available; allowed: 3 or 5 (set cluster.allowNonHaMasters: true to accept a single master)",
    ],
    [
      "pool name uppercase",
      stamp({ cluster: { pools: [{ name: "LinuxPool", count: 3 }] } }),
      'cluster.pools[0].name: "LinuxPool" must match ^[a-z][a-z0-9]{0,11}$ (lowercase, max 12 chars)',
    ],
    [
      "pool name too long",
      stamp({ cluster: { pools: [{ name: "linuxpoolnumber1", count: 3 }] } }),
      'cluster.pools[0].name: "linuxpoolnumber1" must match ^[a-z][a-z0-9]{0,11}$ (lowercase, max 12 chars)',
    ],
    [
      "pool name twice",
      stamp({
        cluster: {
          pools: [
            { name: "pool", count: 3 },
            { name: "pool", count: 3 },
          ],
        },
      }),
      'cluster.pools[1].name: "pool" is used twice',
    ],
    [
      "no workers",
      stamp({ cluster: { pools: [{ name: "linuxpool", count: 0 }] } }),
      "cluster.pools[0].count: 0 must be at least 1",
    ],
    [
      "no pools",
      stamp({ cluster: { pools: [] } }),
      "cluster.pools: [] must have at least one pool",
    ],
    [
      "over the node ceiling",
      stamp({ cluster: { pools: [{ name: "linuxpool", count: 48 }] } }),
      "cluster: 51 nodes (masters + workers) exceed cluster.maxNodes 50; the practical ASH ceiling is 50 per subscription (raise cluster.maxNodes explicitly if your quota allows more)",
    ],
    [
      "unsupported Kubernetes version",
      stamp({ cluster: { kubernetesVersion: "1.30.4" } }),
      'cluster.kubernetesVersion: "1.30.4" must be one of "1.33.10", "1.34.4", "1.35.0"',
    ],
    [
      "network policy azure with kubenet",
      stamp({ cluster: { networkPolicy: "azure" } }),
      'cluster.networkPolicy: "azure" requires cluster.networkPlugin "azure" (got "kubenet"); allowed with kubenet: calico',
    ],
    ...(
      [
        ["apiImage", "localhost:5000/ratings/ratings-api:v1.0.0"],
        ["webImage", "127.0.0.1:5000/ratings/ratings-web:v1.0.0"],
        ["mongoImage", "localhost/library/mongo:7.0.14"],
        ["apiImage", "127.1.2.3:32000/ratings/ratings-api@sha256:" + "a".repeat(64)],
      ] as const
    ).map(([key, image]): [string, ReturnType<typeof stamp>, string] => [
      `app.${key} on the loopback registry ${image}`,
      stamp({ app: { [key]: image } }),
      `app.${key}: "${image}" is on a loopback registry that a stamp's nodes cannot pull from (the default is for the local demo); ` +
        "build the ratings images from the AKS workshop sources, push them to a registry the stamp reaches (your registry, or the stamp's mirror when disconnected) and set the key to that pinned reference",
    ]),
    [
      "network policy none without the opt-in",
      stamp({ cluster: { networkPolicy: "none" } }),
      'cluster.networkPolicy: "none" leaves the NetworkPolicies of the app, the gateway and the monitoring agent unenforced; allowed: "calico" (the default) or "azure" (with networkPlugin azure); to keep "none" (a cluster deployed without an engine cannot switch), set cluster.acceptUnenforcedNetworkPolicies: true',
    ],
    [
      "network policy opt-in with an engine",
      stamp({ cluster: { acceptUnenforcedNetworkPolicies: true } }),
      'cluster.acceptUnenforcedNetworkPolicies: true is only used with networkPolicy "none" (got "calico"); remove it',
    ],
    [
      "network policy unknown",
      stamp({ cluster: { networkPolicy: "cilium" } }),
      'cluster.networkPolicy: "cilium" must be one of "calico", "azure", "none"',
    ],
    [
      "network plugin unknown",
      stamp({ cluster: { networkPlugin: "calico" } }),
      'cluster.networkPlugin: "calico" must be one of "kubenet", "azure"',
    ],
    [
      "empty master VM size",
      stamp({ cluster: { masterVmSize: "" } }),
      'cluster.masterVmSize: "" must not be empty',
    ],
    [
      "empty pool VM size",
      stamp({ cluster: { pools: [{ name: "linuxpool", count: 3, vmSize: "" }] } }),
      'cluster.pools[0].vmSize: "" must not be empty',
    ],
    [
      "empty helper VM size",
      stamp({ helperVm: { vmSize: "" } }),
      'helperVm.vmSize: "" must not be empty',
    ],
    [
      "SSH allow-list empty",
      stamp({ helperVm: { sshAllowList: [] } }),
      "helperVm.sshAllowList: [] must list at least one source CIDR allowed to reach SSH",
    ],
    [
      "SSH open to 0.0.0.0/0",
      stamp({ helperVm: { sshAllowList: ["0.0.0.0/0"] } }),
      'helperVm.sshAllowList[0]: "0.0.0.0/0" must not open SSH to the whole world; ' + ALLOWED,
    ],
    [
      "SSH open to ::/0",
      stamp({ helperVm: { sshAllowList: ["10.0.0.0/8", "::/0"] } }),
      'helperVm.sshAllowList[1]: "::/0" must not open SSH to the whole world; ' + ALLOWED,
    ],
    [
      "SSH open to *",
      stamp({ helperVm: { sshAllowList: ["*"] } }),
      'helperVm.sshAllowList[0]: "*" must not open SSH to the whole world; ' + ALLOWED,
    ],
    [
      "SSH open to Internet",
      stamp({ helperVm: { sshAllowList: ["Internet"] } }),
      'helperVm.sshAllowList[0]: "Internet" must not open SSH to the whole world; ' + ALLOWED,
    ],
    [
      "SSH open to Any",
      stamp({ helperVm: { sshAllowList: ["Any"] } }),
      'helperVm.sshAllowList[0]: "Any" must not open SSH to the whole world; ' + ALLOWED,
    ],
    [
      "SSH entry not a CIDR",
      stamp({ helperVm: { sshAllowList: ["10.0.0.300/24"] } }),
      'helperVm.sshAllowList[0]: "10.0.0.300/24" must be an IPv4 or IPv6 CIDR such as 203.0.113.0/24; ' +
        ALLOWED,
    ],
    [
      "SSH entry without prefix",
      stamp({ helperVm: { sshAllowList: ["10.0.0.1"] } }),
      'helperVm.sshAllowList[0]: "10.0.0.1" must be an IPv4 or IPv6 CIDR such as 203.0.113.0/24; ' +
        ALLOWED,
    ],
    [
      "aks-engine checksum not 64 hex",
      stamp({
        helperVm: {
          aksEngine: { version: "v0.85.0", url: "https://mirror.local/a.tgz", sha256: "abc123" },
        },
      }),
      'helperVm.aksEngine.sha256: "abc123" must be 64 lowercase hex characters (the file\'s SHA-256)',
    ],
    [
      "aks-engine checksum missing",
      stamp({ helperVm: { aksEngine: { version: "v0.85.0", url: "https://mirror.local/a.tgz" } } }),
      "helperVm.aksEngine.sha256: is missing; is required (string)",
    ],
    [
      "aks-engine other release",
      stamp({
        helperVm: {
          aksEngine: {
            version: "v0.84.0",
            url: "https://mirror.local/a.tgz",
            sha256: "a".repeat(64),
          },
        },
      }),
      'helperVm.aksEngine.version: "v0.84.0" version must be v0.85.0, the release this program\'s cluster definition is written for',
    ],
    [
      "endpoint location missing",
      stamp({ trafficManager: { endpointLocation: undefined } }),
      "trafficManager.endpointLocation: is missing; is required (string)",
    ],
    [
      "image with latest tag",
      stamp({ app: { apiImage: "docker.io/x/ratings-api:latest" } }),
      "app.apiImage: \"docker.io/x/ratings-api:latest\" must not use the floating tag 'latest'",
    ],
    [
      "image without tag",
      stamp({ app: { webImage: "docker.io/x/ratings-web" } }),
      'app.webImage: "docker.io/x/ratings-web" must be an image reference with a pinned tag or @sha256 digest',
    ],
    [
      "monitoring mode",
      stamp({ monitoring: { mode: "omsagent" } }),
      'monitoring.mode: "omsagent" must be one of "fluentBit", "containerInsights", "none"',
    ],
    [
      "HPA min above max",
      stamp({ app: { webAutoscaling: { minReplicas: 5, maxReplicas: 2 } } }),
      'app.webAutoscaling: {"minReplicas":5,"maxReplicas":2} minReplicas must not exceed maxReplicas',
    ],
    [
      "protection switch not a boolean",
      stamp({ app: { protectStatefulResources: "no" } }),
      'app.protectStatefulResources: "no" must be of type boolean',
    ],
    [
      "approved change not written as the refusal names it",
      stamp({ app: { approvedStatefulChanges: ["namespace to shop"] } }),
      'app.approvedStatefulChanges[0]: "namespace to shop" must be a change as the refusal names it, e.g. "app.namespace: ratings -> shop"',
    ],
    [
      "a shrink cannot be approved",
      stamp({ app: { approvedStatefulChanges: ["app.mongoStorageSize: 8Gi -> 4Gi"] } }),
      'app.approvedStatefulChanges[0]: "app.mongoStorageSize: 8Gi -> 4Gi" must be a change as the refusal names it, e.g. "app.namespace: ratings -> shop"',
    ],
  ];

  test.each(rows)("%s", (_name, raw, message) => {
    expect(problemsOf("seattle", raw)).toContain(message);
  });

  test("a stack name that is not a valid stamp name is refused", () => {
    expect(problemsOf("Seattle_1", stamp())).toContain(
      'stack name: "Seattle_1" is used as the stamp name and must be lowercase letters, digits and dashes (2-24 chars)',
    );
  });

  test("all problems are reported at once, before anything else", () => {
    const problems = problemsOf(
      "seattle",
      stamp({
        cluster: { dnsPrefix: "-", masterCount: 4 },
        helperVm: { sshAllowList: ["0.0.0.0/0"] },
      }),
    );
    expect(problems).toHaveLength(3);
    // no secret keys marked secret: both secrets are reported as plaintext, plus the master count
    const error = (() => {
      try {
        parseConfig("seattle", stamp({ cluster: { masterCount: 4 } }).config, []);
      } catch (e) {
        return e as Error;
      }
      return undefined;
    })();
    expect(error?.message).toMatch(
      /^Invalid configuration for stack "seattle" \(3 problems\):\n {2}- /,
    );
  });

  test("a single master is accepted with the explicit opt-in, with a warning", () => {
    const raw = stamp({ cluster: { masterCount: 1, allowNonHaMasters: true } });
    const { warnings } = parseConfig("seattle", raw.config, raw.secretKeys);
    expect(warnings).toEqual([
      "cluster.masterCount: 1 master is not highly available; use it for labs only",
    ]);
  });

  test("network policy none is accepted with the explicit opt-in, with a warning", () => {
    const raw = stamp({
      cluster: { networkPolicy: "none", acceptUnenforcedNetworkPolicies: true },
    });
    const { warnings } = parseConfig("seattle", raw.config, raw.secretKeys);
    expect(warnings).toEqual([
      'cluster.networkPolicy: "none": nothing enforces the NetworkPolicies this stack deploys (default-deny included); every pod can reach every other pod',
    ]);
  });

  test("fewer than 3 workers is accepted with a support-policy warning", () => {
    const raw = stamp({ cluster: { pools: [{ name: "linuxpool", count: 2 }] } });
    const { warnings } = parseConfig("seattle", raw.config, raw.secretKeys);
    expect(warnings).toEqual([
      "cluster.pools[0].count: 2 workers is below the support policy minimum of 3",
    ]);
  });

  test("the node ceiling can be raised explicitly", () => {
    const raw = stamp({ cluster: { pools: [{ name: "linuxpool", count: 60 }], maxNodes: 70 } });
    expect(problemsOf("seattle", raw)).toEqual([]);
  });

  test("network policy azure is accepted with network plugin azure", () => {
    expect(
      problemsOf("seattle", stamp({ cluster: { networkPlugin: "azure", networkPolicy: "azure" } })),
    ).toEqual([]);
  });
});
