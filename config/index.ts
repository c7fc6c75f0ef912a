/**
 * Typed, validated stack configuration. Pure: no resources, no Pulumi runtime calls.
 *
 * `parseConfig` takes the raw `<project>:<key>` map Pulumi hands the program and the list of keys
 * that are secret, and returns a typed `StampConfig`, `GlobalConfig`, `LocalConfig` or `EdgeConfig`, or throws a
 * `ConfigError` that lists every problem at once, each naming the key path, the bad value and what
 * is allowed. `stacks/loadConfig.ts` calls it before the program registers any resource.
 *
 * - `secret.ts`: the `Secret` and `ConfigError` types and the keys read as secrets;
 * - `fields.ts`: field validators; `inCluster.ts`, `stamp.ts`, `global.ts`, `local.ts`: one schema
 *   per stack kind (the in-cluster part shared by stamps and local);
 * - `rules.ts`: every cross-field rule; `issues.ts`: zod issues as sentences.
 */
import type { z } from "zod";
import { checkBackupTarget } from "./backup";
import { PROJECT } from "../lib/names";
import { GlobalConfig, globalSchema } from "./global";
import { checkEdge, EdgeConfig, edgeSchema, EdgeSettings, kubeconfigProblems } from "./edge";
import { decode, describeIssue, isPlainObject, show, splitKey } from "./issues";
import { LocalConfig, localSchema } from "./local";
import { unusedNodeRebootsWarning } from "./nodeReboots";
import { takePullSecrets } from "./pullSecrets";
import { certificatesProblems, dnsSecretProblems } from "./certificates";
import { checkCertificateBundle, checkStamp } from "./rules";
import { ConfigError, Secret, SECRET_KEYS } from "./secret";
import { deriveStamp, StampConfig, stampSchema, StampSettings } from "./stamp";

export { PROJECT } from "../lib/names";
export { isCidr } from "./fields";
export type { GlobalConfig } from "./global";
export type { EdgeConfig, MetalLbConfig } from "./edge";
export type { CertificatesConfig } from "./certificates";
export type { AppConfig, IngressConfig, MonitoringConfig } from "./inCluster";
export type { NodeRebootsConfig } from "./nodeReboots";
export type { LocalConfig } from "./local";
export { ConfigError, Secret, SECRET_KEYS } from "./secret";
export type { ClusterConfig, HelperVmConfig, StampConfig, StampSettings } from "./stamp";

export type Config = StampConfig | GlobalConfig | LocalConfig | EdgeConfig;

const KINDS = {
  stamp: stampSchema,
  global: globalSchema,
  local: localSchema,
  edge: edgeSchema,
} as const;

/** Result of parsing: the typed config and non-fatal warnings (e.g. below the support policy). */
export interface ParsedConfig<T extends Config = Config> {
  config: T;
  warnings: string[];
}

/**
 * Parses and validates a stack's raw configuration.
 * @param stack the stack name (stamps use it as their name)
 * @param raw the `<project>:<key>` map, values as Pulumi passes them (objects as JSON text)
 * @param secretKeys full keys (`<project>:<key>`) whose values are secrets
 */
export function parseConfig(
  stack: string,
  raw: Record<string, string>,
  secretKeys: string[],
): ParsedConfig {
  const problems: string[] = [];
  const values: Record<string, unknown> = {};
  for (const [fullKey, text] of Object.entries(raw)) {
    const [ns, key] = splitKey(fullKey);
    if (ns !== PROJECT) continue; // provider or pulumi: keys belong to their owners
    // Keys read as secrets are strings, kept as they are; other secret keys are never read as
    // numbers or booleans (decode).
    const value = Object.hasOwn(SECRET_KEYS, key)
      ? text
      : decode(text, { secret: secretKeys.includes(fullKey) });
    // Pulumi.yaml gives every optional key an empty default ({} or ""): that means unset.
    if (value === "" || (isPlainObject(value) && Object.keys(value).length === 0)) continue;
    values[key] = value;
  }

  const kind = values.kind;
  if (typeof kind !== "string" || !(kind in KINDS)) {
    throw new ConfigError(stack, [
      `${PROJECT}:kind: ${show(kind)} is not a known stack kind; allowed: ${Object.keys(KINDS).join(", ")}`,
    ]);
  }

  const secrets: Record<string, string> = {};
  for (const [key, { kinds, what, optional }] of Object.entries(SECRET_KEYS)) {
    if (key in values) {
      if (!secretKeys.includes(`${PROJECT}:${key}`)) {
        problems.push(
          `${key}: is stored in plaintext; set it with \`pulumi config set --secret ${key}\` so it is encrypted`,
        );
      }
      if (!kinds.includes(kind)) {
        problems.push(`${key}: is only used by ${kinds.join(", ")} stacks, not by kind ${kind}`);
      }
      secrets[key] = String(values[key]);
      delete values[key];
    } else if (kinds.includes(kind) && !optional) {
      problems.push(`${key}: is missing; set ${what} with \`pulumi config set --secret ${key}\``);
    }
  }
  if (secrets.servicePrincipalCertificate !== undefined) {
    problems.push(...checkCertificateBundle(secrets.servicePrincipalCertificate));
  }
  if (secrets.edgeKubeconfig !== undefined) {
    problems.push(...kubeconfigProblems(secrets.edgeKubeconfig));
  }

  // Pull secrets nested in sections become Secrets before the schemas (and messages) see them.
  problems.push(
    ...takePullSecrets(values, (section) => secretKeys.includes(`${PROJECT}:${section}`), kind),
  );
  const parsed = KINDS[kind as keyof typeof KINDS].safeParse(values);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) problems.push(describeIssue(issue, values));
  }

  const warnings: string[] = [];
  let config: Config | undefined;
  if (parsed.success) {
    if (kind === "stamp") {
      config = deriveStamp(stack, parsed.data as StampSettings, {
        servicePrincipalSecret: new Secret(secrets.servicePrincipalSecret ?? ""),
        servicePrincipalCertificate: new Secret(secrets.servicePrincipalCertificate ?? ""),
        backupTargetSas:
          secrets.backupTargetSas === undefined ? undefined : new Secret(secrets.backupTargetSas),
      });
      problems.push(...checkStamp(stack, config, warnings));
      problems.push(...certificatesProblems(config.certificates, config.ingress.hostname));
      problems.push(...checkBackupTarget(config));
      const unused = unusedNodeRebootsWarning(
        "nodeReboots" in values,
        config.azureStack.disconnected,
      );
      if (unused) warnings.push(unused);
    } else if (kind === "edge") {
      const settings = parsed.data as EdgeSettings;
      config = {
        ...settings,
        stack,
        name: stack,
        kubeconfig: new Secret(secrets.edgeKubeconfig ?? ""),
      };
      problems.push(...checkEdge(stack, settings));
    } else if (kind === "global") {
      config = {
        ...(parsed.data as z.infer<typeof globalSchema>),
        stack,
        logsIngestionClientSecret: new Secret(secrets.logsIngestionClientSecret ?? ""),
        dnsClientSecret:
          secrets.dnsClientSecret === undefined ? undefined : new Secret(secrets.dnsClientSecret),
      };
      problems.push(...dnsSecretProblems("dns" in values, secrets.dnsClientSecret !== undefined));
    } else {
      config = {
        ...(parsed.data as object),
        stack,
        backupTargetSas:
          secrets.backupTargetSas === undefined ? undefined : new Secret(secrets.backupTargetSas),
      } as Config;
      problems.push(...checkBackupTarget(config as LocalConfig));
    }
  }
  if (problems.length > 0 || !config) throw new ConfigError(stack, problems);
  return { config, warnings };
}
