import * as azurestack from "@pulumi/azurestack";
import * as pulumi from "@pulumi/pulumi";
import * as tls from "@pulumi/tls";
import type { StampConfig } from "../config";
import { bootstrapSettings, renderCloudInit } from "../lib/cloudInit";
import { helperNames, HELPER_ADDRESS_SPACE, sshSecurityRules } from "../lib/helperNetwork";

export interface HelperVmArgs {
  /** The stamp's validated config (location, helperVm settings, CA, pinned downloads). */
  config: StampConfig;
}

/**
 * The stamp's helper VM, where aks-engine-azurestack runs: resource group, VNet with one subnet
 * whose NSG admits SSH only from `helperVm.sshAllowList`, a static public IP with a DNS label, a
 * NIC, and an Ubuntu 22.04 VM that logs in by key only (key pair from @pulumi/tls, private key
 * kept as a secret output) and bootstraps from secret-free cloud-init. Needs the stamp's
 * `azurestack` provider in `opts.providers`.
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
  /** The VM, for dependencies. */
  public readonly vm: azurestack.LinuxVirtualMachine;

  constructor(name: string, args: HelperVmArgs, opts?: pulumi.ComponentResourceOptions) {
    super("ash-ha-kubernetes:stamp:HelperVm", name, {}, opts);
    const child = { parent: this };
    const { config } = args;
    const location = config.azureStack.location;
    const names = helperNames(config.name);
    const vmConfig = config.helperVm;

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
        securityRules: sshSecurityRules(vmConfig.sshAllowList),
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
        domainNameLabel: vmConfig.dnsLabel,
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
    const key = new tls.PrivateKey(
      `${name}-ssh-key`,
      { algorithm: "RSA", rsaBits: 4096 },
      {
        ...child,
        additionalSecretOutputs: ["privateKeyOpenssh", "privateKeyPem", "privateKeyPemPkcs8"],
      },
    );
    this.vm = new azurestack.LinuxVirtualMachine(
      `${name}-vm`,
      {
        ...common,
        name: names.virtualMachine,
        size: vmConfig.vmSize,
        adminUsername: vmConfig.adminUsername,
        disablePasswordAuthentication: true,
        adminSshKeys: [{ username: vmConfig.adminUsername, publicKey: key.publicKeyOpenssh }],
        networkInterfaceIds: [nic.id],
        osDisk: { caching: "ReadWrite", storageAccountType: "Standard_LRS" },
        sourceImageReference: vmConfig.image,
        customData: Buffer.from(renderCloudInit(bootstrapSettings(config))).toString("base64"),
      },
      child,
    );

    this.publicIpAddress = ip.ipAddress;
    this.fqdn = ip.fqdn;
    this.adminUsername = vmConfig.adminUsername;
    this.privateKeyOpenssh = pulumi.secret(key.privateKeyOpenssh);
    this.registerOutputs({
      publicIpAddress: this.publicIpAddress,
      fqdn: this.fqdn,
      privateKeyOpenssh: this.privateKeyOpenssh,
    });
  }
}
