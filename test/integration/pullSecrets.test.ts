/**
 * `app.imagePullSecret` through the real Pulumi CLI and engine on the local control plane: set the
 * way the docs say (`pulumi config set --secret --path ... < config.json`), the stack file holds it
 * encrypted, the cluster gets a `kubernetes.io/dockerconfigjson` Secret with exactly that content,
 * every app pod references it, a second preview is clean, and neither the exported state nor the
 * CLI's automatic logs ($PULUMI_HOME/logs) ever hold it in plaintext.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import { kubectlJson, LocalStack, pulumiLogsSince, ROOT, show, waitFor } from "./harness";

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Any = any;

const stack = new LocalStack("it-pull");
const suiteStarted = Date.now();
const ns = stack.namespace;
const PASSWORD = "pull-pw-never-in-plaintext-7f3a";
const AUTH = Buffer.from(`robot:${PASSWORD}`).toString("base64");
const DOCKER_CONFIG = JSON.stringify({ auths: { "registry.fabrikam.de": { auth: AUTH } } });

beforeAll(() => stack.init());
afterAll(() => {
  stack.pulumi("destroy", "--yes", "--skip-preview");
  stack.dispose();
});

const PLAINTEXT_REFUSED =
  "app.imagePullSecret: is stored in plaintext; set it with `pulumi config set --secret --path app.imagePullSecret < config.json` so it is encrypted";

/** `pulumi config set <flags> --path app.imagePullSecret` with the value on stdin. */
const configSet = (flags: string[], value: string) =>
  spawnSync(
    "pulumi",
    ["config", "set", ...flags, "--path", "app.imagePullSecret"].concat([
      "--stack",
      stack.stack,
      "--non-interactive",
    ]),
    { cwd: ROOT, env: stack.env(), input: value, encoding: "utf8" },
  );

test("pulumi config set --secret --path reads it from stdin and stores it encrypted", () => {
  const r = configSet(["--secret"], DOCKER_CONFIG);
  expect({ code: r.status, stderr: r.stderr }).toEqual({ code: 0, stderr: "" });
  const file = fs.readFileSync(stack.configFile, "utf8");
  expect(file).toContain("imagePullSecret:");
  expect(file).toContain("secure:");
  expect(file).not.toContain(AUTH);
  expect(file).not.toContain(PASSWORD);
});

test("pulumi up creates the pull Secret and every app pod references it", async () => {
  const up = stack.pulumi("up", "--yes", "--skip-preview");
  expect({ code: up.code, output: up.code === 0 ? "" : show(up) }).toEqual({ code: 0, output: "" });
  expect(up.stdout + up.stderr).not.toContain(PASSWORD);

  const secret = kubectlJson<Any>(["-n", ns, "get", "secret", "image-pull-secret"]);
  expect(secret.type).toBe("kubernetes.io/dockerconfigjson");
  expect(Buffer.from(secret.data[".dockerconfigjson"], "base64").toString()).toBe(DOCKER_CONFIG);

  const workloads = [
    ...kubectlJson<Any>(["-n", ns, "get", "deployments"]).items,
    ...kubectlJson<Any>(["-n", ns, "get", "statefulsets"]).items,
  ];
  expect(workloads.map((w: Any) => w.metadata.name).sort()).toEqual([
    "ratings-api",
    "ratings-mongodb",
    "ratings-web",
  ]);
  for (const w of workloads) {
    expect({ w: w.metadata.name, refs: w.spec.template.spec.imagePullSecrets }).toEqual({
      w: w.metadata.name,
      refs: [{ name: "image-pull-secret" }],
    });
  }
  // The pods themselves (KWOK runs them as simulated pods) carry the reference.
  await waitFor("4 app pods", () => kubectlJson<Any>(["-n", ns, "get", "pods"]).items.length >= 4);
  for (const p of kubectlJson<Any>(["-n", ns, "get", "pods"]).items) {
    expect({ pod: p.metadata.name, refs: p.spec.imagePullSecrets }).toEqual({
      pod: p.metadata.name,
      refs: [{ name: "image-pull-secret" }],
    });
  }
});

test("a second preview shows no changes", () => {
  const preview = stack.pulumi("preview", "--expect-no-changes");
  expect({ code: preview.code, output: preview.code === 0 ? "" : show(preview) }).toEqual({
    code: 0,
    output: "",
  });
});

test("the exported state and the stack outputs hold no plaintext of it", () => {
  const exported = stack.pulumi("stack", "export");
  expect(exported.code).toBe(0);
  expect(exported.stdout).toContain("image-pull-secret");
  for (const plain of [PASSWORD, AUTH, DOCKER_CONFIG]) {
    expect(exported.stdout.includes(plain)).toBe(false);
  }
  const outputs = stack.pulumi("stack", "output", "--json");
  expect(outputs.stdout).not.toContain(AUTH);
});

test("the CLI's automatic logs of these commands hold no plaintext of it", () => {
  // Before the next test, which stores it in plaintext on purpose.
  const logs = pulumiLogsSince(suiteStarted - 1000);
  expect(logs.length).toBeGreaterThanOrEqual(4); // config set, up, preview, export at least
  expect(logs.some((l) => l.encrypted)).toBe(true); // the stack's operations: encrypted
  expect(logs.some((l) => !l.encrypted && l.text.includes('"msg"'))).toBe(true); // gzip, read
  for (const { file, text } of logs) {
    for (const plain of [PASSWORD, AUTH, DOCKER_CONFIG]) {
      expect({ file, holds: text.includes(plain) }).toEqual({ file, holds: false });
    }
  }
});

test("a plaintext pull secret is refused before anything changes, naming the key", () => {
  const config = fs.readFileSync(stack.configFile, "utf8");
  try {
    // The mistake an operator could make: the same command without --secret.
    const set = configSet(["--plaintext"], DOCKER_CONFIG);
    expect({ code: set.status, stderr: set.stderr }).toEqual({ code: 0, stderr: "" });
    expect(fs.readFileSync(stack.configFile, "utf8")).toContain(AUTH);
    const preview = stack.pulumi("preview");
    const output = preview.stdout + preview.stderr;
    expect({ code: preview.code, refused: output.includes(PLAINTEXT_REFUSED) }).toEqual({
      code: 1,
      refused: true,
    });
    expect(output).not.toContain(AUTH);
    expect(output).not.toMatch(/kubernetes:\S+ +(create|update|delete|replace)/);
  } finally {
    fs.writeFileSync(stack.configFile, config);
  }
});
