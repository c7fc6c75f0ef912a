/**
 * The whole program under mocks for one example stamp (one jest file per stamp, because the
 * program module is evaluated once per file): the graph, explicit providers, SSH never world-open,
 * secrets marked secret, cluster definition and exports.
 */
import * as pulumi from "@pulumi/pulumi";
import { SECRET_OUTPUTS } from "../providers/aksEngineProvider";
import { GLOBAL_EXPORTS as GLOBAL, stampMockInvokes, stampMockOutputs } from "./stampMocks";
import { installMocks, Recorded, resolve, settle, unwrapSecret } from "./mocks";
import { readStackFile, ROOT } from "./stackFiles";
import { withTestPins } from "./support/testPins";
import { PLACEHOLDER_DOCKER_CONFIG } from "../lib/pullSecrets";
import { expectTls, TlsExpectation } from "./stampTls";

const SP_SECRET = "sp-secret-value";

export function describeStampProgram(
  stack: "seattle" | "munich",
  expected: {
    masters: number;
    pools: Record<string, number>;
    version: string;
    fqdn: string;
    allowList: string[];
    globalStack: string;
    /** Namespaces that get a pull Secret (sorted). */
    pullSecretNamespaces: string[];
    /** Whether kured is installed (connected stamps). */
    kured: boolean;
    /** cert-manager and the issuer the example configures (stampTls.ts). */
    tls: TlsExpectation;
  },
) {
  const { config, secretKeys } = readStackFile(stack, SP_SECRET);
  withTestPins(config, ROOT); // stand-in download pins (test/support/testPins.ts)
  const recorded: Recorded[] = installMocks({
    config,
    secretKeys,
    stack,
    outputs: stampMockOutputs(stack),
    invokes: stampMockInvokes(stack),
  });

  let outputs: Record<string, pulumi.Output<unknown>>;
  beforeAll(async () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    outputs = await require("../index");
    await settle();
  });
  const find = (type: string) => recorded.filter((r) => r.type === type);
  const one = (type: string) => {
    const all = find(type);
    expect(all).toHaveLength(1);
    return all[0];
  };

  test("the graph: providers, helper VM pieces, the cluster's resource group, keys, the cluster and its Kubernetes provider", () => {
    const infra =
      /^(azurestack:|tls:|pulumi-nodejs:dynamic\/ash-ha-kubernetes:AksEngine|pulumi:providers:|ash-ha-kubernetes:stamp:)/;
    const names = recorded
      .filter((r) => infra.test(r.type))
      .map((r) => `${r.type} ${r.name}`)
      .sort();
    expect(names).toEqual(
      [
        `ash-ha-kubernetes:stamp:AksEngineCluster ${stack}-cluster`,
        `ash-ha-kubernetes:stamp:HelperVm ${stack}-helper`,
        `azurestack:index/linuxVirtualMachine:LinuxVirtualMachine ${stack}-helper-vm`,
        `azurestack:index/networkInterface:NetworkInterface ${stack}-helper-nic`,
        `azurestack:index/networkSecurityGroup:NetworkSecurityGroup ${stack}-helper-nsg`,
        `azurestack:index/publicIp:PublicIp ${stack}-helper-ip`,
        `azurestack:index/resourceGroup:ResourceGroup ${stack}-cluster-rg`,
        `azurestack:index/resourceGroup:ResourceGroup ${stack}-helper-rg`,
        `azurestack:index/virtualNetwork:VirtualNetwork ${stack}-helper-vnet`,
        `pulumi-nodejs:dynamic/ash-ha-kubernetes:AksEngineDeployment ${stack}-cluster-aks-engine`,
        `pulumi:providers:azure-native ${stack}-azure`,
        `pulumi:providers:azurestack ${stack}-ash`,
        `pulumi:providers:kubernetes ${stack}-cluster-k8s`,
        `tls:index/privateKey:PrivateKey ${stack}-cluster-node-ssh-key`,
        `tls:index/privateKey:PrivateKey ${stack}-helper-host-key`,
        `tls:index/privateKey:PrivateKey ${stack}-helper-ssh-key`,
        // NGF's control plane <-> data plane mTLS (components/gatewayCertificates.ts).
        `tls:index/privateKey:PrivateKey ${stack}-ingress-certs-ca-key`,
        `tls:index/selfSignedCert:SelfSignedCert ${stack}-ingress-certs-ca`,
        ...["server", "agent"].flatMap((id) => [
          `tls:index/privateKey:PrivateKey ${stack}-ingress-certs-${id}-key`,
          `tls:index/certRequest:CertRequest ${stack}-ingress-certs-${id}-csr`,
          `tls:index/locallySignedCert:LocallySignedCert ${stack}-ingress-certs-${id}`,
        ]),
      ].sort(),
    );
  });

  test("every Azure Stack resource uses the stamp's explicit azurestack provider", () => {
    const ash = recorded.filter((r) => r.type.startsWith("azurestack:"));
    expect(ash.length).toBe(7);
    for (const r of ash) expect(r.provider).toMatch(new RegExp(`::${stack}-ash::`));
  });

  test("SSH reaches the helper only from the allow-list; everything else inbound is denied", () => {
    const rules = one("azurestack:index/networkSecurityGroup:NetworkSecurityGroup").inputs
      .securityRules as Record<string, unknown>[];
    const allows = rules.filter((r) => r.access === "Allow");
    expect(allows).toEqual([
      expect.objectContaining({
        destinationPortRange: "22",
        protocol: "Tcp",
        sourceAddressPrefixes: expected.allowList,
      }),
    ]);
    for (const r of allows) {
      expect([r.sourceAddressPrefix, ...(r.sourceAddressPrefixes as string[])]).not.toContain("*");
      expect(r.sourceAddressPrefixes).not.toContain("0.0.0.0/0");
    }
    expect(rules.find((r) => r.access === "Deny")).toMatchObject({
      sourceAddressPrefix: "*",
      priority: 4000,
    });
    const vnet = one("azurestack:index/virtualNetwork:VirtualNetwork");
    expect((vnet.inputs.subnets as Record<string, unknown>[])[0].securityGroup).toBe(
      `${stack}-helper-nsg-id`,
    );
  });

  test("the helper VM: key-only login with the @pulumi/tls key, configured image, cloud-init whose only secret is the pinned host key", () => {
    const vm = one("azurestack:index/linuxVirtualMachine:LinuxVirtualMachine");
    expect(vm.inputs).toMatchObject({
      disablePasswordAuthentication: true,
      adminUsername: "azureuser",
    });
    expect(vm.inputs.adminPassword).toBeUndefined();
    expect(vm.inputs.adminSshKeys).toEqual([
      { username: "azureuser", publicKey: `ssh-rsa AAAAB3Nza${stack}-helper-ssh-key generated` },
    ]);
    const cloudInit = Buffer.from(
      unwrapSecret<string>(vm.inputs.customData).value,
      "base64",
    ).toString();
    expect(cloudInit).toMatch(/^#cloud-config/);
    expect(cloudInit).not.toContain(SP_SECRET);
    expect(cloudInit).not.toContain(`${stack}-helper-ssh-key`); // the admin's private key
    // The one private key in it is the helper's own host key, which the cluster resource pins.
    expect(cloudInit.match(/BEGIN OPENSSH PRIVATE KEY/g)).toHaveLength(1);
    expect(cloudInit).toContain(
      Buffer.from(`mock private key ${stack}-helper-host-key`).toString("base64"),
    );
    const key = find("tls:index/privateKey:PrivateKey").find(
      (r) => r.name === `${stack}-helper-ssh-key`,
    );
    expect(key?.inputs).toEqual({ algorithm: "RSA", rsaBits: 4096 });
    const hostKey = find("tls:index/privateKey:PrivateKey").find(
      (r) => r.name === `${stack}-helper-host-key`,
    );
    expect(hostKey?.inputs).toEqual({ algorithm: "ED25519" });
    const dyn = one("pulumi-nodejs:dynamic/ash-ha-kubernetes:AksEngineDeployment");
    expect((dyn.inputs.helper as { hostKey: string }).hostKey).toMatch(
      /^ssh-ed25519 AAAAC3NzaC1lZDI1NTE5\S{48}$/,
    );
    expect(one("azurestack:index/publicIp:PublicIp").inputs).toMatchObject({
      allocationMethod: "Static",
      domainNameLabel: `${stack}-aks-helper`,
    });
  });

  test("the cluster: desired spec, the resource group it deploys into, every secret input marked secret", () => {
    const dyn = one("pulumi-nodejs:dynamic/ash-ha-kubernetes:AksEngineDeployment");
    expect(dyn.inputs.spec).toMatchObject({
      masterCount: expected.masters,
      kubernetesVersion: expected.version,
      pools: Object.entries(expected.pools).map(([name, count]) =>
        expect.objectContaining({ name, count }),
      ),
    });
    expect(dyn.inputs.context).toMatchObject({
      resourceGroup: `rg-${stack}-k8s`,
      apiServerFqdn: expected.fqdn,
      cli: "aks-engine-azurestack",
    });
    const rg = find("azurestack:index/resourceGroup:ResourceGroup").find(
      (r) => r.name === `${stack}-cluster-rg`,
    );
    expect(rg?.inputs).toMatchObject({ name: `rg-${stack}-k8s`, location: stack });
    for (const key of [
      "apiModel",
      "servicePrincipalSecret",
      "servicePrincipalCertificate",
      "helperPrivateKey",
    ]) {
      expect({ key, secret: unwrapSecret(dyn.inputs[key]).secret }).toEqual({ key, secret: true });
    }
    const model = JSON.parse(unwrapSecret<string>(dyn.inputs.apiModel).value);
    expect(model.properties.masterProfile.count).toBe(expected.masters);
    expect(model.properties.linuxProfile.ssh.publicKeys[0].keyData).toBe(
      `ssh-rsa AAAAB3Nza${stack}-cluster-node-ssh-key generated`,
    );
    expect(model.properties.servicePrincipalProfile.secret).toBe(SP_SECRET);
    expect(SECRET_OUTPUTS).toEqual(
      expect.arrayContaining(["kubeconfig", "outputArchive", "apiModel", "servicePrincipalSecret"]),
    );
  });

  test("the in-cluster layer and the Traffic Manager endpoint are wired on the right providers", () => {
    const components = recorded.filter(
      (r) => r.type.startsWith("ash-ha-kubernetes:") && !r.type.includes(":stamp:"),
    );
    expect(components.map((r) => `${r.type} ${r.name}`).sort()).toEqual(
      expect.arrayContaining([
        `ash-ha-kubernetes:app:RatingsApp ${stack}-ratings`,
        expect.stringMatching(new RegExp(`Ingress ${stack}-ingress$`)),
        expect.stringMatching(new RegExp(`MonitoringAgent ${stack}-monitoring$`)),
        expect.stringMatching(new RegExp(`TrafficManagerEndpoint ${stack}-tm$`)),
      ]),
    );
    const k8sResources = recorded.filter((r) => r.type.startsWith("kubernetes:"));
    expect(k8sResources.length).toBeGreaterThan(20);
    for (const r of k8sResources)
      expect(r.provider).toMatch(new RegExp(`::${stack}-cluster-k8s::`));
    const endpoint = one("azure-native:trafficmanager:Endpoint");
    expect(endpoint.provider).toMatch(new RegExp(`::${stack}-azure::`));
    expect(endpoint.inputs).toMatchObject({
      target: "203.0.113.7",
      profileName: GLOBAL.trafficManagerProfileName,
      resourceGroupName: GLOBAL.trafficManagerResourceGroup,
      endpointType: "ExternalEndpoints",
    });
    const ref = one("pulumi:pulumi:StackReference");
    expect(ref.inputs.name).toBe(expected.globalStack);
    const route = find("kubernetes:gateway.networking.k8s.io/v1:HTTPRoute").find(
      (r) => r.name === `${stack}-ratings-route`,
    );
    expect(JSON.stringify(route?.inputs)).toContain("healthz");
  });

  test("no secret of config or of the global stack reaches a plain resource input", () => {
    for (const r of recorded) {
      const text = JSON.stringify(r.inputs);
      for (const secret of [
        SP_SECRET,
        GLOBAL.logsIngestionClientSecret,
        GLOBAL.logAnalyticsSharedKey,
        GLOBAL.dnsClientSecret,
        PLACEHOLDER_DOCKER_CONFIG,
      ]) {
        if (!text.includes(secret)) continue;
        // present only inside values the engine received marked secret
        const plain = JSON.stringify(r.inputs, (_k, v) =>
          unwrapSecret(v).secret ? "[secret]" : v,
        );
        expect({ resource: `${r.type} ${r.name}`, leaks: plain.includes(secret) }).toEqual({
          resource: `${r.type} ${r.name}`,
          leaks: false,
        });
      }
    }
  });

  test("pull secrets: one dockerconfigjson Secret per namespace with a configured registry, referenced by its pods", () => {
    const secrets = find("kubernetes:core/v1:Secret").filter(
      (r) => r.inputs.type === "kubernetes.io/dockerconfigjson",
    );
    expect(
      secrets.map((r) => (r.inputs.metadata as { namespace: string }).namespace).sort(),
    ).toEqual(expected.pullSecretNamespaces);
    for (const r of secrets) {
      // @pulumi/kubernetes marks the whole stringData secret.
      const stringData = unwrapSecret<Record<string, unknown>>(r.inputs.stringData);
      const data = {
        value: unwrapSecret(stringData.value[".dockerconfigjson"]).value,
        secret: stringData.secret,
      };
      expect({ secret: r.name, value: data }).toEqual({
        secret: r.name,
        value: { value: PLACEHOLDER_DOCKER_CONFIG, secret: true },
      });
      expect((r.inputs.metadata as { name: string }).name).toBe("image-pull-secret");
    }
    const pods = [
      ...find("kubernetes:apps/v1:Deployment"),
      ...find("kubernetes:apps/v1:StatefulSet"),
    ];
    expect(pods).toHaveLength(3);
    const refs = expected.pullSecretNamespaces.includes("ratings")
      ? [{ name: "image-pull-secret" }]
      : undefined;
    for (const w of pods) {
      // eslint-disable-next-line @typescript-eslint/no-explicit-any
      expect({ w: w.name, refs: (w.inputs.spec as any).template.spec.imagePullSecrets }).toEqual({
        w: w.name,
        refs,
      });
    }
    const chart = (name: string) =>
      find("kubernetes:helm.sh/v4:Chart").find((r) => r.name === `${stack}-${name}`)?.inputs
        .values as Record<string, unknown> | undefined;
    const ngf = chart("ingress-ngf");
    if (expected.pullSecretNamespaces.includes("nginx-gateway")) {
      expect(ngf).toMatchObject({
        nginxGateway: { serviceAccount: { imagePullSecret: "image-pull-secret" } },
        nginx: { imagePullSecret: "image-pull-secret" },
      });
    } else {
      expect(JSON.stringify(ngf)).not.toContain("imagePullSecret");
    }
    const fluentBit = chart("monitoring-fluent-bit");
    expect(fluentBit?.imagePullSecrets).toEqual(
      expected.pullSecretNamespaces.includes("monitoring")
        ? [{ name: "image-pull-secret" }]
        : undefined,
    );
  });

  test("node reboots: kured in its window on connected stamps, nothing on disconnected ones", async () => {
    const kured = find("kubernetes:helm.sh/v4:Chart").filter((r) =>
      r.name.endsWith("-node-reboots-kured"),
    );
    expect(kured).toHaveLength(expected.kured ? 1 : 0);
    expect(find("ash-ha-kubernetes:nodes:NodeReboots")).toHaveLength(expected.kured ? 1 : 0);
    if (expected.kured) {
      expect(kured[0].provider).toMatch(new RegExp(`::${stack}-cluster-k8s::`));
      expect(kured[0].inputs).toMatchObject({
        // The verified archive (stacks/downloads.ts), by its relative cache path.
        chart: expect.stringMatching(/^\.cache\/downloads\/[0-9a-f]{64}\/kured-6\.1\.0\.tgz$/),
        namespace: "kured",
        values: { configuration: { concurrency: 1, forceReboot: false } },
      });
      expect(kured[0].inputs.repositoryOpts).toBeUndefined();
    }
    expect((await resolve(outputs.nodeReboots)).value).toBe(
      expected.kured ? "kured, mo,tu,we,th 01:00-05:00 UTC" : "node image refresh (disconnected)",
    );
  });

  test('the Kubernetes provider has no identity in its inputs: kubeconfig "" (the run\'s $KUBECONFIG), same URN as before', () => {
    const k8s = one("pulumi:providers:kubernetes");
    expect(unwrapSecret(k8s.inputs.kubeconfig)).toEqual({ value: "", secret: false });
    // The URN stamps deployed with the admin kubeconfig input have (no replacement on migration).
    expect(k8s.urn).toBe(
      `urn:pulumi:${stack}::ash-ha-kubernetes::ash-ha-kubernetes:stamp:AksEngineCluster$pulumi:providers:kubernetes::${stack}-cluster-k8s`,
    );
  });

  test("exports: helper address, API server FQDN, node counts and version; no kubeconfig, no key", async () => {
    expect(await resolve(outputs.apiServerFqdn)).toEqual({ value: expected.fqdn, secret: false });
    expect(await resolve(outputs.helperAddress)).toEqual({ value: "192.0.2.10", secret: false });
    expect(await resolve(outputs.nodeCounts)).toEqual({ value: expected.pools, secret: false });
    expect(await resolve(outputs.masterCount)).toEqual({ value: expected.masters, secret: false });
    expect(await resolve(outputs.kubernetesVersion)).toEqual({
      value: expected.version,
      secret: false,
    });
    // Credentials stay in state (npm run kubeconfig reads them there), never in stack outputs.
    expect(Object.keys(outputs)).not.toContain("kubeconfig");
    expect(Object.keys(outputs)).not.toContain("helperPrivateKey");
    // The example stamps serve the global stack's dns name over HTTPS.
    expect(await resolve(outputs.appUrl)).toEqual({
      value: "https://ratings.contoso.com/",
      secret: false,
    });
  });

  test("TLS: cert-manager, issuer, certificate, HTTPS listener and redirect on the cluster", () => {
    expectTls(recorded, stack, expected.tls);
  });
}
