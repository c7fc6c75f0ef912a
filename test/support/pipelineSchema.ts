/**
 * The parts of the Azure Pipelines YAML schema the pipelines under pipelines/ use
 * (https://learn.microsoft.com/azure/devops/pipelines/yaml-schema), checked on a pipeline compiled
 * by ./pipelineCompiler.ts. `schemaProblems` lists every problem as a sentence naming the place;
 * an empty list means the pipeline is within these parts. Its own table test is
 * test/support/pipelineCompiler.test.ts.
 */

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Any = any;

export const ID = /^[A-Za-z_][A-Za-z0-9_]*$/;
const PULUMI_TASK_INPUTS = [
  "azureSubscription",
  "command",
  "loginArgs",
  "args",
  "cwd",
  "stack",
  "versionSpec",
  "createStack",
  "createPrComment",
  "useThreadedPrComments",
];
/** The tasks the pipelines may use, with their inputs. */
export const TASK_INPUTS: Record<string, string[]> = {
  "Pulumi@1": PULUMI_TASK_INPUTS,
  "GoTool@0": ["version", "goPath", "goBin"],
  "Cache@2": ["key", "restoreKeys", "path", "cacheHitVar"],
};
export const STEP_KINDS = ["checkout", "bash", "task", "download"];
const STEP_KEYS = [...STEP_KINDS, "displayName", "name", "condition", "env", "inputs", "clean"];
const NAME = /^[\w.-]+$/;

const isObject = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === "object" && !Array.isArray(v);

/**
 * Every schema problem of a compiled pipeline. `exists` says whether a repository file exists: a
 * `bash` step that runs `bash|node scripts/...` or `pipelines/scripts/...` must name one.
 */
export function schemaProblems(pipeline: unknown, exists: (file: string) => boolean): string[] {
  const problems: string[] = [];
  const keysWithin = (what: string, obj: unknown, allowed: string[]) => {
    if (!isObject(obj)) {
      problems.push(`${what} is not a mapping`);
      return;
    }
    const extra = Object.keys(obj).filter((k) => !allowed.includes(k));
    if (extra.length > 0) problems.push(`${what} has unknown keys: ${extra.join(", ")}`);
  };
  const unique = (what: string, names: unknown[]) => {
    const seen = new Set<unknown>();
    for (const n of names) {
      if (seen.has(n)) problems.push(`${what} ${String(n)} appears twice`);
      seen.add(n);
    }
  };
  const identifier = (what: string, name: unknown) => {
    if (typeof name !== "string" || !ID.test(name))
      problems.push(`${what} ${JSON.stringify(name)} is not an identifier`);
  };

  const steps = (where: string, list: Any) => {
    if (!Array.isArray(list) || list.length === 0) {
      problems.push(`${where} has no steps`);
      return;
    }
    for (const step of list) {
      if (!isObject(step)) {
        problems.push(`${where}: a step is not a mapping`);
        continue;
      }
      const kinds = STEP_KINDS.filter((k) => k in step);
      if (kinds.length !== 1)
        problems.push(
          `${where}: a step has ${kinds.length ? kinds.join(" and ") : "none"} of ${STEP_KINDS.join(", ")}; it needs exactly one`,
        );
      keysWithin(`${where} step`, step, STEP_KEYS);
      const s = step as Any;
      if (s.name !== undefined) identifier(`${where} step name`, s.name);
      if (s.env !== undefined) {
        if (!isObject(s.env)) problems.push(`${where} step env is not a mapping`);
        else
          for (const [k, v] of Object.entries(s.env))
            if (typeof v !== "string") problems.push(`${where} step env ${k} is not a string`);
      }
      if (s.task !== undefined) {
        if (!(s.task in TASK_INPUTS)) problems.push(`${where}: unknown task ${s.task}`);
        else keysWithin(`${where} ${s.task} inputs`, s.inputs ?? {}, TASK_INPUTS[s.task]);
      }
      if (s.checkout !== undefined && s.checkout !== "self")
        problems.push(`${where}: checkout ${JSON.stringify(s.checkout)} is not self`);
      if (s.download !== undefined && s.download !== "none")
        problems.push(`${where}: download ${JSON.stringify(s.download)} is not none`);
      if (s.bash) {
        for (const m of String(s.bash).matchAll(
          /(?:bash|node) (pipelines\/scripts\/[\w.-]+|scripts\/[\w.-]+)/g,
        )) {
          if (!exists(m[1])) problems.push(`${where}: ${m[1]} does not exist`);
        }
      }
    }
  };
  const pool = (where: string, value: unknown) => {
    if (typeof value === "string") {
      if (!NAME.test(value)) problems.push(`${where} pool ${JSON.stringify(value)} is not a name`);
    } else keysWithin(`${where} pool`, value, ["vmImage", "name", "demands"]);
  };
  const variables = (where: string, value: unknown) => {
    if (value === undefined) return;
    if (Array.isArray(value)) {
      for (const v of value) keysWithin(`${where} variables`, v, ["group", "name", "value"]);
    } else if (isObject(value)) {
      for (const [k, v] of Object.entries(value))
        if (typeof v !== "string") problems.push(`${where} variable ${k} is not a string`);
    } else problems.push(`${where} variables are neither a list nor a mapping`);
  };

  if (JSON.stringify(pipeline).includes("${{"))
    problems.push("a template expression was left unexpanded");
  keysWithin("the pipeline", pipeline, ["trigger", "pr", "schedules", "stages"]);
  const stages = (pipeline as Any)?.stages;
  if (!Array.isArray(stages)) {
    problems.push("the pipeline has no list of stages");
    return problems;
  }
  const stageNames = stages.map((s: Any) => s?.stage);
  unique("stage", stageNames);
  for (const stage of stages) {
    identifier("stage", stage?.stage);
    keysWithin(`stage ${stage?.stage}`, stage, [
      "stage",
      "displayName",
      "dependsOn",
      "condition",
      "jobs",
    ]);
    if (stage?.condition !== undefined && typeof stage.condition !== "string")
      problems.push(`stage ${stage.stage} condition is not a string`);
    for (const dep of [stage?.dependsOn ?? []].flat())
      if (!stageNames.includes(dep))
        problems.push(`stage ${stage.stage} depends on ${JSON.stringify(dep)}, which is no stage`);
    if (!Array.isArray(stage?.jobs)) {
      problems.push(`stage ${stage?.stage} has no list of jobs`);
      continue;
    }
    unique(
      `stage ${stage.stage}: job`,
      stage.jobs.map((j: Any) => j?.job ?? j?.deployment),
    );
    for (const job of stage.jobs) {
      const name = job?.job ?? job?.deployment;
      identifier("job", name);
      pool(name, job?.pool);
      variables(name, job?.variables);
      if (job?.job) {
        keysWithin(`job ${name}`, job, ["job", "displayName", "pool", "variables", "steps"]);
        steps(name, job.steps);
      } else {
        keysWithin(`deployment ${name}`, job, [
          "deployment",
          "displayName",
          "pool",
          "environment",
          "variables",
          "strategy",
        ]);
        if (typeof job?.environment !== "string" || !NAME.test(job.environment))
          problems.push(
            `deployment ${name} environment ${JSON.stringify(job?.environment)} is not a name`,
          );
        keysWithin(`deployment ${name} strategy`, job?.strategy, ["runOnce"]);
        keysWithin(`deployment ${name} runOnce`, job?.strategy?.runOnce, ["deploy"]);
        steps(name, job?.strategy?.runOnce?.deploy?.steps);
      }
    }
  }
  return problems;
}
