/** ssh-not-world-open (policy/rules/sshNotWorldOpen.ts). */
import { ALLOWED } from "../../lib/allowList";
import * as rules from "../../policy/rules/sshNotWorldOpen";
import { violations } from "./support";

const rule = rules.sshNotWorldOpen;
const sshRule = (extra: Record<string, unknown>) => ({
  name: "ssh",
  priority: 100,
  direction: "Inbound",
  access: "Allow",
  protocol: "Tcp",
  sourcePortRange: "*",
  destinationPortRange: "22",
  destinationAddressPrefix: "*",
  ...extra,
});
const open = (source: string, rule = "ssh", of = "res", field = "sourceAddressPrefix") =>
  `Security rule "${rule}" of ${of} allows inbound SSH from sources the SSH allow-list rule ` +
  `refuses: ${field}: "${source}" must not open SSH to the whole world; ${ALLOWED}. Allow only ` +
  "the admin networks' CIDRs (helperVm.sshAllowList).";

test.each([
  ["an allow-list CIDR", { sourceAddressPrefix: "10.20.0.0/24" }],
  ["several allow-list CIDRs", { sourceAddressPrefixes: ["10.20.0.0/24", "203.0.113.16/28"] }],
  ["a world-open deny rule", { sourceAddressPrefix: "*", access: "Deny" }],
  ["a world-open outbound rule", { sourceAddressPrefix: "*", direction: "Outbound" }],
  ["world-open HTTPS", { sourceAddressPrefix: "Internet", destinationPortRange: "443" }],
  ["world-open UDP", { sourceAddressPrefix: "*", protocol: "Udp" }],
])("NetworkSecurityRule with %s passes", (_what, extra) => {
  expect(violations(rule, rules.NSG_RULE_TYPE, sshRule(extra))).toEqual([]);
});

test.each([
  ["*", { sourceAddressPrefix: "*" }, undefined],
  ["0.0.0.0/0", { sourceAddressPrefix: "0.0.0.0/0" }, undefined],
  ["Internet", { sourceAddressPrefix: "Internet" }, undefined],
  ["::/0", { sourceAddressPrefixes: ["10.20.0.0/24", "::/0"] }, "sourceAddressPrefixes[1]"],
  ["10.0.0.0/0", { sourceAddressPrefix: "10.0.0.0/0" }, undefined],
  ["0.0.0.0/00", { sourceAddressPrefix: "0.0.0.0/00" }, undefined],
  [
    "::0/0",
    { sourceAddressPrefix: "", sourceAddressPrefixes: ["::0/0"] },
    "sourceAddressPrefixes[0]",
  ],
  ["*", { sourceAddressPrefix: "*", destinationPortRange: "20-30" }, undefined],
  ["*", { sourceAddressPrefix: "*", destinationPortRange: "*", protocol: "*" }, undefined],
  ["*", { sourceAddressPrefix: "*", destinationPortRange: undefined }, undefined],
  ["any", { sourceAddressPrefix: "any", destinationPortRanges: ["443", "22"] }, undefined],
])("NetworkSecurityRule open to %s fails", (source, extra, field) => {
  expect(violations(rule, rules.NSG_RULE_TYPE, sshRule(extra))).toEqual([
    open(source, "ssh", "res", field),
  ]);
});

test("NetworkSecurityGroup: each world-open rule in securityRules is reported by name", () => {
  const props = {
    name: "helper-nsg",
    securityRules: [
      sshRule({ name: "ssh-admins", sourceAddressPrefix: "10.20.0.0/24" }),
      sshRule({ name: "ssh-world", sourceAddressPrefix: "0.0.0.0/0" }),
    ],
  };
  expect(violations(rule, rules.NSG_TYPE, props, "helper-nsg")).toEqual([
    open("0.0.0.0/0", "ssh-world", "helper-nsg"),
  ]);
  props.securityRules.pop();
  expect(violations(rule, rules.NSG_TYPE, props, "helper-nsg")).toEqual([]);
});

test("TemplateDeployment: NSG rules in the ARM template, parameters resolved", () => {
  const template = (source: string) =>
    JSON.stringify({
      resources: [
        {
          type: "Microsoft.Network/networkSecurityGroups",
          properties: {
            securityRules: [
              {
                name: "ssh",
                properties: {
                  protocol: "Tcp",
                  sourcePortRange: "*",
                  destinationPortRange: "22",
                  sourceAddressPrefix: source,
                  access: "Allow",
                  direction: "Inbound",
                },
              },
            ],
          },
        },
      ],
    });
  const type = rules.TEMPLATE_DEPLOYMENT_TYPE;
  expect(violations(rule, type, { templateBody: template("10.0.0.0/8") })).toEqual([]);
  expect(violations(rule, type, { templateBody: template("*") })).toEqual([open("*", "res")]);
  const viaParameter = template("[parameters('sshSource')]");
  expect(
    violations(rule, type, {
      templateBody: viaParameter,
      parametersBody: JSON.stringify({ sshSource: { value: "Internet" } }),
    }),
  ).toEqual([open("Internet", "res")]);
  expect(
    violations(rule, type, {
      templateBody: viaParameter,
      parameters: { sshSource: "10.1.0.0/16" },
    }),
  ).toEqual([]);
});
