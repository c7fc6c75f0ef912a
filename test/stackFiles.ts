/**
 * Reads a shipped Pulumi.<stack>.yaml into the raw config map and secret-key list that the Pulumi
 * runtime hands a program, so tests exercise exactly what an operator commits.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { parse } from "yaml";
import { PLACEHOLDER_DOCKER_CONFIG, replaceNestedSecrets } from "../lib/pullSecrets";

export const ROOT = path.resolve(__dirname, "..");

export interface StackFile {
  config: Record<string, string>;
  secretKeys: string[];
}

/** Stack names of every Pulumi.<stack>.yaml in the repository root. */
export function stackNames(): string[] {
  return fs
    .readdirSync(ROOT)
    .map((f) => /^Pulumi\.(.+)\.yaml$/.exec(f)?.[1])
    .filter((s): s is string => s !== undefined && !s.startsWith("it-")) // it-*: test stacks
    .sort();
}

/** A well-formed but fake certificate bundle standing in for `servicePrincipalCertificate`. */
export const TEST_CERTIFICATE_BUNDLE = [
  "-----BEGIN CERTIFICATE-----",
  "VEVTVCBDRVJUSUZJQ0FURQ==",
  "-----END CERTIFICATE-----",
  "-----BEGIN PRIVATE KEY-----",
  "VEVTVCBLRVk=",
  "-----END PRIVATE KEY-----",
  "",
].join("\n");

/** A well-formed kubeconfig standing in for `edgeKubeconfig`; its user token is `secretValue`. */
export function testKubeconfig(secretValue: string): string {
  return [
    "apiVersion: v1",
    "kind: Config",
    "clusters:",
    "- name: edge",
    "  cluster: {server: 'https://192.0.2.40:6443'}",
    "users:",
    "- name: edge",
    `  user: {token: '${secretValue}'}`,
    "contexts:",
    "- name: edge",
    "  context: {cluster: edge, user: edge}",
    "current-context: edge",
    "",
  ].join("\n");
}

/**
 * The stack's config as Pulumi passes it: objects as JSON text, `secure:` values marked secret.
 * Secret values are `secretValue`, except the certificate bundle, which gets a well-formed fake PEM,
 * and the edge kubeconfig, a well-formed kubeconfig whose token is `secretValue`.
 */
export function readStackFile(stack: string, secretValue = "s3cr3t-test-value"): StackFile {
  const doc = parse(fs.readFileSync(path.join(ROOT, `Pulumi.${stack}.yaml`), "utf8")) ?? {};
  const config: Record<string, string> = {};
  const secretKeys: string[] = [];
  for (const [key, value] of Object.entries<unknown>(doc.config ?? {})) {
    if (value && typeof value === "object" && "secure" in (value as object)) {
      config[key] = key.endsWith(":servicePrincipalCertificate")
        ? TEST_CERTIFICATE_BUNDLE
        : key.endsWith(":edgeKubeconfig")
          ? testKubeconfig(secretValue)
          : secretValue;
      secretKeys.push(key);
    } else {
      // Nested secrets (imagePullSecret): a placeholder docker config; the whole key is secret.
      const nested = replaceNestedSecrets(value, PLACEHOLDER_DOCKER_CONFIG);
      if (nested.secret) secretKeys.push(key);
      config[key] = typeof value === "string" ? value : JSON.stringify(nested.value);
    }
  }
  return { config, secretKeys };
}
