/**
 * no-plaintext-secrets: Kubernetes Secrets carry no plaintext config value or default password;
 * ConfigMaps carry no credential.
 */
import type {
  ReportViolation,
  ResourceValidationArgs,
  ResourceValidationPolicy,
} from "@pulumi/policy";
import { isObject, known, parseJson, Props, workload } from "./helpers";

export const SECRET_TYPE = "kubernetes:core/v1:Secret";
export const CONFIGMAP_TYPE = "kubernetes:core/v1:ConfigMap";

/** Keys that name a credential (password, token, client secret, private key, connection string). */
export const CREDENTIAL_KEY =
  /(pass(word|wd)?|secret|token|api[-_.]?key|access[-_.]?key|private[-_.]?key|credential|connection[-_.]?string|(^|[-_.])(uri|dsn|pwd)$)/i;

/** Default passwords seen in charts and tutorials (the reference chart shipped admin/password). */
export const WELL_KNOWN_PASSWORDS = [
  "password",
  "passw0rd",
  "p@ssw0rd",
  "admin",
  "root",
  "changeme",
  "change-me",
  "secret",
  "123456",
  "12345678",
  "test",
  "mongo",
  "mongodb",
];

/** `scheme://user:password@host`: a URL that carries a password. */
const URL_WITH_PASSWORD = /[a-z][a-z0-9+.-]*:\/\/[^\s/:@]+:[^\s/@]+@/i;

/**
 * The stack's plaintext (non-secret) config values, as the policy host passes them to the pack:
 * `PULUMI_CONFIG` (JSON map of `<namespace>:<key>` to text) minus the keys listed in
 * `PULUMI_CONFIG_SECRET_KEYS`. Objects are searched for their string leaves. Values shorter than
 * 4 characters are ignored (too many false matches).
 */
export function plaintextConfigValues(env: NodeJS.ProcessEnv = process.env): Map<string, string> {
  const out = new Map<string, string>();
  let config: unknown;
  let secretKeys: unknown;
  try {
    config = JSON.parse(env.PULUMI_CONFIG ?? "{}");
    secretKeys = JSON.parse(env.PULUMI_CONFIG_SECRET_KEYS ?? "[]");
  } catch {
    return out;
  }
  if (!isObject(config)) return out;
  const secret = new Set(Array.isArray(secretKeys) ? secretKeys : []);
  const leaves = (value: unknown, path: string) => {
    if (typeof value === "string") {
      if (value.length >= 4) out.set(value, path);
    } else if (Array.isArray(value)) {
      value.forEach((v, i) => leaves(v, `${path}[${i}]`));
    } else if (isObject(value)) {
      for (const [k, v] of Object.entries(value)) leaves(v, `${path}.${k}`);
    }
  };
  for (const [key, text] of Object.entries(config)) {
    if (secret.has(key) || typeof text !== "string") continue;
    const parsed = /^\s*[[{]/.test(text) ? (parseJson(text) ?? text) : text;
    leaves(parsed, key);
  }
  return out;
}

/**
 * The known string values of `field` by key, base64-decoded for a Secret's `data`. Values unknown
 * during preview are skipped: they are computed by another resource (e.g. a generated password),
 * so they did not come from plaintext config.
 */
function knownEntries(props: Props, field: string, base64 = false): [string, string][] {
  const map = known(() => props[field]);
  if (!isObject(map)) return [];
  const entries: [string, string][] = [];
  for (const key of Object.keys(map)) {
    const v = known(() => map[key]);
    if (typeof v === "string")
      entries.push([key, base64 ? Buffer.from(v, "base64").toString() : v]);
  }
  return entries;
}

/**
 * Builds the rule against a source of plaintext config values (tests pass their own; the pack
 * reads the stack's config from the environment the policy host sets).
 */
export function noPlaintextSecrets(
  configValues: () => Map<string, string> = plaintextConfigValues,
): ResourceValidationPolicy {
  return {
    name: "no-plaintext-secrets",
    description:
      "Kubernetes Secrets carry no plaintext config value or default password; ConfigMaps carry no credential.",
    enforcementLevel: "mandatory",
    validateResource: (args: ResourceValidationArgs, report: ReportViolation) => {
      if (args.type !== CONFIGMAP_TYPE && args.type !== SECRET_TYPE) return;
      const what = workload(args);
      if (args.type === CONFIGMAP_TYPE) {
        for (const [k, v] of knownEntries(args.props, "data")) {
          if (v === "") continue;
          if (CREDENTIAL_KEY.test(k)) {
            report(
              `${what}: key "${k}" looks like a credential, and ConfigMaps are stored and shown in ` +
                "clear. Put it in a Secret whose value comes from a secret config value or a generated password.",
            );
          } else if (URL_WITH_PASSWORD.test(v)) {
            report(
              `${what}: key "${k}" holds a URL with an embedded password; move it to a Secret.`,
            );
          }
        }
      } else if (args.type === SECRET_TYPE) {
        const plain = configValues();
        const entries = [
          ...knownEntries(args.props, "data", true),
          ...knownEntries(args.props, "stringData"),
        ];
        for (const [k, v] of entries.filter(([key]) => CREDENTIAL_KEY.test(key))) {
          const fromConfig = plain.get(v);
          if (fromConfig !== undefined) {
            report(
              `${what}: key "${k}" holds the plaintext config value of "${fromConfig}"; set that key ` +
                "with `pulumi config set --secret` so it is encrypted in the stack file and state.",
            );
          } else if (WELL_KNOWN_PASSWORDS.includes(v.toLowerCase())) {
            report(
              `${what}: key "${k}" holds a well-known default password; generate one ` +
                "(providers/generatedPassword.ts) or take it from a secret config value.",
            );
          }
        }
      }
    },
  };
}
