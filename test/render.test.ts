/**
 * `npm run render`: the reviewable artefacts of the example stacks, written without cloud access
 * or secrets. Every test renders into its own temporary directory (never the repository's out/)
 * and reads back what it asserts.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { parse } from "yaml";
import { type ApiModel, SECRET_PLACEHOLDER } from "../lib/apiModel";
import { ngfValues } from "../lib/ingress";
import { kuredValues } from "../lib/nodeReboots";
import { PLACEHOLDER_DOCKER_CONFIG, withPullSecret } from "../lib/pullSecrets";
import {
  clusterSpecOfApiModel,
  DEFAULT_OUT_DIR,
  parseArgs,
  preflightReport,
  render,
  SSH_KEY_MARKER,
} from "../scripts/render";
import { ROOT } from "./stackFiles";
import { stampConfig } from "./stampConfigs";

let tmp: string;
beforeEach(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), "ashk8s-render-"));
});
afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

const read = (stack: string, file: string) => fs.readFileSync(path.join(tmp, stack, file), "utf8");
const files = (stack: string) => fs.readdirSync(path.join(tmp, stack)).sort();

/** The `secure:` values of a stack file, nested ones included: none may reach a rendered file. */
function secureValues(stack: string): string[] {
  const doc = parse(fs.readFileSync(path.join(ROOT, `Pulumi.${stack}.yaml`), "utf8"));
  const found: string[] = [];
  const walk = (v: unknown): void => {
    if (!v || typeof v !== "object") return;
    if ("secure" in v && typeof v.secure === "string") found.push(v.secure);
    else Object.values(v).forEach(walk);
  };
  walk(doc.config);
  return found;
}

describe.each(["seattle", "munich"] as const)("%s", (stack) => {
  const config = stampConfig(stack);

  test("writes exactly the reviewable files and returns their paths", () => {
    const written = render(stack, tmp);
    const expected = [
      "apimodel.json",
      "cloud-init.yaml",
      "plan.md",
      "preflight.md",
      "values-fluent-bit.json",
      // kured on connected stamps only (seattle; munich is disconnected)
      ...(config.azureStack.disconnected ? [] : ["values-kured.json"]),
      "values-nginx-gateway-fabric.json",
    ];
    expect(config.monitoring.mode).toBe("fluentBit");
    expect(files(stack)).toEqual(expected);
    expect([...written].sort()).toEqual(expected.map((f) => path.join(tmp, stack, f)));
  });

  test("no secret of the stack file and no key material in any file; placeholders instead", () => {
    render(stack, tmp);
    const secrets = secureValues(stack);
    expect(secrets.length).toBeGreaterThanOrEqual(2);
    for (const file of files(stack)) {
      const text = read(stack, file);
      for (const s of [...secrets, PLACEHOLDER_DOCKER_CONFIG])
        expect({ file, leaks: text.includes(s) }).toEqual({ file, leaks: false });
      expect({ file, text }).toEqual({
        file,
        text: expect.not.stringMatching(/PRIVATE KEY|BEGIN CERTIFICATE|\[secret\]/),
      });
    }
    const model = read(stack, "apimodel.json");
    expect(JSON.parse(model).properties.servicePrincipalProfile.secret).toBe(SECRET_PLACEHOLDER);
    expect(model.split(SECRET_PLACEHOLDER)).toHaveLength(2); // there and nowhere else
    expect(JSON.parse(model).properties.linuxProfile.ssh.publicKeys).toEqual([
      { keyData: SSH_KEY_MARKER },
    ]);
    // The log agent's client secret is an environment reference filled from a Kubernetes Secret.
    const fluentBit = read(stack, "values-fluent-bit.json");
    expect(fluentBit).toContain("${AZ_CLIENT_SECRET}");
    expect(fluentBit).toContain("<from the global stack: logsIngestionRuleId>");
  });

  test("the cluster definition carries the stack's cluster config", () => {
    render(stack, tmp);
    const model = JSON.parse(read(stack, "apimodel.json"));
    expect(model.location).toBe(stack);
    expect(model.location).toBe(config.azureStack.location);
    expect(clusterSpecOfApiModel(model)).toEqual({
      location: config.azureStack.location,
      dnsPrefix: config.cluster.dnsPrefix,
      masterCount: config.cluster.masterCount,
      kubernetesVersion: config.cluster.kubernetesVersion,
      networkPlugin: config.cluster.networkPlugin,
      pools: config.cluster.pools.map(({ name, count, vmSize }) => ({ name, count, vmSize })),
    });
    expect(model.properties.orchestratorProfile.orchestratorRelease).toBe(
      config.cluster.kubernetesVersion.split(".").slice(0, 2).join("."),
    );
    expect(model.properties.servicePrincipalProfile.clientId).toBe(config.azureStack.clientId);
  });

  test("cloud-init pins the helper's downloads; the Helm values follow the ingress config", () => {
    render(stack, tmp);
    const cloudInit = read(stack, "cloud-init.yaml");
    expect(cloudInit).toMatch(/^#cloud-config\n/);
    for (const d of [config.helperVm.aksEngine, config.helperVm.kubectl]) {
      expect(cloudInit).toContain(d.url);
      expect(cloudInit).toContain(d.sha256);
    }
    const ngf = JSON.parse(read(stack, "values-nginx-gateway-fabric.json"));
    const pull = config.ingress.imagePullSecret ? "image-pull-secret" : undefined;
    expect(ngf).toEqual(withPullSecret("nginx-gateway-fabric", ngfValues(config.ingress), pull));
    // munich sets ingress.imagePullSecret: its values name the Secret, never its content.
    expect(ngf.nginx.imagePullSecret).toBe(stack === "munich" ? "image-pull-secret" : undefined);
    expect(ngf.nginxGateway.image.tag).toBe(config.ingress.chartVersion);
    expect(ngf.nginx.image.tag).toBe(config.ingress.chartVersion);
    expect(ngf.nginx.service.type).toBe("LoadBalancer");
    if (!config.azureStack.disconnected) {
      const kured = JSON.parse(read(stack, "values-kured.json"));
      expect(kured).toEqual(kuredValues(config.nodeReboots, config.name));
      expect(kured.configuration.concurrency).toBe(1);
    }
  });

  test("a first render plans a deploy; a second one in the same directory plans nothing", () => {
    render(stack, tmp);
    expect(read(stack, "plan.md")).toBe(
      `# ${stack}: cluster plan against the previous render (none: first deploy)\n\n` +
        "- deploy the cluster (aks-engine-azurestack deploy)\n",
    );
    render(stack, tmp);
    expect(read(stack, "plan.md")).toBe(
      `# ${stack}: cluster plan against the previous render\n\n- no cluster action\n`,
    );
  });
});

test("the plan is made against the previous render: upgrade and scale, or a refusal", () => {
  const config = stampConfig("seattle");
  const [major, minor] = config.cluster.kubernetesVersion.split(".").map(Number);
  const previousVersion = `${major}.${minor - 1}.0`;
  const pool = config.cluster.pools[0];
  const editPrevious = (edit: (m: ApiModel) => void) => {
    const file = path.join(tmp, "seattle", "apimodel.json");
    const model = JSON.parse(fs.readFileSync(file, "utf8"));
    edit(model);
    fs.writeFileSync(file, JSON.stringify(model));
  };
  render("seattle", tmp);
  editPrevious((m) => {
    m.properties.orchestratorProfile.orchestratorVersion = previousVersion;
    m.properties.agentPoolProfiles[0].count = pool.count + 2;
  });
  render("seattle", tmp);
  expect(read("seattle", "plan.md")).toBe(
    "# seattle: cluster plan against the previous render\n\n" +
      `- upgrade to ${config.cluster.kubernetesVersion}: Kubernetes ${previousVersion} -> ` +
      `${config.cluster.kubernetesVersion} (aks-engine-azurestack upgrade)\n` +
      `- scale pool ${pool.name} from ${pool.count + 2} to ${pool.count} nodes (aks-engine-azurestack scale)\n`,
  );
  editPrevious((m) => {
    m.properties.masterProfile.count = 5;
  });
  render("seattle", tmp);
  expect(read("seattle", "plan.md")).toBe(
    "# seattle: cluster plan against the previous render\n\n" +
      `- REFUSED: cluster.masterCount: 5 -> ${config.cluster.masterCount} cannot change in place; ` +
      `aks-engine cannot add or remove masters of a deployed cluster (keep 5)\n`,
  );
  editPrevious((m) => {
    m.properties.masterProfile.count = config.cluster.masterCount;
    m.properties.masterProfile.vmSize = "Standard_F16s_v2";
  });
  render("seattle", tmp);
  expect(read("seattle", "plan.md")).toBe(
    "# seattle: cluster plan against the previous render\n\n" +
      `- REFUSED: cluster.masterVmSize: "Standard_F16s_v2" -> "${config.cluster.masterVmSize}" cannot change in place; ` +
      "aks-engine cannot resize the masters of a deployed cluster; keep the old size, or deploy a new stamp stack " +
      "with the new value, move traffic to it, then retire this one\n",
  );
});

test("a global stack gets a note, not a cluster definition", () => {
  render("global", tmp);
  expect(files("global")).toEqual(["README.txt", "preflight.md"]);
  expect(read("global", "README.txt")).toBe(
    "Stack global is of kind global: no cluster definition or cloud-init to render.\n",
  );
});

test.each<[string[], ReturnType<typeof parseArgs>]>([
  [["seattle"], { stacks: ["seattle"], outDir: path.join(ROOT, "out") }],
  [["seattle", "munich"], { stacks: ["seattle", "munich"], outDir: DEFAULT_OUT_DIR }],
  [["--out", "/tmp/x", "seattle"], { stacks: ["seattle"], outDir: "/tmp/x" }],
  [["seattle", "--out=/tmp/y"], { stacks: ["seattle"], outDir: "/tmp/y" }],
  [["seattle", "--out"], "--out needs a directory"],
  [["--verbose", "seattle"], "unknown option --verbose"],
  [[], "no stack given"],
])("command line %j", (args, parsed) => {
  expect(parseArgs(args)).toEqual(parsed);
});

describe("the script", () => {
  const run = (...args: string[]) =>
    spawnSync(process.execPath, ["-r", "./scripts/ts-register.js", "scripts/render.ts", ...args], {
      cwd: ROOT,
      encoding: "utf8",
    });

  test("--out writes there, says what it wrote and shows the offline pre-flight results", () => {
    const r = run("--out", tmp, "seattle");
    expect({ status: r.status, stderr: r.stderr }).toEqual({ status: 0, stderr: "" });
    const [wrote, report] = r.stdout.split(/\n(?=# seattle: pre-flight)/);
    expect(wrote.trim().split("\n")).toEqual(
      [
        "preflight.md",
        "apimodel.json",
        "cloud-init.yaml",
        "values-nginx-gateway-fabric.json",
        "values-fluent-bit.json",
        "values-kured.json",
        "plan.md",
      ].map((f) => `wrote ${path.join(tmp, "seattle", f)}`),
    );
    expect(report.trim()).toBe(read("seattle", "preflight.md").trim());
    expect(report).toMatch(
      /^- [A-Z]+ \[secretExpiry\] servicePrincipalSecretExpiresOn: 2027-05-31 /m,
    );
    expect(files("seattle")).toEqual([
      "apimodel.json",
      "cloud-init.yaml",
      "plan.md",
      "preflight.md",
      "values-fluent-bit.json",
      "values-kured.json",
      "values-nginx-gateway-fabric.json",
    ]);
  });

  test("an unknown stack is an error with exit code 1; no stack is a usage error (2)", () => {
    const unknown = run("--out", tmp, "nowhere");
    expect(unknown.status).toBe(1);
    expect(unknown.stderr).toBe("nowhere: no stack file Pulumi.nowhere.yaml\n");
    expect(fs.readdirSync(tmp)).toEqual([]);
    const none = run();
    expect(none.status).toBe(2);
    expect(none.stderr).toContain("no stack given\nusage: npm run render -- [--out <dir>] <stack>");
  });
});

describe("the offline pre-flight report (preflight.md)", () => {
  const TODAY = new Date("2026-11-28T10:00:00Z");

  test("a stamp: secret expiry computed, images and public IPs need the stamp, warn-only applied", () => {
    const config = {
      ...stampConfig("seattle"),
      servicePrincipalSecretExpiresOn: "2026-12-03",
      preflight: { warnOnly: ["secretExpiry" as const] },
    };
    expect(preflightReport(config, TODAY)).toBe(
      [
        "# seattle: pre-flight checks computed offline on 2026-11-28",
        "",
        "- WARN [secretExpiry] servicePrincipalSecretExpiresOn: 2026-12-03 is 5 day(s) away (the preview fails from 7 days before; once it expires the cluster's cloud provider can no longer manage load balancers and disks); create a new client secret for the app registration, then in one change run `pulumi config set --secret servicePrincipalSecret` (value from stdin) and `pulumi config set servicePrincipalSecretExpiresOn <its expiry date, YYYY-MM-DD>`, and deploy [warn-only: preflight.warnOnly lists secretExpiry]",
        "- NEEDS THE STAMP [images] helperVm.image: Canonical:0001-com-ubuntu-server-jammy:22_04-lts:latest (the helper VM's image)",
        "- NEEDS THE STAMP [images] cluster.kubernetesVersion: 1.34.4 needs microsoft-aks:aks:aks-engine-azurestack-ubuntu-2204:2026.139.1 (aks-engine-azurestack v0.85.0's aks-ubuntu-22.04 node image)",
        "- NEEDS THE STAMP [publicIps] azureStack.publicIpLimit: 50 (the default quota): the subscription's public IPs + up to 3 this stack adds (helper VM, cluster API load balancer, gateway load balancer)",
        "",
        "Warn-only on this stack (preflight.warnOnly): secretExpiry.",
        "",
      ].join("\n"),
    );
  });

  test("render writes it for every kind, with the date it is given", () => {
    render("global", tmp, new Date("2027-08-20T00:00:00Z"));
    expect(read("global", "preflight.md")).toBe(
      "# global: pre-flight checks computed offline on 2027-08-20\n\n" +
        "- WARN [secretExpiry] logsIngestionClientSecretExpiresOn: 2027-08-31 is 11 day(s) away (the preview warns from 30 days before and fails from 7); create a new client secret for the app registration, then in one change run `pulumi config set --secret logsIngestionClientSecret` (value from stdin) and `pulumi config set logsIngestionClientSecretExpiresOn <its expiry date, YYYY-MM-DD>`, and deploy\n",
    );
    render("local", tmp, TODAY);
    expect(read("local", "preflight.md")).toBe(
      "# local: pre-flight checks computed offline on 2026-11-28\n\n- [secretExpiry] no expiry date in this stack's config\n",
    );
  });
});
