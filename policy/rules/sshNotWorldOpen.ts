/**
 * ssh-not-world-open: every security rule that allows inbound SSH passes the SSH allow-list rule of
 * lib/allowList.ts, the same rule config validation and the NSG builder apply: no prefix length 0,
 * no words or service tags, no host bits, at most a /8 of IPv4 and a /32 of IPv6 together.
 */
import type {
  ReportViolation,
  ResourceValidationArgs,
  ResourceValidationPolicy,
} from "@pulumi/policy";
// The one program module the pack imports: it imports nothing itself (docs/policy.md).
import { allowListProblems } from "../../lib/allowList";
import { asArray, isObject, parseJson, Props, str } from "./helpers";

/** Type tokens of the generated @pulumi/azurestack SDK (sdks/azurestack) this rule reads. */
export const NSG_TYPE = "azurestack:index/networkSecurityGroup:NetworkSecurityGroup";
export const NSG_RULE_TYPE = "azurestack:index/networkSecurityRule:NetworkSecurityRule";
export const TEMPLATE_DEPLOYMENT_TYPE = "azurestack:index/templateDeployment:TemplateDeployment";

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

/** A source of a rule, labelled with the field it came from. */
interface Source {
  label: string;
  value: string;
}

/** The sources of a rule that allows inbound SSH, or [] when the rule does not. */
function sshSources(rule: Props, lookup: ParameterLookup): Source[] {
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
  const sources: Source[] = [];
  for (const field of ["sourceAddressPrefix", "sourceAddressPrefixes"]) {
    const values = asArray(get(field))
      .map((v) => resolveArm(v, lookup))
      .flatMap((v) => asArray(v));
    const plural = Array.isArray(get(field)) || values.length > 1;
    values.forEach((value, i) => {
      // An empty prefix is an unset field (the SDK sends "" beside sourceAddressPrefixes).
      if (typeof value === "string" && value !== "") {
        sources.push({ label: plural ? `${field}[${i}]` : field, value });
      }
    });
  }
  return sources;
}

/** What the allow-list rule refuses in a rule's sources, one phrase each. */
function refusedSources(sources: Source[]): string[] {
  if (sources.length === 0) return [];
  const listLabel = sources.some((s) => s.label.startsWith("sourceAddressPrefixes"))
    ? "sourceAddressPrefixes"
    : "sourceAddressPrefix";
  return allowListProblems(sources.map((s) => s.value)).map((p) =>
    p.index === null
      ? `${listLabel}: ${JSON.stringify(p.value)} ${p.message}`
      : `${sources[p.index].label}: ${JSON.stringify(p.value)} ${p.message}`,
  );
}

export const sshNotWorldOpen: ResourceValidationPolicy = {
  name: "ssh-not-world-open",
  description:
    "Network security rules allow inbound SSH (port 22) only from admin CIDRs: never the whole world, no service tags, at most a /8 of IPv4 and a /32 of IPv6.",
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
      const refused = refusedSources(sshSources(rule, lookup));
      if (refused.length > 0) {
        const ruleName = str(rule.name) ?? args.name;
        report(
          `Security rule "${ruleName}" of ${args.name} allows inbound SSH from sources the SSH ` +
            `allow-list rule refuses: ${refused.join("; ")}. Allow only the admin networks' CIDRs ` +
            "(helperVm.sshAllowList).",
        );
      }
    }
  },
};
