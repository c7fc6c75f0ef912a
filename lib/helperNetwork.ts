/**
 * Network rules of a stamp's helper VM (its names are in lib/names.ts). Pure.
 */
import { WORLD_OPEN } from "../config/fields";

/** Address space of the helper's own VNet (aks-engine builds the cluster's VNet separately). */
export const HELPER_ADDRESS_SPACE = "172.16.100.0/24";

/** The NSG rule shape of the generated SDK (every field present, as the provider expects). */
export interface SecurityRule {
  name: string;
  description: string;
  priority: number;
  direction: "Inbound";
  access: "Allow" | "Deny";
  protocol: "Tcp" | "*";
  sourcePortRange: string;
  sourcePortRanges: string[];
  destinationPortRange: string;
  destinationPortRanges: string[];
  sourceAddressPrefix: string;
  sourceAddressPrefixes: string[];
  destinationAddressPrefix: string;
  destinationAddressPrefixes: string[];
}

/**
 * SSH (22/tcp) allowed from the allow-list only, then every other inbound packet denied
 * explicitly (the platform defaults would still admit traffic from the virtual network).
 * Refuses a world-open source even if config validation was bypassed.
 */
export function sshSecurityRules(allowList: string[]): SecurityRule[] {
  const open = allowList.filter((c) => WORLD_OPEN.includes(c.trim().toLowerCase()));
  if (allowList.length === 0 || open.length > 0) {
    throw new Error(
      `helperVm.sshAllowList: ${JSON.stringify(allowList)} would open SSH to the world or to nobody; list the admin networks' CIDRs`,
    );
  }
  const base = {
    direction: "Inbound" as const,
    sourcePortRange: "*",
    sourcePortRanges: [],
    destinationPortRanges: [],
    sourceAddressPrefixes: [],
    destinationAddressPrefix: "*",
    destinationAddressPrefixes: [],
  };
  return [
    {
      ...base,
      name: "allow-ssh-from-admin-networks",
      description: "SSH from helperVm.sshAllowList only",
      priority: 100,
      access: "Allow",
      protocol: "Tcp",
      destinationPortRange: "22",
      sourceAddressPrefix: "",
      sourceAddressPrefixes: [...allowList],
    },
    {
      ...base,
      name: "deny-all-other-inbound",
      description: "Everything else inbound is refused",
      priority: 4000,
      access: "Deny",
      protocol: "*",
      destinationPortRange: "*",
      sourceAddressPrefix: "*",
    },
  ];
}
