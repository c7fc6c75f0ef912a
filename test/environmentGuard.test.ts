/**
 * pipelines/scripts/environment-guard.mjs, run as the pipelines run it (a real `node` process)
 * against a local HTTP test double of the two APIs it reads. The response shapes follow the
 * documented APIs (GitHub REST "Get an environment" / "List deployment branch policies"; Azure
 * DevOps "Environments - List", "Variablegroups - Get Variable Groups", "Queues - Get Agent Queues",
 * "Check Configurations - List" with the Approval and Branch control check ids used by microsoft/terraform-provider-azuredevops);
 * they are a double, not a recording of a real organisation (docs/pipelines.md says so).
 */
import { spawn } from "node:child_process";
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import * as path from "node:path";
import { ROOT } from "./stackFiles";

const SCRIPT = path.join(ROOT, "pipelines", "scripts", "environment-guard.mjs");
const TOKEN = "tok-3f9a1c";
const APPROVAL = { id: "8c6f20a7-a545-4486-9777-f762fafe0d4d", name: "Approval" };
const TASK = { id: "fe1de3ee-a436-41b4-bb20-f6eb4cb879a7", name: "Task Check" };
const BRANCH_REF = { id: "86b05a0c-73e6-4f7d-b3cf-e38f3b39a75b", name: "evaluatebranchProtection" };

/** Path (with query) -> [status, JSON body]. */
type Routes = Record<string, [number, unknown]>;

async function run(
  routes: Routes,
  args: string[],
  env: Record<string, string>,
): Promise<{ code: number | null; out: string; requests: { url: string; auth?: string }[] }> {
  const requests: { url: string; auth?: string }[] = [];
  const server = http.createServer((req, res) => {
    requests.push({ url: req.url!, auth: req.headers.authorization });
    const [status, body] = routes[req.url!] ?? [404, { message: "Not Found" }];
    res.writeHead(status, { "content-type": "application/json" });
    res.end(JSON.stringify(body));
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  try {
    const child = spawn(process.execPath, [SCRIPT, ...args], {
      env: {
        PATH: process.env.PATH,
        GITHUB_API_URL: base,
        GITHUB_REPOSITORY: "acme/infra",
        GITHUB_TOKEN: TOKEN,
        SYSTEM_COLLECTIONURI: `${base}/acme/`,
        SYSTEM_TEAMPROJECT: "Infra Platform",
        SYSTEM_ACCESSTOKEN: TOKEN,
        ...env,
      },
    });
    let out = "";
    child.stdout.on("data", (d) => (out += d));
    child.stderr.on("data", (d) => (out += d));
    const code = await new Promise<number | null>((r) => child.on("close", r));
    return { code, out, requests };
  } finally {
    await new Promise((r) => server.close(r));
  }
}

// ------------------------------------------------------------------------------------------------
// GitHub

const gh = (name: string) => `/repos/acme/infra/environments/${name}`;
const reviewers = {
  type: "required_reviewers",
  prevent_self_review: true,
  reviewers: [{ type: "Team", reviewer: { slug: "platform" } }],
};
const environment = (rules: unknown[], policy: unknown) => ({
  id: 1,
  name: "x",
  protection_rules: rules,
  deployment_branch_policy: policy,
});
const CUSTOM = { protected_branches: false, custom_branch_policies: true };
const branches = (...names: string[]) => ({
  total_count: names.length,
  branch_policies: names.map((name, id) => ({ id, name, type: "branch" })),
});

describe("environment-guard.mjs, GitHub", () => {
  const E = "ashk8s-munich";
  test.each<[string, string, Routes, number, string]>([
    [
      "deploy: reviewers and main only",
      "deploy",
      {
        [gh(E)]: [200, environment([reviewers], CUSTOM)],
        [`${gh(E)}/deployment-branch-policies?per_page=100`]: [200, branches("main")],
      },
      0,
      `${E}: protected for deploy`,
    ],
    [
      "deploy: protected branches only counts as restricted",
      "deploy",
      {
        [gh(E)]: [
          200,
          environment([reviewers], { protected_branches: true, custom_branch_policies: false }),
        ],
      },
      0,
      `${E}: protected for deploy`,
    ],
    [
      "deploy: no protection rules at all",
      "deploy",
      { [gh(E)]: [200, environment([], null)] },
      1,
      `::error title=Unprotected environment::refusing to deploy: environment ${E} has no required reviewers`,
    ],
    [
      "deploy: a wait timer is no reviewer",
      "deploy",
      { [gh(E)]: [200, environment([{ type: "wait_timer", wait_timer: 30 }], null)] },
      1,
      `environment ${E} has no required reviewers`,
    ],
    [
      "deploy: reviewers but every branch may deploy",
      "deploy",
      { [gh(E)]: [200, environment([reviewers], null)] },
      1,
      `environment ${E} accepts deployments from every branch`,
    ],
    [
      "deploy: custom policies besides main",
      "deploy",
      {
        [gh(E)]: [200, environment([reviewers], CUSTOM)],
        [`${gh(E)}/deployment-branch-policies?per_page=100`]: [200, branches("main", "release/*")],
      },
      1,
      "its branch policies are [branch release/*]",
    ],
    [
      "deploy: custom policies but none listed",
      "deploy",
      {
        [gh(E)]: [200, environment([reviewers], CUSTOM)],
        [`${gh(E)}/deployment-branch-policies?per_page=100`]: [200, branches()],
      },
      1,
      `environment ${E} must accept deployments from the branch main only`,
    ],
    [
      "deploy: the environment does not exist (GitHub would create it unprotected)",
      "deploy",
      {},
      1,
      `environment ${E} does not exist`,
    ],
    [
      "deploy: the token may not read environments (fails closed)",
      "deploy",
      { [gh(E)]: [403, { message: "Resource not accessible by integration" }] },
      2,
      "answered 403",
    ],
    [
      "preview: reviewers, any branch",
      "preview",
      { [gh(`${E}-preview`)]: [200, environment([reviewers], null)] },
      0,
      `${E}-preview: protected for preview`,
    ],
    [
      "preview: no reviewers",
      "preview",
      { [gh(`${E}-preview`)]: [200, environment([], CUSTOM)] },
      1,
      `refusing to preview: environment ${E}-preview has no required reviewers`,
    ],
    [
      "drift: main only, no reviewers needed",
      "drift",
      {
        [gh(`${E}-drift`)]: [200, environment([], CUSTOM)],
        [`${gh(`${E}-drift`)}/deployment-branch-policies?per_page=100`]: [200, branches("main")],
      },
      0,
      `${E}-drift: protected for drift`,
    ],
    [
      "drift: every branch may run it",
      "drift",
      { [gh(`${E}-drift`)]: [200, environment([reviewers], null)] },
      1,
      `environment ${E}-drift accepts deployments from every branch`,
    ],
  ])("%s", async (_what, role, routes, code, message) => {
    const r = await run(routes, ["github", role], {
      MATRIX: JSON.stringify([{ stack: "munich", environment: E, runner: E, kind: "stamp" }]),
    });
    expect({ code: r.code, out: r.out }).toEqual({ code, out: expect.stringContaining(message) });
    expect(r.out).not.toContain(TOKEN);
    for (const req of r.requests) expect(req.auth).toBe(`Bearer ${TOKEN}`);
  });

  test("checks every stack of the matrix and reports each unprotected one", async () => {
    const r = await run(
      {
        [gh("ashk8s-global")]: [200, environment([reviewers], { protected_branches: true })],
        [gh("ashk8s-seattle")]: [200, environment([], null)],
      },
      ["github", "deploy"],
      {
        MATRIX: JSON.stringify([
          { environment: "ashk8s-global" },
          { environment: "ashk8s-seattle" },
          { environment: "ashk8s-munich" },
        ]),
      },
    );
    expect(r.code).toBe(1);
    expect(r.out).toContain("ashk8s-global: protected for deploy");
    expect(r.out).toContain("environment ashk8s-seattle has no required reviewers");
    expect(r.out).toContain("environment ashk8s-seattle accepts deployments from every branch");
    expect(r.out).toContain("environment ashk8s-munich does not exist");
  });

  test.each<[string, string[], Record<string, string>, string]>([
    ["a name that walks the URL path", ["github", "deploy", "../../admin"], {}, "is not lowercase"],
    ["a name with a query", ["github", "deploy", "ashk8s-x?per_page=1"], {}, "is not lowercase"],
    ["an empty matrix", ["github", "deploy"], { MATRIX: "[]" }, "MATRIX holds no stacks"],
    ["no matrix", ["github", "deploy"], {}, "MATRIX is not set"],
    ["a matrix that is not JSON", ["github", "deploy"], { MATRIX: "[{" }, "MATRIX is not JSON"],
    [
      "a matrix entry with a hostile name",
      ["github", "preview"],
      { MATRIX: '[{"environment":"x/../../y"}]' },
      'environment name "x/../../y-preview" is not lowercase',
    ],
    ["an unknown role", ["github", "destroy", "ashk8s-x"], {}, "usage:"],
    ["an unknown flavour", ["gitlab", "deploy", "ashk8s-x"], {}, "usage:"],
    [
      "a repository that is not owner/name",
      ["github", "deploy", "ashk8s-x"],
      { GITHUB_REPOSITORY: "acme/infra/../x" },
      "is not owner/name",
    ],
  ])("refuses %s before any request (exit 2)", async (_what, args, env, message) => {
    const r = await run({}, args, env);
    expect({ code: r.code, out: r.out }).toEqual({
      code: 2,
      out: expect.stringContaining(message),
    });
    expect(r.requests).toEqual([]);
  });
});

// ------------------------------------------------------------------------------------------------
// Azure Pipelines

const ado = "/acme/Infra%20Platform/_apis";
const envLookup = (name: string) =>
  `${ado}/distributedtask/environments?name=${name}&api-version=7.1`;
const groupLookup = (name: string) =>
  `${ado}/distributedtask/variablegroups?groupName=${name}&api-version=7.1`;
const poolLookup = (name: string) =>
  `${ado}/distributedtask/queues?queueName=${name}&api-version=7.1`;
const checksOf = (type: string, id: number) =>
  `${ado}/pipelines/checks/configurations?resourceType=${type}&resourceId=${id}&$expand=settings&api-version=7.1-preview.1`;
const approval = (extra: object = {}) => ({
  type: APPROVAL,
  settings: { approvers: [{ id: "a1", displayName: "Platform" }], minRequiredApprovers: 1 },
  ...extra,
});
const branchControl = (allowedBranches: string) => ({
  type: TASK,
  settings: {
    definitionRef: BRANCH_REF,
    displayName: "Branch control",
    inputs: { allowedBranches },
  },
});
const list = (...value: unknown[]) => ({ count: value.length, value });
/** An environment (id 7) and a variable group (id 9) of the same name with the given checks. */
const both = (name: string, envChecks: unknown[], groupChecks: unknown[]): Routes => ({
  [envLookup(name)]: [200, list({ id: 7, name })],
  [groupLookup(name)]: [200, list({ id: 9, name })],
  [checksOf("environment", 7)]: [200, list(...envChecks)],
  [checksOf("variablegroup", 9)]: [200, list(...groupChecks)],
});
/** The agent pool (queue id 3) of that name with the given checks. */
const pool = (name: string, checks: unknown[]): Routes => ({
  [poolLookup(name)]: [200, list({ id: 3, name, pool: { id: 11, name } })],
  [checksOf("queue", 3)]: [200, list(...checks)],
});

describe("environment-guard.mjs, Azure Pipelines", () => {
  const E = "ashk8s-seattle";
  const main = branchControl("refs/heads/main");
  test.each<[string, string, string, Routes, number, string]>([
    [
      "deploy: approvals and main on environment and group",
      "deploy",
      E,
      { ...both(E, [approval(), main], [approval(), main]), ...pool(E, [main]) },
      0,
      `${E}: protected for deploy`,
    ],
    [
      "deploy: the group has no Branch control (a PR's YAML could use it from any branch)",
      "deploy",
      E,
      { ...both(E, [approval(), main], [approval()]), ...pool(E, [main]) },
      1,
      `##vso[task.logissue type=error]refusing to deploy: variable group ${E} has no Branch control check allowing refs/heads/main only`,
    ],
    [
      "deploy: Branch control allowing every branch",
      "deploy",
      E,
      {
        ...both(
          E,
          [approval(), branchControl("refs/heads/main, refs/heads/*")],
          [approval(), main],
        ),
        ...pool(E, [main]),
      },
      1,
      `environment ${E} has no Branch control check`,
    ],
    [
      "deploy: the approval check is disabled",
      "deploy",
      E,
      {
        ...both(E, [approval({ isDisabled: true }), main], [approval(), main]),
        ...pool(E, [main]),
      },
      1,
      `environment ${E} has no Approvals check with an approver`,
    ],
    [
      "deploy: no environment of that name",
      "deploy",
      E,
      { ...both(E, [], [approval(), main]), ...pool(E, [main]), [envLookup(E)]: [200, list()] },
      1,
      `environment ${E} does not exist`,
    ],
    [
      "deploy: the deploy agent pool runs any branch's code (its toolchain is what deploys run)",
      "deploy",
      E,
      { ...both(E, [approval(), main], [approval(), main]), ...pool(E, [approval()]) },
      1,
      `agent pool ${E} has no Branch control check allowing refs/heads/main only`,
    ],
    [
      "preview: approvals on both",
      "preview",
      `${E}-preview`,
      both(`${E}-preview`, [approval()], [approval()]),
      0,
      `${E}-preview: protected for preview`,
    ],
    [
      "preview: approvals on the environment only",
      "preview",
      `${E}-preview`,
      both(`${E}-preview`, [approval()], []),
      1,
      `variable group ${E}-preview has no Approvals check`,
    ],
    [
      "drift: Branch control on the group is enough (a plain job, no environment)",
      "drift",
      `${E}-drift`,
      {
        [groupLookup(`${E}-drift`)]: [200, list({ id: 9, name: `${E}-drift` })],
        [checksOf("variablegroup", 9)]: [200, list(main)],
      },
      0,
      `${E}-drift: protected for drift`,
    ],
    [
      "drift: the group does not exist",
      "drift",
      `${E}-drift`,
      { [groupLookup(`${E}-drift`)]: [200, list()] },
      1,
      `variable group ${E}-drift does not exist`,
    ],
    [
      "the token may not read checks (fails closed)",
      "preview",
      `${E}-preview`,
      { ...both(`${E}-preview`, [], []), [checksOf("environment", 7)]: [401, {}] },
      2,
      "answered 401",
    ],
  ])("%s", async (_what, role, name, routes, code, message) => {
    const r = await run(routes, ["azure", role, name], { TF_BUILD: "True" });
    expect({ code: r.code, out: r.out }).toEqual({ code, out: expect.stringContaining(message) });
    expect(r.out).not.toContain(TOKEN);
    for (const req of r.requests) expect(req.auth).toBe(`Bearer ${TOKEN}`);
  });
});
