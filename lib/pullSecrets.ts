/**
 * Image pull secrets of private registries, pure: the check of a docker config JSON (the value of
 * `app.imagePullSecret`, `ingress.imagePullSecret`, `monitoring.imagePullSecret`,
 * `nodeReboots.imagePullSecret`), the Kubernetes Secret it becomes, and where each pinned chart
 * takes the Secret's name in its values. No function here ever puts the secret's content into a
 * message. `components/imagePullSecret.ts` creates the Secret.
 *
 * Chart values keys, read in each chart at its pin:
 * - nginx-gateway-fabric 2.4.2: `nginxGateway.serviceAccount.imagePullSecret` (the control plane's
 *   ServiceAccount lists it, so its pods pull with it: templates/serviceaccount.yaml) and
 *   `nginx.imagePullSecret` (passed as `--nginx-docker-secret`; the control plane copies the
 *   Secret into each Gateway's namespace and lists it in the data plane pods:
 *   templates/deployment.yaml, internal/controller/provisioner/objects.go);
 * - fluent-bit 0.57.9: `imagePullSecrets`, a list of `{ name }` put into the pod spec as is
 *   (templates/_pod.tpl);
 * - kured 6.1.0: `image.pullSecrets`, a list of `{ name }` put into the pod spec as is
 *   (templates/daemonset.yaml);
 * - azuremonitor-containers 3.1.x: none (no template of the chart renders imagePullSecrets), so a
 *   pull secret with monitoring.mode containerInsights is refused by config validation.
 */

/** Name of the pull Secret in every namespace that gets one. */
export const PULL_SECRET_NAME = "image-pull-secret";

/** The Secret type and data key Kubernetes reads a docker config JSON from. */
export const DOCKER_CONFIG_JSON = {
  type: "kubernetes.io/dockerconfigjson",
  key: ".dockerconfigjson",
} as const;

/** The config sections that take an `imagePullSecret`. */
export const PULL_SECRET_SECTIONS = [
  "app",
  "ingress",
  "monitoring",
  "nodeReboots",
  "certificates",
] as const;
export type PullSecretSection = (typeof PULL_SECRET_SECTIONS)[number];

/** How to create a valid value, for the problems below. */
const HOW =
  "create one with `kubectl create secret docker-registry x --docker-server=<registry> --docker-username=<user> --docker-password-stdin --dry-run=client -o jsonpath='{.data.\\.dockerconfigjson}' | base64 -d`";

/** A registry key of `auths`: a host (optional port and path) or an https URL, nothing else. */
const REGISTRY_KEY =
  /^(https?:\/\/)?[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?(:\d{1,5})?(\/[\w./-]*)?$/;

const isObject = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === "object" && !Array.isArray(v);

/**
 * What is wrong with a docker config JSON (the text of `~/.docker/config.json` or of a Secret's
 * `.dockerconfigjson`), phrased to follow `<key>: [secret]`; undefined when it is usable. It must
 * be a JSON object whose `auths` maps at least one registry to credentials (`auth`, `username`
 * with `password`, or `identitytoken`). Credential helpers (`credsStore`, `credHelpers`) hold
 * nothing the kubelet can use. Never quotes the value.
 */
export function dockerConfigProblem(text: string): string | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return `must be a docker config JSON ({"auths": {"<registry>": {"auth": "<base64 user:password>"}}}) but is not JSON; ${HOW}`;
  }
  if (!isObject(parsed) || !isObject(parsed.auths)) {
    return `must be a docker config JSON with an "auths" object ({"auths": {"<registry>": {...}}}); ${HOW}`;
  }
  const registries = Object.entries(parsed.auths);
  if (registries.length === 0) {
    return `has an empty "auths" object (a config.json that delegates to a credential helper holds no credentials the kubelet can use); ${HOW}`;
  }
  for (const [registry, entry] of registries) {
    if (!REGISTRY_KEY.test(registry)) {
      return `has an "auths" key that is not a registry host (such as registry.contoso.com:5000); ${HOW}`;
    }
    const usable =
      isObject(entry) &&
      (nonEmptyString(entry.auth) ||
        nonEmptyString(entry.identitytoken) ||
        (nonEmptyString(entry.username) && nonEmptyString(entry.password)));
    if (!usable) {
      return `has a registry in "auths" without credentials (an "auth", "username" and "password", or "identitytoken" string); ${HOW}`;
    }
  }
  return undefined;
}

const nonEmptyString = (v: unknown) => typeof v === "string" && v.length > 0;

/** The charts that take a pull secret in their values. */
export type PullSecretChart = "nginx-gateway-fabric" | "fluent-bit" | "kured" | "cert-manager";

/** The values that make chart `chart` reference the pull Secret `name` (see the module comment). */
export function pullSecretValues(chart: PullSecretChart, name: string): Record<string, unknown> {
  switch (chart) {
    case "nginx-gateway-fabric":
      return {
        nginxGateway: { serviceAccount: { imagePullSecret: name } },
        nginx: { imagePullSecret: name },
      };
    case "fluent-bit":
      return { imagePullSecrets: [{ name }] };
    case "kured":
      return { image: { pullSecrets: [{ name }] } };
    case "cert-manager":
      // values.yaml `global.imagePullSecrets` at v1.21.1: every pod of the chart lists it.
      return { global: { imagePullSecrets: [{ name }] } };
  }
}

/**
 * Chart values with the pull Secret `name` merged in (objects merged key by key, anything else
 * replaced); `values` unchanged when `name` is undefined. Does not modify its arguments.
 */
export function withPullSecret<T extends Record<string, unknown>>(
  chart: PullSecretChart,
  values: T,
  name: string | undefined,
): T {
  return name ? (merge(values, pullSecretValues(chart, name)) as T) : values;
}

function merge(a: Record<string, unknown>, b: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...a };
  for (const [k, v] of Object.entries(b)) {
    const prev = out[k];
    out[k] = isObject(prev) && isObject(v) ? merge(prev, v) : v;
  }
  return out;
}

/**
 * A docker config JSON that passes `dockerConfigProblem` and holds no credential (registry
 * `registry.invalid`, user and password `placeholder`): what offline readers of a stack file
 * (tests, `npm run render`) put where the file has an encrypted `imagePullSecret`.
 */
export const PLACEHOLDER_DOCKER_CONFIG = JSON.stringify({
  auths: {
    "registry.invalid": { auth: Buffer.from("placeholder:placeholder").toString("base64") },
  },
});

/**
 * A stack file's value with every nested `{ secure: ... }` (a key set with
 * `pulumi config set --secret --path`) replaced by `placeholder`, and whether there was one: Pulumi
 * then treats the whole top-level key as secret.
 */
export function replaceNestedSecrets(
  value: unknown,
  placeholder: string,
): { value: unknown; secret: boolean } {
  if (Array.isArray(value)) {
    const items = value.map((v) => replaceNestedSecrets(v, placeholder));
    return { value: items.map((i) => i.value), secret: items.some((i) => i.secret) };
  }
  if (!isObject(value)) return { value, secret: false };
  if (Object.keys(value).length === 1 && "secure" in value)
    return { value: placeholder, secret: true };
  let secret = false;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    const r = replaceNestedSecrets(v, placeholder);
    out[k] = r.value;
    secret ||= r.secret;
  }
  return { value: out, secret };
}
