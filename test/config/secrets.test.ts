/**
 * Secret values reach the program byte for byte (config/issues.ts `decode`, config/index.ts): a
 * secret is never read as a number or boolean, trimmed, or otherwise reparsed.
 */
import { parseConfig, StampConfig } from "../../config";
import { decode } from "../../config/issues";
import { readStackFile } from "../stackFiles";
import { stampConfig } from "../stampConfigs";

const VALUES = ["10.50", "true", "false", "-0.10", "1.0", " 42 ", "007", "0", "null", "s3cr3t\n"];

describe("decode", () => {
  test.each(VALUES)("a secret %j stays the same string", (text) => {
    expect(decode(text, { secret: true })).toBe(text);
  });
  test("a secret object or array (pulumi config set --secret --path) is parsed", () => {
    expect(decode('{"a": "10.50"}', { secret: true })).toEqual({ a: "10.50" });
    expect(decode('["x"]', { secret: true })).toEqual(["x"]);
  });
  test("a plain value is read as Pulumi passes it: numbers and booleans as JSON", () => {
    expect(decode("10.50")).toBe(10.5);
    expect(decode("true")).toBe(true);
    expect(decode("azureuser")).toBe("azureuser");
  });
});

describe("parseConfig", () => {
  test.each(VALUES)("servicePrincipalSecret %j reaches the program byte for byte", (text) => {
    const c = stampConfig("seattle", {}, text);
    expect(c.servicePrincipalSecret.reveal()).toBe(text);
  });

  test.each(VALUES)("logsIngestionClientSecret %j reaches the program byte for byte", (text) => {
    const { config, secretKeys } = readStackFile("global", text);
    const parsed = parseConfig("global", config, secretKeys).config as {
      logsIngestionClientSecret: { reveal(): string };
    };
    expect(parsed.logsIngestionClientSecret.reveal()).toBe(text);
  });

  test("a certificate bundle is passed on unchanged", () => {
    const c: StampConfig = stampConfig("seattle");
    const { config } = readStackFile("seattle");
    expect(c.servicePrincipalCertificate.reveal()).toBe(
      config["ash-ha-kubernetes:servicePrincipalCertificate"],
    );
  });
});
