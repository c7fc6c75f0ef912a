/**
 * Shared readers for the CI pipeline tests (test/pipelines.test.ts and test/pipelines/*.test.ts):
 * the repository's workflow files, the deployable stacks, and the Azure Pipelines compiled by
 * ./pipelineCompiler.ts and checked by ./pipelineSchema.ts.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { parse } from "yaml";
import * as stacks from "../../scripts/stacks";
import { ROOT } from "../stackFiles";
import { fromDirectory, PipelineCompiler } from "./pipelineCompiler";
import { schemaProblems } from "./pipelineSchema";

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Any = any;

/** A repository file's text, by its path relative to the repository root. */
export const read = (p: string) => fs.readFileSync(path.join(ROOT, p), "utf8");
/** Every file under a repository directory, sorted. */
export const listFiles = (dir: string): string[] =>
  fs
    .readdirSync(path.join(ROOT, dir), { withFileTypes: true })
    .flatMap((e) =>
      e.isDirectory() ? listFiles(path.join(dir, e.name)) : [path.join(dir, e.name)],
    )
    .sort();
export const PULUMI_VERSION = JSON.parse(read("package.json")).dependencies[
  "@pulumi/pulumi"
] as string;
export const PROJECT = stacks.projectName(ROOT);
export const DEPLOYABLE = stacks.deployableStacks(ROOT);
export const GENERATED = "pipelines/templates/stacks.yml";

// ------------------------------------------------------------------------------------------------
// GitHub Actions

export const WORKFLOWS = listFiles(".github/workflows").filter((f) => f.endsWith(".yml"));
export const workflow = (name: string): Any => parse(read(`.github/workflows/${name}`));
/** Every step of every job of every workflow (and the local composite action), with its place. */
export function allSteps(): { file: string; job: string; step: Any }[] {
  const out: { file: string; job: string; step: Any }[] = [];
  for (const file of WORKFLOWS) {
    for (const [job, spec] of Object.entries<Any>(parse(read(file)).jobs)) {
      for (const step of spec.steps ?? []) out.push({ file, job, step });
    }
  }
  const action = parse(read(".github/actions/setup/action.yml"));
  for (const step of action.runs.steps) out.push({ file: "setup/action.yml", job: "-", step });
  return out;
}
/** Every job of every workflow with its file. */
export const ghJobs = (): { file: string; name: string; job: Any }[] =>
  WORKFLOWS.flatMap((file) =>
    Object.entries<Any>(parse(read(file)).jobs).map(([name, job]) => ({ file, name, job })),
  );
export const selfHosted = (job: Any) => [job["runs-on"]].flat().includes("self-hosted");
/** The names of the secrets (other than the job token) a job maps into its environment. */
export const jobSecrets = (job: Any): string[] =>
  Object.entries<string>(job.env ?? {})
    .filter(([, v]) => /\$\{\{\s*secrets\./.test(String(v)))
    .map(([k]) => k)
    .sort();
export const SAME_REPO = "github.event.pull_request.head.repo.full_name == github.repository";

// ------------------------------------------------------------------------------------------------
// Issue 14: the credential sets of the trust model (docs/pipelines.md, "Trust model")

/** Read-only credentials of previews; deploys also get the storage key and the passphrase. */
export const PREVIEW_SECRETS = [
  "ARM_CLIENT_SECRET",
  "ASHK8S_AZURESTACK_CLIENT_SECRET",
  "AZURE_CLIENT_SECRET",
  "AZURE_STORAGE_SAS_TOKEN",
];
export const DEPLOY_ONLY = ["AZURE_STORAGE_KEY", "PULUMI_CONFIG_PASSPHRASE"];

// ------------------------------------------------------------------------------------------------
// Azure Pipelines: compiled by ./pipelineCompiler.ts and checked by ./pipelineSchema.ts (both
// table-tested in ./pipelineCompiler.test.ts)

const compiler = new PipelineCompiler(fromDirectory(ROOT));
export const compile = (file: string): Any => compiler.compile(file);

/** Compiles a pipeline and checks it against the schema parts it uses; returns it for flow assertions. */
export function validatePipeline(file: string): Any {
  const p = compile(file);
  expect(schemaProblems(p, (f) => fs.existsSync(path.join(ROOT, f)))).toEqual([]);
  return p;
}

/** Every Pulumi@1 or bash step of a compiled pipeline, with its stage and job. */
export function stepsOf(p: Any): { stage: string; job: Any; step: Any }[] {
  return p.stages.flatMap((stage: Any) =>
    stage.jobs.flatMap((job: Any) =>
      (job.steps ?? job.strategy.runOnce.deploy.steps).map((step: Any) => ({
        stage: stage.stage,
        job,
        step,
      })),
    ),
  );
}
