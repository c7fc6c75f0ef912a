/**
 * Least privilege in the cluster, through the real Pulumi engine on the local control plane (real
 * kube-apiserver with RBAC, ServiceAccount tokens from the real token controller): the admin run
 * bootstraps `viewer` and `deployer`; the viewer previews and checks drift and is refused `up`;
 * the deployer deploys the app and nothing outside its namespaces; switching identities never
 * makes the provider show a diff; tokens rotate; the state holds no admin credential.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { viewerRefreshExcludes } from "../../lib/clusterAccess";
import { ACCESS_TABLE, APP_NS, TABLE_STACK } from "../support/accessTable";
import { KUBECONFIG, kubectl, LocalStack, Result, ROOT, run, show, waitFor } from "./harness";

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Any = any;

const stack = new LocalStack(TABLE_STACK, { app: { apiReplicas: 2 } });
const creds = fs.mkdtempSync(path.join(os.tmpdir(), "ashk8s-access-"));
const file = (name: string) => path.join(creds, name);
const KUBECTL = path.join(ROOT, ".toolchain", "bin", "kubectl");

/** The Pulumi CLI on this stack with `kubeconfig` as the run's identity ($KUBECONFIG). */
function as(kubeconfig: string, ...args: string[]): Result {
  return run("pulumi", [...args, "--stack", stack.stack, "--non-interactive"], {
    ...stack.env(),
    KUBECONFIG: kubeconfig,
  });
}

/** kubectl with one identity's kubeconfig; never throws. */
function kubectlAs(kubeconfig: string, args: string[]): Result {
  return run(KUBECTL, ["--kubeconfig", kubeconfig, ...args]);
}

/** `npm run kubeconfig -- <stack> [flag] --out <file>`, as an operator or a pipeline runs it. */
function writeKubeconfig(out: string, ...flags: string[]): Result {
  return run("npm", ["run", "-s", "kubeconfig", "--", stack.stack, ...flags, "--out", out], {
    ...stack.env(),
    KUBECONFIG: "",
  });
}

const ok = (r: Result) => ({ code: r.code, output: r.code === 0 ? "" : show(r) });
const passed = { code: 0, output: "" };

function setApp(patch: Record<string, unknown>, key = "app"): void {
  const text = fs.readFileSync(stack.configFile, "utf8");
  const line = new RegExp(`^(  ash-ha-kubernetes:${key}: )(.*)$`, "m");
  const m = line.exec(text);
  const current = m ? JSON.parse(m[2]) : {};
  const next = `  ash-ha-kubernetes:${key}: ${JSON.stringify({ ...current, ...patch })}`;
  fs.writeFileSync(
    stack.configFile,
    m ? text.replace(line, next) : text.replace(/^config:\n/m, `config:\n${next}\n`),
  );
}

beforeAll(() => stack.init());
afterAll(() => {
  as(KUBECONFIG, "destroy", "--yes", "--skip-preview");
  stack.dispose();
  fs.rmSync(creds, { recursive: true, force: true });
});

describe("1. the admin run bootstraps the identities", () => {
  test("pulumi up as cluster-admin creates the app and both ServiceAccounts", () => {
    expect(ok(as(KUBECONFIG, "up", "--yes", "--skip-preview"))).toEqual(passed);
    const sas = kubectl(["-n", `ashk8s-access-${TABLE_STACK}`, "get", "sa", "-o", "name"]).stdout;
    expect(
      sas
        .split("\n")
        .filter((l) => /deployer|viewer/.test(l))
        .sort(),
    ).toEqual(["serviceaccount/deployer", "serviceaccount/viewer"]);
  });

  test("npm run kubeconfig writes the viewer (default) and deployer kubeconfigs, mode 0600", () => {
    expect(ok(writeKubeconfig(file("viewer")))).toEqual(passed);
    expect(ok(writeKubeconfig(file("deployer"), "--deployer"))).toEqual(passed);
    for (const [id, f] of [
      ["viewer", file("viewer")],
      ["deployer", file("deployer")],
    ]) {
      expect(fs.statSync(f).mode & 0o777).toBe(0o600);
      const who = kubectlAs(f, ["auth", "whoami", "-o", "json"]);
      expect(JSON.parse(who.stdout).status.userInfo.username).toBe(
        `system:serviceaccount:ashk8s-access-${TABLE_STACK}:${id}`,
      );
    }
  });
});

describe("2. the API server agrees with the table of lib/clusterAccess.ts", () => {
  // A SelfSubjectAccessReview with each identity's own token: the API server's RBAC answers.
  // (`kubectl auth can-i` cannot name a resource whose CRD is not installed, e.g. HTTPRoute here.)
  test.each(ACCESS_TABLE)("%s %j -> %s", (identity, req, allowed) => {
    const [resource, subresource] = req.resource.split("/");
    const review = {
      apiVersion: "authorization.k8s.io/v1",
      kind: "SelfSubjectAccessReview",
      spec: {
        resourceAttributes: {
          verb: req.verb,
          group: req.group,
          resource,
          subresource,
          namespace: req.namespace,
          name: req.name,
        },
      },
    };
    const r = spawnSync(
      KUBECTL,
      ["--kubeconfig", file(identity), "create", "-f", "-", "-o", "jsonpath={.status.allowed}"],
      { input: JSON.stringify(review), encoding: "utf8" },
    );
    expect(`${r.stdout} ${r.stderr}`.trim()).toBe(String(allowed));
  });
});

describe("3. the viewer previews and checks drift, and cannot change anything", () => {
  test("a preview of the unchanged stack shows no change, not even of the provider", () => {
    const r = as(file("viewer"), "preview", "--expect-no-changes", "--diff");
    expect(ok(r)).toEqual(passed);
    expect(r.stdout).not.toMatch(/to update|to create|to replace|to delete/);
  });

  test("the drift check passes with the stack's Secrets excluded, and is refused without", () => {
    const excludes = viewerRefreshExcludes(TABLE_STACK, "ash-ha-kubernetes").flatMap((x) => [
      "--exclude",
      x,
    ]);
    const drift = as(
      file("viewer"),
      "refresh",
      "--preview-only",
      "--expect-no-changes",
      ...excludes,
    );
    expect(ok(drift)).toEqual(passed);
    const all = as(file("viewer"), "refresh", "--preview-only", "--expect-no-changes");
    expect(all.code).not.toBe(0);
    expect(all.stdout + all.stderr).toMatch(/secrets "ratings-mongodb-credentials" is forbidden/);
  });

  test("npm run fleet -- drift --read-only runs the same check as the viewer", () => {
    const fleet = (...flags: string[]) =>
      run("npm", ["run", "-s", "fleet", "--", "drift", "--stacks", TABLE_STACK, ...flags], {
        ...stack.env(),
        KUBECONFIG: file("viewer"),
      });
    const readOnly = fleet("--read-only");
    expect(ok(readOnly)).toEqual(passed);
    const plain = fleet();
    expect(plain.code).not.toBe(0);
    expect(plain.stdout + plain.stderr).toMatch(/is forbidden/);
  });

  test("a change previews as exactly that update, and the viewer's up is refused by RBAC", () => {
    setApp({ apiReplicas: 3 });
    const preview = as(file("viewer"), "preview", "--diff");
    expect(ok(preview)).toEqual(passed);
    expect(preview.stdout).toMatch(/replicas: 2 => 3/);
    expect(preview.stdout).toMatch(/~ 1 to update/);
    const up = as(file("viewer"), "up", "--yes", "--skip-preview");
    expect(up.code).not.toBe(0);
    expect(up.stdout + up.stderr).toContain(
      `User "system:serviceaccount:ashk8s-access-${TABLE_STACK}:viewer" cannot patch resource "deployments"`,
    );
    const replicas = kubectl([
      "-n",
      APP_NS,
      "get",
      "deploy",
      "ratings-api",
      "-o",
      "jsonpath={.spec.replicas}",
    ]);
    expect(replicas.stdout).toBe("2");
  });
});

describe("4. the deployer deploys the app and nothing outside its namespaces", () => {
  test("up applies the change the viewer previewed", () => {
    const up = as(file("deployer"), "up", "--yes", "--skip-preview");
    expect(ok(up)).toEqual(passed);
    expect(up.stdout).toMatch(/~ 1 updated/);
    const replicas = kubectl([
      "-n",
      APP_NS,
      "get",
      "deploy",
      "ratings-api",
      "-o",
      "jsonpath={.spec.replicas}",
    ]);
    expect(replicas.stdout).toBe("3");
  });

  test("up --refresh recreates the app's objects deleted out of band", () => {
    kubectl(["-n", APP_NS, "delete", "deployment", "ratings-web", "--wait=true"]);
    kubectl(["-n", APP_NS, "delete", "service", "ratings-web"]);
    const up = as(file("deployer"), "up", "--refresh", "--yes", "--skip-preview");
    expect(ok(up)).toEqual(passed);
    expect(
      kubectl(["-n", APP_NS, "get", "deployment/ratings-web", "service/ratings-web"]).code,
    ).toBe(0);
  });

  test.each([
    ["a ConfigMap in kube-system", ["-n", "kube-system", "create", "configmap", "x"]],
    ["a ConfigMap in default", ["-n", "default", "create", "configmap", "x"]],
    ["a namespace", ["create", "namespace", "ashk8s-evil"]],
    ["a ClusterRole", ["create", "clusterrole", "x", "--verb=get", "--resource=pods"]],
    [
      "a Role in its own namespace",
      ["-n", APP_NS, "create", "role", "x", "--verb=get", "--resource=pods"],
    ],
    ["a label on kube-system", ["label", "namespace", "kube-system", "x=y"]],
  ])("creating %s is Forbidden", (_what, args) => {
    const r = kubectlAs(file("deployer"), args);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/forbidden/i);
    expect(r.stderr).toContain(`system:serviceaccount:ashk8s-access-${TABLE_STACK}:deployer`);
  });

  test("after the deployer's up, the viewer's preview is clean again", () => {
    expect(ok(as(file("viewer"), "preview", "--expect-no-changes"))).toEqual(passed);
  });
});

describe("5. identity checks, rotation and state", () => {
  test("a run without $KUBECONFIG or with another cluster's kubeconfig is refused before any read", () => {
    const none = as("", "preview");
    expect(none.code).not.toBe(0);
    expect(none.stdout + none.stderr).toContain("KUBECONFIG is not set");
    const other = file("other");
    const text = fs
      .readFileSync(file("viewer"), "utf8")
      .replace(/https:\/\/[^"]+/, "https://10.9.9.9:6443");
    fs.writeFileSync(other, text, { mode: 0o600 });
    const wrong = as(other, "preview");
    expect(wrong.code).not.toBe(0);
    expect(wrong.stdout + wrong.stderr).toContain(
      `reaches https://10.9.9.9:6443, but local.kubeconfigPath`,
    );
  });

  test("raising access.tokenGeneration is refused to the deployer; the admin run issues new tokens and revokes the old ones", async () => {
    setApp({ tokenGeneration: 2 }, "access");
    // Not the deployer's to do: it cannot touch the access objects.
    const byDeployer = as(file("deployer"), "up", "--yes", "--skip-preview");
    expect(byDeployer.code).not.toBe(0);
    expect(byDeployer.stdout + byDeployer.stderr).toMatch(
      new RegExp(
        `deployer" cannot (create|patch) resource "(secrets|roles)"[^\\n]*ashk8s-access-${TABLE_STACK}`,
      ),
    );
    expect(ok(as(KUBECONFIG, "up", "--yes", "--skip-preview"))).toEqual(passed);
    await waitFor(
      "the old viewer token to be refused",
      () =>
        /Unauthorized|must be logged in/.test(
          kubectlAs(file("viewer"), ["get", "ns", APP_NS]).stderr,
        ),
      30_000,
    );
    expect(ok(writeKubeconfig(file("viewer2")))).toEqual(passed);
    expect(kubectlAs(file("viewer2"), ["get", "ns", APP_NS]).code).toBe(0);
    expect(ok(as(file("viewer2"), "preview", "--expect-no-changes"))).toEqual(passed);
  });

  test("neither the export nor the outputs hold the admin kubeconfig's credentials", () => {
    const admin = fs.readFileSync(KUBECONFIG, "utf8");
    const secrets = ["client-key-data", "client-certificate-data", "token"]
      .map((k) => new RegExp(`^\\s*${k}: (\\S+)$`, "m").exec(admin)?.[1])
      .filter((v): v is string => v !== undefined);
    expect(secrets.length).toBeGreaterThan(0);
    // The decoded PEM bodies too (a line from the middle of each).
    const bodies = secrets.map((s) => Buffer.from(s, "base64").toString().split("\n")[3] ?? s);
    const exported = stack.pulumi("stack", "export", "--show-secrets");
    const outputs = stack.pulumi("stack", "output", "--show-secrets", "--json");
    expect(exported.code).toBe(0);
    expect(outputs.code).toBe(0);
    for (const needle of [...secrets, ...bodies, "PRIVATE KEY"]) {
      expect(exported.stdout.includes(needle)).toBe(false);
      expect(outputs.stdout.includes(needle)).toBe(false);
    }
    const providers = (JSON.parse(exported.stdout).deployment.resources as Any[]).filter((r) =>
      r.type.startsWith("pulumi:providers:kubernetes"),
    );
    expect(providers.map((p) => p.inputs.kubeconfig)).toEqual([""]);
  });
});
