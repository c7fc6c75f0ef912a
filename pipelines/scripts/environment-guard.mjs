// Refuses a run whose CI environments are not protected, before any job gets their secrets:
//
//   node pipelines/scripts/environment-guard.mjs <github|azure> <deploy|preview|drift> [name...]
//
// Without names it reads the JSON stack matrix in MATRIX (the `all` output of
// .github/workflows/stacks.yml: [{ "environment": "ashk8s-<stack>", ... }]) and checks each stack's
// environment for the role: deploy `ashk8s-<stack>`, preview `ashk8s-<stack>-preview`, drift
// `ashk8s-<stack>-drift`. What each role requires (docs/pipelines.md, "Protected environments"):
//
//   deploy   at least one required reviewer / approver, and deployments only from `main`
//   preview  at least one required reviewer / approver
//   drift    deployments only from `main` (it runs unattended on the schedule)
//
// GitHub: GET /repos/{repo}/environments/{name} (and its deployment-branch-policies when custom),
// with GITHUB_TOKEN (`actions: read`), GITHUB_API_URL and GITHUB_REPOSITORY. A missing
// environment is refused too: GitHub creates an unprotected one on first use.
// Azure Pipelines: the checks (`Approval`; `Branch control`) on the environment and the variable
// group of that name (preview, deploy), on the deploy agent pool of that name (Branch control), or
// on the variable group only (drift: a plain job on the deploy pool), with SYSTEM_ACCESSTOKEN,
// SYSTEM_COLLECTIONURI and SYSTEM_TEAMPROJECT (see AZURE_RESOURCES).
//
// Exit 0: every environment is protected; 1: at least one is not (each problem printed as a CI
// error naming the environment and what to set); 2: usage error or the API could not be read
// (fails closed). The token is sent as a header only and never printed.
const ROLES = {
  deploy: { suffix: "", reviewers: true, mainOnly: true },
  preview: { suffix: "-preview", reviewers: true, mainOnly: false },
  drift: { suffix: "-drift", reviewers: false, mainOnly: true },
};
const NAME = /^[a-z0-9][a-z0-9-]{0,99}$/;
const APPROVAL = "8c6f20a7-a545-4486-9777-f762fafe0d4d";
const TASK_CHECK = "fe1de3ee-a436-41b4-bb20-f6eb4cb879a7";
const BRANCH_CONTROL = "86b05a0c-73e6-4f7d-b3cf-e38f3b39a75b";
const DOCS = 'docs/pipelines.md, "Protected environments"';

class Refusal extends Error {}

function env(name) {
  const value = process.env[name];
  if (!value) throw new Refusal(`${name} is not set; map it into the step's environment`);
  return value;
}

async function getJson(url, headers) {
  const response = await fetch(url, { headers });
  if (response.status === 404) return undefined;
  if (!response.ok) {
    throw new Refusal(
      `GET ${url} answered ${response.status}; the job's token must be allowed to read ` +
        `environments and their checks (${DOCS})`,
    );
  }
  return response.json();
}

/** The problems of one GitHub environment for a role (an empty list: protected). */
async function github(name, role) {
  const api = (process.env.GITHUB_API_URL || "https://api.github.com").replace(/\/$/, "");
  const repo = env("GITHUB_REPOSITORY");
  if (!/^[\w.-]+\/[\w.-]+$/.test(repo))
    throw new Refusal(`GITHUB_REPOSITORY ${repo} is not owner/name`);
  const headers = {
    Authorization: `Bearer ${env("GITHUB_TOKEN")}`,
    Accept: "application/vnd.github+json",
    "X-GitHub-Api-Version": "2022-11-28",
  };
  const base = `${api}/repos/${repo}/environments/${encodeURIComponent(name)}`;
  const environment = await getJson(base, headers);
  if (!environment) {
    return [
      `environment ${name} does not exist; create it with the protection rules below (${DOCS})`,
    ];
  }
  const problems = [];
  const rules = environment.protection_rules ?? [];
  if (role.reviewers) {
    const reviewers = rules
      .filter((r) => r.type === "required_reviewers")
      .flatMap((r) => r.reviewers ?? []);
    if (reviewers.length === 0)
      problems.push(
        `environment ${name} has no required reviewers; add at least one under ` +
          `Settings > Environments > ${name} > Required reviewers (${DOCS})`,
      );
  }
  if (role.mainOnly) {
    const policy = environment.deployment_branch_policy;
    if (!policy) {
      problems.push(
        `environment ${name} accepts deployments from every branch; set Deployment branches and ` +
          `tags to the selected branch main (${DOCS})`,
      );
    } else if (policy.custom_branch_policies) {
      const listed = await getJson(`${base}/deployment-branch-policies?per_page=100`, headers);
      const others = (listed?.branch_policies ?? [])
        .filter((p) => !(p.name === "main" && (p.type ?? "branch") === "branch"))
        .map((p) => `${p.type ?? "branch"} ${p.name}`);
      if ((listed?.branch_policies ?? []).length === 0 || others.length > 0)
        problems.push(
          `environment ${name} must accept deployments from the branch main only; its branch ` +
            `policies are [${others.join(", ")}] (${DOCS})`,
        );
    }
  }
  return problems;
}

/**
 * What each role requires of which Azure Pipelines resource of the given name. The variable groups
 * hold the secrets, so their checks are what stops a pull request whose YAML names a group
 * directly; the deploy agent pool's Branch control stops branch code from running on the agents
 * whose toolchain the deploys use.
 */
const AZURE_RESOURCES = {
  deploy: [
    ["environment", { reviewers: true, mainOnly: true }],
    ["variablegroup", { reviewers: true, mainOnly: true }],
    ["queue", { reviewers: false, mainOnly: true }],
  ],
  preview: [
    ["environment", { reviewers: true, mainOnly: false }],
    ["variablegroup", { reviewers: true, mainOnly: false }],
  ],
  drift: [["variablegroup", { reviewers: false, mainOnly: true }]],
};
const AZURE_LOOKUP = {
  environment: ["environment", "distributedtask/environments?name="],
  variablegroup: ["variable group", "distributedtask/variablegroups?groupName="],
  queue: ["agent pool", "distributedtask/queues?queueName="],
};

/** The problems of one name's Azure Pipelines resources (environment, variable group, pool). */
async function azure(name, roleName) {
  const project = `${env("SYSTEM_COLLECTIONURI").replace(/\/?$/, "/")}${encodeURIComponent(
    env("SYSTEM_TEAMPROJECT"),
  )}`;
  const headers = { Authorization: `Bearer ${env("SYSTEM_ACCESSTOKEN")}` };
  const problems = [];
  for (const [type, role] of AZURE_RESOURCES[roleName]) {
    const [what, query] = AZURE_LOOKUP[type];
    const lookup = `${project}/_apis/${query}${encodeURIComponent(name)}&api-version=7.1`;
    const found = ((await getJson(lookup, headers))?.value ?? []).find(
      (r) => String(r.name).toLowerCase() === name,
    );
    if (!found) {
      problems.push(`${what} ${name} does not exist; create it with the checks below (${DOCS})`);
      continue;
    }
    const checks =
      (
        await getJson(
          `${project}/_apis/pipelines/checks/configurations?resourceType=${type}` +
            `&resourceId=${encodeURIComponent(String(found.id))}&$expand=settings&api-version=7.1-preview.1`,
          headers,
        )
      )?.value ?? [];
    const enabled = checks.filter((c) => c.isDisabled !== true);
    if (role.reviewers) {
      const approvers = enabled
        .filter((c) => String(c.type?.id).toLowerCase() === APPROVAL)
        .flatMap((c) => c.settings?.approvers ?? []);
      if (approvers.length === 0)
        problems.push(
          `${what} ${name} has no Approvals check with an approver; add one under ` +
            `Approvals and checks (${DOCS})`,
        );
    }
    if (role.mainOnly) {
      const branchChecks = enabled.filter(
        (c) =>
          String(c.type?.id).toLowerCase() === TASK_CHECK &&
          String(c.settings?.definitionRef?.id).toLowerCase() === BRANCH_CONTROL,
      );
      const mainOnly = branchChecks.some((c) => {
        const branches = String(c.settings?.inputs?.allowedBranches ?? "")
          .split(",")
          .map((b) => b.trim())
          .filter(Boolean);
        return branches.length > 0 && branches.every((b) => b === "refs/heads/main");
      });
      if (!mainOnly)
        problems.push(
          `${what} ${name} has no Branch control check allowing refs/heads/main only; add one ` +
            `under Approvals and checks (${DOCS})`,
        );
    }
  }
  return problems;
}

function names(roleName, given) {
  if (given.length > 0) return given;
  let matrix;
  try {
    matrix = JSON.parse(env("MATRIX"));
  } catch (e) {
    if (e instanceof Refusal) throw e;
    throw new Refusal(`MATRIX is not JSON: ${e.message}`);
  }
  if (!Array.isArray(matrix) || matrix.length === 0)
    throw new Refusal("MATRIX holds no stacks: nothing to check");
  return matrix.map((s) => `${s?.environment}${ROLES[roleName].suffix}`);
}

async function main(argv) {
  const [flavour, roleName, ...given] = argv;
  const role = ROLES[roleName];
  if (!["github", "azure"].includes(flavour) || !role)
    throw new Refusal(
      "usage: environment-guard.mjs <github|azure> <deploy|preview|drift> [name...]",
    );
  const list = names(roleName, given);
  for (const name of list)
    if (!NAME.test(name))
      throw new Refusal(
        `environment name ${JSON.stringify(name)} is not lowercase letters, digits and "-"`,
      );
  const problems = [];
  for (const name of list) {
    const found = flavour === "github" ? await github(name, role) : await azure(name, roleName);
    if (found.length === 0) console.log(`${name}: protected for ${roleName}`);
    problems.push(...found);
  }
  for (const p of problems) {
    const message = `refusing to ${roleName}: ${p}`;
    console.log(
      flavour === "github"
        ? `::error title=Unprotected environment::${message}`
        : `##vso[task.logissue type=error]${message}`,
    );
  }
  return problems.length === 0 ? 0 : 1;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (e) => {
    const message = e instanceof Refusal ? e.message : `environment check failed: ${e.message}`;
    console.log(
      process.env.TF_BUILD ? `##vso[task.logissue type=error]${message}` : `::error::${message}`,
    );
    process.exit(2);
  },
);
