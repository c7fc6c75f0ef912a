/** no-plaintext-secrets (policy/rules/noPlaintextSecrets.ts). */
import * as rules from "../../policy/rules/noPlaintextSecrets";
import { proxy, violations } from "./support";

const config = new Map([["plaintext-db-password", "app:dbPassword"]]);
const rule = rules.noPlaintextSecrets(() => config);
const secret = (fields: Record<string, unknown>) => ({
  metadata: { name: "creds", namespace: "ratings" },
  type: "Opaque",
  ...fields,
});
const b64 = (s: string) => Buffer.from(s).toString("base64");

test.each([
  [
    "generated passwords",
    { stringData: { "root-password": "Zq4v8KfP2mX9sW3rT7yB1nC6", "root-username": "root" } },
  ],
  [
    "a secret config value (not in the plaintext list)",
    { stringData: { "db-password": "another-secret-value" } },
  ],
  [
    "a non-credential key holding a config value",
    { stringData: { namespace: "plaintext-db-password" } },
  ],
  ["values unknown during preview", { stringData: { "app-password": proxy.unknownStringValue } }],
])("Secret with %s passes", (_what, fields) => {
  expect(violations(rule, rules.SECRET_TYPE, secret(fields))).toEqual([]);
});

test.each([
  [
    "stringData",
    { stringData: { "db-password": "plaintext-db-password" } },
    'Secret creds: key "db-password" holds the plaintext config value of "app:dbPassword"; set that ' +
      "key with `pulumi config set --secret` so it is encrypted in the stack file and state.",
  ],
  [
    "data (base64)",
    { data: { "api-token": b64("plaintext-db-password") } },
    'Secret creds: key "api-token" holds the plaintext config value of "app:dbPassword"; set that ' +
      "key with `pulumi config set --secret` so it is encrypted in the stack file and state.",
  ],
  [
    "a default password",
    { stringData: { "mongodb-root-password": "Password" } },
    'Secret creds: key "mongodb-root-password" holds a well-known default password; generate one ' +
      "(providers/generatedPassword.ts) or take it from a secret config value.",
  ],
])("Secret with a plaintext value in %s fails", (_what, fields, message) => {
  expect(violations(rule, rules.SECRET_TYPE, secret(fields))).toEqual([message]);
});

test("ConfigMap: credential-looking keys and URLs with passwords fail, the rest passes", () => {
  const cm = (data: Record<string, string>) => ({ metadata: { name: "settings" }, data });
  expect(
    violations(
      rule,
      rules.CONFIGMAP_TYPE,
      cm({ "create-app-user.js": "db.createUser(...)", port: "3000" }),
    ),
  ).toEqual([]);
  expect(violations(rule, rules.CONFIGMAP_TYPE, cm({ MONGODB_PASSWORD: "x1" }))).toEqual([
    'ConfigMap settings: key "MONGODB_PASSWORD" looks like a credential, and ConfigMaps are ' +
      "stored and shown in clear. Put it in a Secret whose value comes from a secret config value " +
      "or a generated password.",
  ]);
  expect(
    violations(
      rule,
      rules.CONFIGMAP_TYPE,
      cm({ MONGO_URL: "mongodb://app:s3cret@mongo:27017/db" }),
    ),
  ).toEqual([
    'ConfigMap settings: key "MONGO_URL" holds a URL with an embedded password; move it to a Secret.',
  ]);
});

test("plaintext config values come from the policy host's environment, minus secret keys", () => {
  const values = rules.plaintextConfigValues({
    PULUMI_CONFIG: JSON.stringify({
      "app:dbPassword": "plaintext-db-password",
      "app:secretOne": "encrypted-in-the-stack-file",
      "app:nested": JSON.stringify({ mongo: { password: "nested-plaintext" }, list: ["abcd"] }),
      "app:short": "abc",
    }),
    PULUMI_CONFIG_SECRET_KEYS: JSON.stringify(["app:secretOne"]),
  });
  expect([...values.entries()].sort()).toEqual([
    ["abcd", "app:nested.list[0]"],
    ["nested-plaintext", "app:nested.mongo.password"],
    ["plaintext-db-password", "app:dbPassword"],
  ]);
  expect(rules.plaintextConfigValues({})).toEqual(new Map());
  expect(rules.plaintextConfigValues({ PULUMI_CONFIG: "not json" })).toEqual(new Map());
});
