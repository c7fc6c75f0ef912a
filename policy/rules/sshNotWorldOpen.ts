/** ssh-not-world-open: no security rule allows inbound SSH from the whole internet. */
import type {
  ReportViolation,
  ResourceValidationArgs,
  ResourceValidationPolicy,
} from "@pulumi/policy";
import { asArray, isObject, parseJson, Props, str } from "./helpers";

/** Type tokens of the generated @pulumi/azurestack SDK (sdks/azurestack) this rule reads. */
export const NSG_TYPE = "azurestack:index/networkSecurityGroup:NetworkSecurityGroup";
export const NSG_RULE_TYPE = "azurestack:index/networkSecurityRule:NetworkSecurityRule";
export const TEMPLATE_DEPLOYMENT_TYPE = "azurestack:index/templateDeployment:TemplateDeployment";

/**
 * Source prefixes that admit any address (compared lowercase). The same list as config/fields.ts
 * `WORLD_OPEN` (a unit test keeps them equal): the pack imports nothing from the program, because
 * the pack is type-checked when it loads and must not break with the program's work in progress.
 */
export const WORLD_OPEN_SOURCES = ["0.0.0.0/0", "::/0", "*", "internet", "any", "0.0.0.0"];

/** True when a source prefix admits any address: a world-open tag, or any `/0` CIDR. */
export function isWorldOpen(source: string): boolean {
  const s = source.trim().toLowerCase();
  return WORLD_OPEN_SOURCES.includes(s) || /\/0$/.test(s);
}

/** True when a destination port spec ("22", "20-30", "*") includes port 22. */
function coversSsh(port: string): boolean {
  const p = port.trim();
  if (p === "*") return true;
  const range = /^(\d+)\s*-\s*(\d+)$/.exec(p);
  if (range) return Number(range[1]) <= 22 && 22 <= Number(range[2]);
  return p === "22";
}

/**
 * Every object under `value` that looks like a security rule (it has a source address field),
 * whatever the nesting: NetworkSecurityGroup `securityRules[]`, a NetworkSecurityRule's own inputs,
 * or `properties` of `Microsoft.Network/networkSecurityGroups[/securityRules]` in an ARM template.
 */
function securityRules(value: unknown, found: Props[] = []): Props[] {
  if (Array.isArray(value)) {
    for (const v of value) securityRules(v, found);
  } else if (isObject(value)) {
    if ("sourceAddressPrefix" in value || "sourceAddressPrefixes" in value) found.push(value);
    for (const v of Object.values(value)) securityRules(v, found);
  }
  return found;
}

/** Resolves `[parameters('name')]` in ARM templates from the deployment's parameters. */
type ParameterLookup = (name: string) => unknown;

function resolveArm(value: unknown, lookup: ParameterLookup): unknown {
  const m = typeof value === "string" ? /^\[parameters\('([^']+)'\)\]$/.exec(value.trim()) : null;
  return m ? lookup(m[1]) : value;
}

/** The world-open sources of a rule that allows inbound SSH, or [] when it is fine. */
function worldOpenSshSources(rule: Props, lookup: ParameterLookup): string[] {
  const get = (k: string) => resolveArm(rule[k], lookup);
  const direction = str(get("direction"))?.toLowerCase() ?? "inbound";
  const access = str(get("access"))?.toLowerCase() ?? "allow";
  const protocol = str(get("protocol"))?.toLowerCase() ?? "*";
  if (direction !== "inbound" || access !== "allow") return [];
  if (!["tcp", "*", "any"].includes(protocol)) return [];
  const ports = [...asArray(get("destinationPortRange")), ...asArray(get("destinationPortRanges"))]
    .map((p) => resolveArm(p, lookup))
    .flatMap((p) => asArray(p))
    .filter((p): p is string | number => typeof p === "string" || typeof p === "number")
    .map(String);
  // No destination port at all: the rule applies to every port.
  if (ports.length > 0 && !ports.some(coversSsh)) return [];
  return [...asArray(get("sourceAddressPrefix")), ...asArray(get("sourceAddressPrefixes"))]
    .map((s) => resolveArm(s, lookup))
    .flatMap((s) => asArray(s))
    .filter((s): s is string => typeof s === "string" && isWorldOpen(s));
}

export const sshNotWorldOpen: ResourceValidationPolicy = {
  name: "ssh-not-world-open",
  description:
    "Network security rules never allow inbound SSH (port 22) from the whole world; list admin CIDRs.",
  enforcementLevel: "mandatory",
  validateResource: (args: ResourceValidationArgs, report: ReportViolation) => {
    let rules: Props[];
    let lookup: ParameterLookup = () => undefined;
    if (args.type === NSG_TYPE || args.type === NSG_RULE_TYPE) {
      rules = securityRules(args.props);
    } else if (args.type === TEMPLATE_DEPLOYMENT_TYPE) {
      const params = args.props.parameters;
      const body = parseJson(args.props.parametersBody);
      lookup = (name) =>
        isObject(body) && isObject(body[name])
          ? (body[name] as Props).value
          : isObject(params)
            ? params[name]
            : undefined;
      rules = securityRules(parseJson(args.props.templateBody));
    } else {
      return;
    }
    for (const rule of rules) {
      const open = worldOpenSshSources(rule, lookup);
      if (open.length > 0) {
        const ruleName = str(rule.name) ?? args.name;
        report(
          `Security rule "${ruleName}" of ${args.name} allows inbound SSH from ${open
            .map((s) => JSON.stringify(s))
            .join(", ")}, which is the whole internet. Allow only the admin networks' CIDRs ` +
            "(helperVm.sshAllowList).",
        );
      }
    }
  },
};
