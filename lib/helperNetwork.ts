/**
 * Network rules of a stamp's helper VM (its names are in lib/names.ts). Pure.
 */
import { allowListProblems, describeAllowListProblem } from "./allowList";

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
 * Refuses what the allow-list rule (lib/allowList.ts) refuses even if config validation was
 * bypassed, one line per problem.
 */
export function sshSecurityRules(allowList: string[]): SecurityRule[] {
  const problems = allowListProblems(allowList);
  if (problems.length > 0) {
    throw new Error(
      problems.map((p) => describeAllowListProblem("helperVm.sshAllowList", p)).join("\n"),
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
