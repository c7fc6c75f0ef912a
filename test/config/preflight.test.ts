/**
 * The pre-flight config keys: the secret expiry dates (required on stamps and the global stack,
 * optional on local), azureStack.publicIpLimit and preflight.warnOnly, hostile values included.
 */
import { GlobalConfig, LocalConfig, parseConfig, StampConfig } from "../../config";
import { readStackFile } from "../stackFiles";
import { P, problemsOf, stamp } from "./support";

const EXPIRY_RULE =
  "must be the secret's expiry date as YYYY-MM-DD (the Expires column of the app registration's Certificates & secrets)";

test("the shipped stamps parse with their expiry date, the default quota and no warn-only check", () => {
  const { config, secretKeys } = stamp();
  const parsed = parseConfig("seattle", config, secretKeys).config as StampConfig;
  expect(parsed.servicePrincipalSecretExpiresOn).toBe("2027-05-31");
  expect(parsed.azureStack.publicIpLimit).toBe(50);
  expect(parsed.preflight).toEqual({ warnOnly: [] });
});

test.each<[string, ReturnType<typeof stamp>, string]>([
  [
    "a stamp without its expiry date",
    stamp({}, ["servicePrincipalSecretExpiresOn"]),
    "servicePrincipalSecretExpiresOn: is missing; is required (string)",
  ],
  [
    "an impossible date",
    stamp({ servicePrincipalSecretExpiresOn: "2027-02-30" }),
    `servicePrincipalSecretExpiresOn: "2027-02-30" ${EXPIRY_RULE}`,
  ],
  [
    "a shell payload as the date",
    stamp({ servicePrincipalSecretExpiresOn: "2027-01-01$(reboot)" }),
    `servicePrincipalSecretExpiresOn: "2027-01-01$(reboot)" ${EXPIRY_RULE}`,
  ],
  [
    "a public IP limit of 0",
    stamp({ azureStack: { publicIpLimit: 0 } }),
    "azureStack.publicIpLimit: 0 must be at least 1 (the subscription's network quota)",
  ],
  [
    "a fractional public IP limit",
    stamp({ azureStack: { publicIpLimit: 2.5 } }),
    "azureStack.publicIpLimit: 2.5 must be of type int",
  ],
  [
    "an unknown warn-only check",
    stamp({ preflight: { warnOnly: ["images", "quota; rm -rf /"] } }),
    'preflight.warnOnly[1]: "quota; rm -rf /" must be one of "images", "publicIps", "secretExpiry"',
  ],
  [
    "an unknown preflight key",
    stamp({ preflight: { skip: true } }),
    "preflight.skip: is not a known key (typo?); remove it or see the config reference in README.md",
  ],
])("%s is refused naming the key and value", (_name, raw, problem) => {
  expect(problemsOf("seattle", raw)).toEqual([problem]);
});

test("a stamp may make any check warn-only", () => {
  const { config, secretKeys } = stamp({
    preflight: { warnOnly: ["images", "publicIps", "secretExpiry"] },
  });
  const parsed = parseConfig("seattle", config, secretKeys).config as StampConfig;
  expect(parsed.preflight.warnOnly).toEqual(["images", "publicIps", "secretExpiry"]);
});

test("the global stack needs its Logs Ingestion secret's date and may only make secretExpiry warn-only", () => {
  const { config, secretKeys } = readStackFile("global");
  const parsed = parseConfig("global", config, secretKeys).config as GlobalConfig;
  expect(parsed.logsIngestionClientSecretExpiresOn).toBe("2027-08-31");
  delete config[`${P}:logsIngestionClientSecretExpiresOn`];
  config[`${P}:preflight`] = JSON.stringify({ warnOnly: ["images"] });
  expect(problemsOf("global", { config, secretKeys })).toEqual([
    "logsIngestionClientSecretExpiresOn: is missing; is required (string)",
    'preflight.warnOnly[0]: "images" must be one of "secretExpiry"',
  ]);
});

test("a local stack may set a stand-in expiry date; none by default", () => {
  const { config, secretKeys } = readStackFile("local");
  expect(
    (parseConfig("local", config, secretKeys).config as LocalConfig)
      .servicePrincipalSecretExpiresOn,
  ).toBeUndefined();
  config[`${P}:servicePrincipalSecretExpiresOn`] = "2026-12-18";
  expect(
    (parseConfig("local", config, secretKeys).config as LocalConfig)
      .servicePrincipalSecretExpiresOn,
  ).toBe("2026-12-18");
  config[`${P}:servicePrincipalSecretExpiresOn`] = "18.12.2026";
  expect(problemsOf("local", { config, secretKeys })).toEqual([
    `servicePrincipalSecretExpiresOn: "18.12.2026" ${EXPIRY_RULE}`,
  ]);
});
