import * as azurestack from "@pulumi/azurestack";
import * as pulumi from "@pulumi/pulumi";
import * as tls from "@pulumi/tls";
import type { HelperVmConfig } from "../config";
import { BootstrapSettings, renderCloudInit } from "../lib/cloudInit";
import { HELPER_ADDRESS_SPACE, sshSecurityRules } from "../lib/helperNetwork";
import type { HelperNames } from "../lib/names";

/** What the helper VM is made of; `stacks/stamp.ts` derives it from the stamp's config. */
export interface HelperVmArgs {
  /** Azure names of the helper's resources (`helperNames(stamp)` in lib/names.ts). */
  names: HelperNames;
  /** The stamp's region, `azureStack.location`. */
  location: string;
  /** Source CIDRs allowed to reach SSH (`helperVm.sshAllowList`); a world-open entry is refused. */
  sshAllowList: string[];
  /** VM size (`helperVm.vmSize`). */
  vmSize: string;
  /** Marketplace image of Ubuntu 22.04 as the stamp syndicates it (`helperVm.image`). */
  image: HelperVmConfig["image"];
  /** DNS label of the static public IP: `<dnsLabel>.<location>.cloudapp.<externalFqdn>`. */
  dnsLabel: string;
  /**
   * What cloud-init installs and trusts: the pinned aks-engine and kubectl downloads, extra CA, and
   * the admin user (the VM's only login, by key). Secret-free: custom data is readable. (The
   * helper's SSH host key is generated here and added to the custom data separately.)
   */
  bootstrap: BootstrapSettings;
}

/**
 * The stamp's helper VM, where aks-engine-azurestack runs: resource group, VNet with one subnet
 * whose NSG admits SSH only from `helperVm.sshAllowList`, a static public IP with a DNS label, a
 * NIC, and an Ubuntu 22.04 VM that logs in by key only (key pair from @pulumi/tls, private key
 * kept as a secret output) and bootstraps from cloud-init. Its SSH host key (ed25519, also from
 * @pulumi/tls) is given to it by cloud-init, so the cluster provider knows and pins it before the
 * first contact; a new host key replaces the VM. Needs the stamp's `azurestack` provider in
 * `opts.providers`. `AksEngineCluster` takes it to run aks-engine on.
 */
export class HelperVm extends pulumi.ComponentResource {
  /** Static public IP address of the helper. */
  public readonly publicIpAddress: pulumi.Output<string>;
  /** DNS name of the helper: <dnsLabel>.<location>.cloudapp.<externalFqdn>. */
  public readonly fqdn: pulumi.Output<string>;
  /** Linux admin user that aks-engine runs as. */
  public readonly adminUsername: string;
  /** SSH private key of the admin user (secret). */
  public readonly privateKeyOpenssh: pulumi.Output<string>;
  /**
   * The helper's pinned SSH host key (`ssh-ed25519 AAAA...`), known once the VM that holds it
   * exists: a replaced host key comes with a replaced VM.
   */
  public readonly hostPublicKey: pulumi.Output<string>;
  /** The VM, for dependencies. */
  public readonly vm: azurestack.LinuxVirtualMachine;

  constructor(name: string, args: HelperVmArgs, opts?: pulumi.ComponentResourceOptions) {
    super("ash-ha-kubernetes:stamp:HelperVm", name, {}, opts);
    const child = { parent: this };
    const { names, bootstrap } = args;

    const { common, ip, nic } = network(this, name, args);
    const key = new tls.PrivateKey(
      `${name}-ssh-key`,
      { algorithm: "RSA", rsaBits: 4096 },
      {
        ...child,
        additionalSecretOutputs: ["privateKeyOpenssh", "privateKeyPem", "privateKeyPemPkcs8"],
      },
    );
    // The host key travels in custom data (a secret input of the VM, encrypted in state): a new
    // key changes the custom data, and cloud-init reads custom data only at first boot, so the VM
    // is replaced (delete first: its name is fixed).
    const hostKey = new tls.PrivateKey(
      `${name}-host-key`,
      { algorithm: "ED25519" },
      {
        ...child,
        additionalSecretOutputs: ["privateKeyOpenssh", "privateKeyPem", "privateKeyPemPkcs8"],
      },
    );
    const customData = pulumi
      .all([hostKey.privateKeyOpenssh, hostKey.publicKeyOpenssh])
      .apply(([privateKeyOpenssh, publicKeyOpenssh]) =>
        Buffer.from(renderCloudInit(bootstrap, { privateKeyOpenssh, publicKeyOpenssh })).toString(
          "base64",
        ),
      );
    this.vm = new azurestack.LinuxVirtualMachine(
      `${name}-vm`,
      {
        ...common,
        name: names.virtualMachine,
        size: args.vmSize,
        adminUsername: bootstrap.adminUsername,
        disablePasswordAuthentication: true,
        adminSshKeys: [{ username: bootstrap.adminUsername, publicKey: key.publicKeyOpenssh }],
        networkInterfaceIds: [nic.id],
        osDisk: { caching: "ReadWrite", storageAccountType: "Standard_LRS" },
        sourceImageReference: args.image,
        customData: pulumi.secret(customData),
      },
      { ...child, replaceOnChanges: ["customData"], deleteBeforeReplace: true },
    );

    this.publicIpAddress = ip.ipAddress;
    this.fqdn = ip.fqdn;
    this.adminUsername = bootstrap.adminUsername;
    this.privateKeyOpenssh = pulumi.secret(key.privateKeyOpenssh);
    this.hostPublicKey = pulumi
      .all([this.vm.id, hostKey.publicKeyOpenssh])
      .apply(([, publicKey]) => publicKey.trim());
    this.registerOutputs({
      publicIpAddress: this.publicIpAddress,
      fqdn: this.fqdn,
      privateKeyOpenssh: this.privateKeyOpenssh,
      hostPublicKey: this.hostPublicKey,
    });
  }
}

/**
 * The helper's network: its resource group, the NSG (SSH from the allow-list only), a VNet whose
 * one subnet carries the NSG, the static public IP with its DNS label, and the NIC.
 */
function network(parent: pulumi.Resource, name: string, args: HelperVmArgs) {
  const child = { parent };
  const { names, location } = args;
  const group = new azurestack.ResourceGroup(
    `${name}-rg`,
    { name: names.resourceGroup, location },
    child,
  );
  const common = { resourceGroupName: group.name, location };

  const nsg = new azurestack.NetworkSecurityGroup(
    `${name}-nsg`,
    {
      ...common,
      name: names.securityGroup,
      securityRules: sshSecurityRules(args.sshAllowList),
    },
    child,
  );
  // The generated SDK's Subnet and NetworkInterface have no NSG field (azurestack provider
  // v1.0.0), so the NSG is attached where the provider supports it: the VNet's inline subnet.
  const vnet = new azurestack.VirtualNetwork(
    `${name}-vnet`,
    {
      ...common,
      name: names.virtualNetwork,
      addressSpaces: [HELPER_ADDRESS_SPACE],
      subnets: [
        {
          name: names.subnet,
          addressPrefix: HELPER_ADDRESS_SPACE,
          securityGroup: nsg.id,
          // `id` is computed by the provider; the generated type lists it as required.
        } as unknown as azurestack.types.input.VirtualNetworkSubnet,
      ],
    },
    child,
  );
  const ip = new azurestack.PublicIp(
    `${name}-ip`,
    {
      ...common,
      name: names.publicIp,
      allocationMethod: "Static",
      domainNameLabel: args.dnsLabel,
    },
    child,
  );
  const nic = new azurestack.NetworkInterface(
    `${name}-nic`,
    {
      ...common,
      name: names.networkInterface,
      ipConfigurations: [
        {
          name: "primary",
          subnetId: vnet.subnets.apply((s) => s[0].id),
          privateIpAddressAllocation: "Dynamic",
          publicIpAddressId: ip.id,
        },
      ],
    },
    child,
  );
  return { common, ip, nic };
}
