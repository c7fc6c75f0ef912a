/**
 * The deployable stacks, read from the `Pulumi.<stack>.yaml` files: every stack of kind `global`,
 * `stamp` or `edge` (globals first), never `local` ones or the real-engine tests' `it-*` copies.
 * Edge stamps deploy like stamps (after the globals, whose outputs they read), so they are in the
 * `stamps` lists. The CI pipelines take their stack list from here, so adding a stamp is adding
 * its config file.
 *
 *   node scripts/stacks.ts                    one stack per line
 *   node scripts/stacks.ts --kind stamp       only stamps (or --kind global, --kind edge)
 *   node scripts/stacks.ts --github-output    `name=<json>` lines for $GITHUB_OUTPUT: the matrices
 *                                             `all`, `globals` and `stamps` (edge stamps included)
 *   node scripts/stacks.ts --azure-pipelines  the generated pipelines/templates/stacks.yml
 *
 * It runs before any dependency is installed (the first CI job), on plain Node 22 (type stripping),
 * so it reads each file's `kind` with a line match instead of a YAML parser; a unit test checks
 * that the match agrees with a full parse of every stack file.
 */
import * as fs from "node:fs";
import * as path from "node:path";

export type DeployableKind = "global" | "stamp" | "edge";

/** The kinds that deploy in the stamps wave (after the globals): stamps and edge stamps. */
export const STAMP_KINDS: readonly DeployableKind[] = ["stamp", "edge"];

export interface DeployableStack {
  /** Stack name, from the file name. */
  stack: string;
  kind: DeployableKind;
  /** Self-hosted runner label (GitHub) and agent pool (Azure Pipelines) that reaches the stack. */
  runner: string;
  /** CI environment whose protection rules (required reviewers, approvals) gate `up`. */
  environment: string;
  /** The stack name as an identifier (Azure Pipelines stage and job names allow only [A-Za-z0-9_]). */
  id: string;
}

/** Prefix of runner labels, agent pools and environments: `ashk8s-<stack>`. */
export const CI_PREFIX = "ashk8s-";

/** The project name (`name:` of Pulumi.yaml), which is also the config namespace. */
export function projectName(root: string): string {
  const text = fs.readFileSync(path.join(root, "Pulumi.yaml"), "utf8");
  const name = /^name:\s*["']?([A-Za-z0-9_.-]+)["']?\s*$/m.exec(text)?.[1];
  if (!name) throw new Error(`${path.join(root, "Pulumi.yaml")} has no top-level name`);
  return name;
}

/** The value of `<project>:kind` in a stack file's text, or undefined when it has none. */
export function kindOf(text: string, project: string): string | undefined {
  const key = project.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  const line = new RegExp(
    `^\\s+(["']?)${key}:kind\\1\\s*:\\s*(["']?)([A-Za-z]+)\\2\\s*(#.*)?$`,
    "m",
  ).exec(text);
  return line?.[3];
}

/** Every deployable stack of the repository at `root`, globals first, then (edge) stamps, by name. */
export function deployableStacks(root: string): DeployableStack[] {
  const project = projectName(root);
  const stacks: DeployableStack[] = [];
  for (const file of fs.readdirSync(root).sort()) {
    const stack = /^Pulumi\.(.+)\.yaml$/.exec(file)?.[1];
    if (!stack || stack.startsWith("it-")) continue; // it-*: throw-away real-engine test stacks
    const kind = kindOf(fs.readFileSync(path.join(root, file), "utf8"), project);
    if (kind === "local") continue;
    if (kind !== "global" && kind !== "stamp" && kind !== "edge") {
      throw new Error(
        `${file}: ${project}:kind is ${kind === undefined ? "missing" : `"${kind}"`}; set it to stamp, edge, global or local`,
      );
    }
    if (!/^[a-z][a-z0-9-]*$/.test(stack)) {
      throw new Error(`${file}: stack name "${stack}" must be lowercase letters, digits and "-"`);
    }
    stacks.push({
      stack,
      kind,
      runner: `${CI_PREFIX}${stack}`,
      environment: `${CI_PREFIX}${stack}`,
      id: stack.replace(/-/g, "_"),
    });
  }
  const rank = (s: DeployableStack) => (s.kind === "global" ? 0 : 1);
  return stacks.sort((a, b) => rank(a) - rank(b) || a.stack.localeCompare(b.stack));
}

/** `name=<json>` lines for $GITHUB_OUTPUT: matrices usable as `strategy.matrix.include`. */
export function githubOutput(stacks: DeployableStack[]): string {
  const matrix = (list: DeployableStack[]) =>
    JSON.stringify(
      list.map(({ stack, kind, runner, environment }) => ({ stack, kind, runner, environment })),
    );
  return [
    `all=${matrix(stacks)}`,
    `globals=${matrix(stacks.filter((s) => s.kind === "global"))}`,
    `stamps=${matrix(stacks.filter((s) => STAMP_KINDS.includes(s.kind)))}`,
    "",
  ].join("\n");
}

/**
 * The Azure Pipelines template that hands the stack lists to templates/flow.yml. Azure Pipelines
 * resolves environments (and so their approvals) and agent pools when it compiles the pipeline,
 * before any job runs, so the lists are generated into the repository instead of being emitted by a
 * first job; test/pipelines.test.ts fails when the committed file is stale.
 */
export function azurePipelinesTemplate(stacks: DeployableStack[]): string {
  const list = (key: string, kinds: readonly DeployableKind[]) => {
    const entries = stacks
      .filter((s) => kinds.includes(s.kind))
      .map((s) =>
        [
          `        - stack: ${s.stack}`,
          `          kind: ${s.kind}`,
          `          id: ${s.id}`,
          `          pool: ${s.runner}`,
          `          environment: ${s.environment}`,
        ].join("\n"),
      );
    return entries.length > 0 ? [`      ${key}:`, ...entries] : [`      ${key}: []`];
  };
  return [
    "# GENERATED by `node scripts/stacks.ts --azure-pipelines > pipelines/templates/stacks.yml` from",
    "# the Pulumi.<stack>.yaml files: do not edit. test/pipelines.test.ts fails when it is stale.",
    "parameters:",
    "  - name: flow",
    "    type: string",
    "    values: [pullRequest, deploy, drift]",
    "",
    "stages:",
    "  - template: flow.yml",
    "    parameters:",
    "      flow: ${{ parameters.flow }}",
    ...list("globals", ["global"]),
    ...list("stamps", STAMP_KINDS),
    "",
  ].join("\n");
}

function main(argv: string[]): void {
  const root = path.resolve(path.dirname(argv[1]), "..");
  const args = argv.slice(2);
  let stacks = deployableStacks(root);
  const kindAt = args.indexOf("--kind");
  if (kindAt >= 0) {
    const kind = args[kindAt + 1];
    if (kind !== "global" && kind !== "stamp" && kind !== "edge") {
      throw new Error("--kind takes global, stamp or edge");
    }
    stacks = stacks.filter((s) => s.kind === kind);
  }
  if (args.includes("--github-output")) {
    process.stdout.write(githubOutput(stacks));
  } else if (args.includes("--azure-pipelines")) {
    process.stdout.write(azurePipelinesTemplate(stacks));
  } else {
    process.stdout.write(stacks.map((s) => `${s.stack}\n`).join(""));
  }
}

if (process.argv[1] && path.basename(process.argv[1]) === "stacks.ts") {
  main(process.argv);
}
