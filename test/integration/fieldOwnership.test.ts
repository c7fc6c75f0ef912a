/**
 * Field ownership through the real engine and the real Kubernetes provider: the program's
 * `forceOwnership` transform (lib/fieldOwnership.ts), set through `transforms` on a component as
 * stacks/ set it, reaches an object a Helm chart (`helm.v4.Chart`, a local test chart) renders,
 * which the old SDK-side `transformations` never saw. Proves: the chart's ConfigMap is registered
 * with `pulumi.com/patchForce: "true"` (stack export), and a field another manager took over with
 * `kubectl` is taken back by the next `pulumi up` instead of failing with a conflict.
 * Needs the local control plane (scripts/local-cluster.sh) and the built toolchain.
 */
import { spawnSync } from "node:child_process";
import * as crypto from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { PATCH_FORCE } from "../../lib/fieldOwnership";
import { KUBECONFIG, kubectl, kubectlJson, pulumiEnv, ROOT, show } from "./harness";

const PROGRAM = path.join(ROOT, "test/integration/programs/helm-field-ownership");
const STACK = "it-field-ownership";
const NAMESPACE = "it-field-ownership";
const CONFIGMAP = "owned-settings";
const backend = fs.mkdtempSync(path.join(os.tmpdir(), "ashk8s-it-ownership-"));
const env = pulumiEnv(backend, crypto.randomBytes(24).toString("hex"));

function pulumi(args: string[]) {
  const stackArgs = args[0] === "stack" && args[1] === "init" ? [] : ["--stack", STACK];
  const r = spawnSync("pulumi", [...args, ...stackArgs, "--non-interactive"], {
    cwd: PROGRAM,
    env,
    encoding: "utf8",
    maxBuffer: 64 * 1024 * 1024,
  });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}
const set = (key: string, value: string) => {
  const r = pulumi(["config", "set", `it:${key}`, value]);
  if (r.code !== 0) throw new Error(`config set ${key}: ${show(r)}`);
};
const greeting = () =>
  kubectlJson<{ data: Record<string, string> }>(["get", "configmap", CONFIGMAP, "-n", NAMESPACE])
    .data.greeting;

beforeAll(() => {
  const init = pulumi(["stack", "init", STACK, "--secrets-provider", "passphrase"]);
  if (init.code !== 0) throw new Error(show(init));
  set("namespace", NAMESPACE);
  set("kubeconfigPath", KUBECONFIG);
  set("greeting", "hello");
});

afterAll(() => {
  pulumi(["destroy", "--yes", "--skip-preview"]);
  fs.rmSync(backend, { recursive: true, force: true });
  fs.rmSync(path.join(PROGRAM, `Pulumi.${STACK}.yaml`), { force: true });
});

test("up registers the chart's ConfigMap with the patchForce annotation", () => {
  const up = pulumi(["up", "--yes", "--skip-preview"]);
  expect({ code: up.code, log: up.code === 0 ? "" : show(up) }).toEqual({ code: 0, log: "" });
  expect(greeting()).toBe("hello");

  const exported = pulumi(["stack", "export"]);
  expect(exported.code).toBe(0);
  const resources = JSON.parse(exported.stdout).deployment.resources as {
    type: string;
    urn: string;
    parent?: string;
    inputs?: { metadata?: { name?: string; annotations?: Record<string, string> } };
  }[];
  const configMap = resources.find(
    (r) => r.type === "kubernetes:core/v1:ConfigMap" && r.inputs?.metadata?.name === CONFIGMAP,
  );
  expect(configMap?.parent).toMatch(/kubernetes:helm.sh\/v4:Chart::owned$/);
  expect(configMap?.inputs?.metadata?.annotations?.[PATCH_FORCE]).toBe("true");
  // The chart itself is a component: no Kubernetes object, no annotation.
  const chart = resources.find((r) => r.type === "kubernetes:helm.sh/v4:Chart");
  expect(chart?.inputs?.metadata).toBeUndefined();
}, 600_000);

test("a field another manager took over is taken back by the next up", () => {
  const patched = kubectl([
    "patch",
    "configmap",
    CONFIGMAP,
    "-n",
    NAMESPACE,
    "--type=merge",
    "--field-manager=intruder",
    "-p",
    JSON.stringify({ data: { greeting: "edited out of band" } }),
  ]);
  expect(patched.code).toBe(0);
  expect(greeting()).toBe("edited out of band");

  set("greeting", "hello again");
  const up = pulumi(["up", "--yes", "--skip-preview"]);
  expect({ code: up.code, log: up.code === 0 ? "" : show(up) }).toEqual({ code: 0, log: "" });
  expect(greeting()).toBe("hello again");
}, 600_000);
