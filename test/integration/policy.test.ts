/**
 * The policy pack (policy/) through the real Pulumi engine: `pulumi preview --policy-pack policy`
 * loads the pack through our Node.js language host and
 *
 * 1. passes the real program on a `local` stack (every rule runs, nothing is reported);
 * 2. blocks a deliberately bad program: a tiny project generated into a temp folder that breaks
 *    every rule the local plugins can show (Kubernetes objects and a dynamic "cluster" resource),
 *    including a Secret fed from a plaintext config value, which passes once that config value is
 *    set with `--secret` (the pack sees which config keys are secret).
 *
 * The local program's config cannot express a violation: config validation (config/) already
 * refuses every bad value the pack would catch (unpinned images, world-open SSH, 1 master without
 * the explicit opt-in), so the bad case is a program, not a config. Rules on Azure Stack and Azure
 * resources (SSH, Traffic Manager) need provider plugins that cannot run offline here; the unit
 * tests in test/policy/ (one file per rule) cover them.
 *
 * Measured with CLI v3.259.0: a mandatory violation makes `pulumi preview` exit 1 (older docs say
 * 5); advisory violations alone exit 0.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { KUBECONFIG, LocalStack, Result, ROOT, run, show } from "./harness";

const PACK = path.join(ROOT, "policy");
const MANDATORY_EXIT_CODE = 1;

/** A tiny Pulumi project in a temp folder that shares the repository's node_modules. */
class BadProgram {
  readonly dir = fs.mkdtempSync(path.join(os.tmpdir(), "ashk8s-policy-bad-"));

  constructor(
    readonly stack: string,
    readonly env: NodeJS.ProcessEnv,
  ) {
    fs.symlinkSync(path.join(ROOT, "node_modules"), path.join(this.dir, "node_modules"), "dir");
    fs.writeFileSync(
      path.join(this.dir, "Pulumi.yaml"),
      "name: policy-bad\nruntime:\n  name: nodejs\n  options:\n    typescript: false\nmain: index.js\n",
    );
    fs.writeFileSync(path.join(this.dir, "index.js"), BAD_PROGRAM);
  }

  pulumi(...args: string[]): Result {
    return run(
      "pulumi",
      [...args, "--stack", this.stack, "--cwd", this.dir, "--non-interactive"],
      this.env,
    );
  }

  dispose(): void {
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}

/**
 * Breaks the rules; `adminPassword` comes from config, secret or not. With `advisoryOnly`, only the
 * cluster stand-in is created, with 3 masters and a 1-node pool: only the advisory rule fails.
 */
const BAD_PROGRAM = `
const fs = require("node:fs");
const pulumi = require("@pulumi/pulumi");
const k8s = require("@pulumi/kubernetes");

const config = new pulumi.Config();
const advisoryOnly = config.getBoolean("advisoryOnly") ?? false;

// masters-three-or-five (mandatory) and workers-at-least-three (advisory) read the inputs of any
// resource shaped like the AKS engine cluster resource: spec.masterCount and spec.pools.
const noop = { create: async () => ({ id: "cluster", outs: {} }) };
new pulumi.dynamic.Resource(noop, "cluster", {
  spec: {
    masterCount: advisoryOnly ? 3 : 1,
    pools: [{ name: "linuxpool", count: 1, vmSize: "Standard_DS2_v2" }],
  },
});

function breakTheKubernetesRules() {
  const provider = new k8s.Provider("k8s", {
    kubeconfig: pulumi.secret(fs.readFileSync(${JSON.stringify(KUBECONFIG)}, "utf8")),
  });
  const opts = { provider };
  const metadata = (name) => ({ name, namespace: "policy-bad" });

  // images-pinned (no tag) and containers-have-requests-and-limits (none).
  new k8s.apps.v1.Deployment("web", {
    metadata: metadata("web"),
    spec: {
      selector: { matchLabels: { app: "web" } },
      template: {
        metadata: { labels: { app: "web" } },
        spec: { containers: [{ name: "web", image: "nginx" }] },
      },
    },
  }, opts);

  // one-load-balancer-per-stack: two of them.
  for (const name of ["lb-one", "lb-two"]) {
    new k8s.core.v1.Service(name, {
      metadata: metadata(name),
      spec: { type: "LoadBalancer", selector: { app: "web" }, ports: [{ port: 80 }] },
    }, opts);
  }

  // no-plaintext-secrets: a credential in a ConfigMap, and a Secret fed from config.
  new k8s.core.v1.ConfigMap("settings", {
    metadata: metadata("settings"),
    data: { "db-password": "hunter2-in-a-configmap" },
  }, opts);
  new k8s.core.v1.Secret("admin", {
    metadata: metadata("admin"),
    stringData: { "admin-password": config.require("adminPassword") },
  }, opts);
}

if (!advisoryOnly) breakTheKubernetesRules();
`;

const local = new LocalStack("it-policy");
const bad = new BadProgram("it-policy-bad", local.env());

beforeAll(() => {
  local.init();
  const init = bad.pulumi("stack", "init", "--secrets-provider", "passphrase");
  if (init.code !== 0) throw new Error(`stack init of the bad program failed:\n${show(init)}`);
});
afterAll(() => {
  bad.dispose();
  local.dispose();
});

const output = (r: Result) => `${r.stdout}\n${r.stderr}`;

describe("the pack on the real program", () => {
  test("preview of the local stack loads the pack and reports nothing", () => {
    const preview = local.pulumi("preview", "--policy-pack", PACK);
    expect({ code: preview.code, output: preview.code === 0 ? "" : show(preview) }).toEqual({
      code: 0,
      output: "",
    });
    // The CLI lists the pack it ran and marks it passed.
    expect(preview.stdout).toMatch(
      /Policies:\s*\n\s*✅ ash-ha-kubernetes@v0\.1\.0 \(local: .*policy\)/,
    );
    expect(output(preview)).not.toMatch(/mandatory|advisory/);
  });
});

describe("the pack on a deliberately bad program", () => {
  let preview: Result;

  beforeAll(() => {
    const set = bad.pulumi("config", "set", "adminPassword", "plaintext-admin-password");
    if (set.code !== 0) throw new Error(show(set));
    preview = bad.pulumi("preview", "--policy-pack", PACK);
  });

  test(`exits ${MANDATORY_EXIT_CODE} (CLI v3.259.0; older docs say 5) and marks the pack failed`, () => {
    expect({
      code: preview.code,
      tail: preview.code === MANDATORY_EXIT_CODE ? "" : show(preview),
    }).toEqual({ code: MANDATORY_EXIT_CODE, tail: "" });
    expect(preview.stdout).toMatch(/❌ ash-ha-kubernetes@v0\.1\.0/);
  });

  test.each([
    ["images-pinned", 'container "web" image "nginx" has no tag'],
    [
      "containers-have-requests-and-limits",
      'container "web" has no resources.requests.cpu / memory',
    ],
    ["one-load-balancer-per-stack", "This stack exposes 2 load balancers"],
    ["no-plaintext-secrets", 'key "db-password" looks like a credential'],
    ["no-plaintext-secrets", 'holds the plaintext config value of "policy-bad:adminPassword"'],
    ["masters-three-or-five", "has 1 masters"],
  ])("mandatory %s: %s", (rule, text) => {
    const out = output(preview);
    expect(out).toContain(`[mandatory]  ${rule}`);
    expect(out).toContain(text);
  });

  test("advisory workers-at-least-three is reported but does not block on its own", () => {
    const out = output(preview);
    expect(out).toContain("[advisory]  workers-at-least-three");
    expect(out).toContain('pool "linuxpool" has 1 workers');
  });

  test("the same value set with --secret is no longer reported", () => {
    const set = run(
      "pulumi",
      [
        "config",
        "set",
        "--secret",
        "adminPassword",
        "--stack",
        bad.stack,
        "--cwd",
        bad.dir,
        "--non-interactive",
        "--",
        "plaintext-admin-password",
      ],
      bad.env,
    );
    expect(set.code).toBe(0);
    const again = bad.pulumi("preview", "--policy-pack", PACK);
    expect(again.code).toBe(MANDATORY_EXIT_CODE);
    expect(output(again)).not.toContain("holds the plaintext config value");
    expect(output(again)).toContain("[mandatory]  images-pinned");
  });

  test("advisory violations alone do not fail the preview (exit 0)", () => {
    const set = bad.pulumi("config", "set", "advisoryOnly", "true");
    expect(set.code).toBe(0);
    const advisory = bad.pulumi("preview", "--policy-pack", PACK);
    expect({ code: advisory.code, output: advisory.code === 0 ? "" : show(advisory) }).toEqual({
      code: 0,
      output: "",
    });
    expect(output(advisory)).toContain("[advisory]  workers-at-least-three");
    expect(output(advisory)).not.toContain("[mandatory]");
  });
});
