/**
 * The Azure Pipelines template compiler and schema checker that test/pipelines/ uses on the
 * real pipelines, on small in-memory pipelines: what each feature expands to, and the exact error
 * for what it refuses.
 */
import { stringify } from "yaml";
import { evaluate, PipelineCompiler, Scope } from "./pipelineCompiler";
import { schemaProblems } from "./pipelineSchema";

/** Compiles `files["pipe.yml"]` with the other files as its templates (objects written as YAML). */
function compile(files: Record<string, unknown>, entry = "pipe.yml") {
  const text = (f: string) =>
    typeof files[f] === "string" ? (files[f] as string) : stringify(files[f]);
  return new PipelineCompiler((f) => (f in files ? text(f) : undefined)).compile(entry);
}
/** A pipeline with one stage whose jobs are `jobs`. */
const withJobs = (jobs: unknown[], extra: Record<string, unknown> = {}) => ({
  ...extra,
  stages: [{ stage: "s", jobs }],
});
const stagesOf = (files: Record<string, unknown>) => compile(files).stages;

describe("template expressions", () => {
  const scope: Scope = {
    parameters: { name: "seattle", list: ["a", "b", "c"], map: { x: 1, y: 2 }, on: true },
    stack: { id: "sea_1" },
  };

  test.each<[string, unknown]>([
    ["'it''s'", "it's"],
    ["42", 42],
    ["true", true],
    ["false", false],
    ["parameters.name", "seattle"],
    ["stack.id", "sea_1"],
    ["parameters.map", { x: 1, y: 2 }],
    ["eq('SEATTLE', parameters.name)", true],
    ["eq(1, '1')", true],
    ["ne(parameters.name, 'munich')", true],
    ["length(parameters.list)", 3],
    ["length('abcd')", 4],
    ["length(parameters.map)", 2],
    ["and(parameters.on, eq(length(parameters.list), 3))", true],
    ["and(true, false)", false],
    ["or(false, eq('a', 'b'))", false],
    ["or(false, true)", true],
    ["not(parameters.on)", false],
    ["  not( false )  ", true],
  ])("%s evaluates to %p", (src, value) => {
    expect(evaluate(src, scope)).toEqual(value);
  });

  test.each([
    ["lower('A')", `unknown function lower in "lower('A')"`],
    ["variables.x", 'unknown name variables in "variables.x"'],
    [
      "parameters.nothing",
      '"parameters.nothing" is not defined (at nothing) in "parameters.nothing"',
    ],
    [
      "parameters.name.first",
      '"parameters.name.first" is not defined (at first) in "parameters.name.first"',
    ],
    ["1 2", 'trailing text in expression "1 2"'],
    ["-1", 'cannot parse expression "-1" at 0'],
  ])("%s is refused", (src, message) => {
    expect(() => evaluate(src, scope)).toThrow(message);
  });
});

describe("expansion", () => {
  const job = (name: string, extra: Record<string, unknown> = {}) => ({
    job: name,
    pool: "p",
    steps: [{ bash: "true" }],
    ...extra,
  });

  test.each<[string, Record<string, unknown>, unknown]>([
    [
      "a pipeline without directives is unchanged",
      { "pipe.yml": withJobs([job("a")], { trigger: "none" }) },
      [{ stage: "s", jobs: [job("a")] }],
    ],
    [
      "a whole-value expression keeps its type",
      { "pipe.yml": withJobs([job("a", { timeoutInMinutes: "${{ length('abc') }}" })]) },
      [{ stage: "s", jobs: [job("a", { timeoutInMinutes: 3 })] }],
    ],
    [
      "expressions are spliced into text, keys included",
      {
        "pipe.yml": withJobs([
          job("a", { displayName: "len ${{ length('ab') }} is ${{ eq(2, 2) }}", "k_${{ 1 }}": 1 }),
        ]),
      },
      [{ stage: "s", jobs: [job("a", { displayName: "len 2 is true", k_1: 1 })] }],
    ],
    [
      "${{ if }} in a list keeps or drops its items",
      {
        "pipe.yml": withJobs([
          { "${{ if eq(1, 1) }}": [job("kept1"), job("kept2")] },
          { "${{ if eq(1, 2) }}": [job("dropped")] },
        ]),
      },
      [{ stage: "s", jobs: [job("kept1"), job("kept2")] }],
    ],
    [
      "${{ if }} in a mapping merges or drops its keys",
      {
        "pipe.yml": withJobs([
          job("a", { "${{ if true }}": { condition: "always()" }, "${{ if false }}": { x: 1 } }),
        ]),
      },
      [{ stage: "s", jobs: [job("a", { condition: "always()" })] }],
    ],
    [
      "a template expands with passed parameters, defaults and ${{ each }}",
      {
        "pipe.yml": {
          stages: [
            {
              template: "templates/stage.yml",
              parameters: { stacks: [{ id: "x" }, { id: "y" }], kind: "global" },
            },
          ],
        },
        "templates/stage.yml": {
          parameters: [
            { name: "stacks", type: "object" },
            { name: "kind", type: "string", values: ["stamp", "global"] },
            { name: "pool", type: "string", default: "default-pool" },
          ],
          stages: [
            {
              stage: "up_${{ parameters.kind }}",
              jobs: [
                {
                  "${{ each s in parameters.stacks }}": [
                    { job: "up_${{ s.id }}", pool: "${{ parameters.pool }}", steps: [] },
                  ],
                },
              ],
            },
          ],
        },
      },
      [
        {
          stage: "up_global",
          jobs: [
            { job: "up_x", pool: "default-pool", steps: [] },
            { job: "up_y", pool: "default-pool", steps: [] },
          ],
        },
      ],
    ],
    [
      "a template's own templates are found next to it, with their own parameters",
      {
        "pipe.yml": withJobs([{ template: "t/jobs.yml", parameters: { n: "7" } }]),
        "t/jobs.yml": {
          parameters: [{ name: "n", type: "string" }],
          jobs: [
            {
              job: "j${{ parameters.n }}",
              pool: "p",
              steps: [{ template: "steps.yml", parameters: { msg: "n=${{ parameters.n }}" } }],
            },
          ],
        },
        "t/steps.yml": {
          parameters: [{ name: "msg", type: "string" }],
          steps: [{ bash: "echo ${{ parameters.msg }}" }],
        },
      },
      [{ stage: "s", jobs: [{ job: "j7", pool: "p", steps: [{ bash: "echo n=7" }] }] }],
    ],
  ])("%s", (_what, files, stages) => {
    expect(stagesOf(files)).toEqual(stages);
  });

  const template = (parameters: unknown[], body: Record<string, unknown> = { steps: [] }) => ({
    parameters,
    ...body,
  });
  const including = (parameters: Record<string, unknown>) =>
    withJobs([{ template: "templates/t.yml", parameters }]);

  test.each<[string, Record<string, unknown>, string]>([
    [
      "an unknown name in spliced text",
      { "pipe.yml": withJobs([job("a", { displayName: "x ${{ stack }}" })]) },
      'unknown name stack in "stack"',
    ],
    [
      "an object spliced into text",
      {
        "pipe.yml": including({ o: { a: 1 } }),
        "templates/t.yml": template([{ name: "o", type: "object" }], {
          jobs: [job("a", { displayName: "x ${{ parameters.o }}" })],
        }),
      },
      'object spliced into "x ${{ parameters.o }}"',
    ],
    [
      "${{ each }} over a value that is not a list",
      {
        "pipe.yml": including({ o: "text" }),
        "templates/t.yml": template([{ name: "o", type: "string" }], {
          jobs: [{ "${{ each x in parameters.o }}": [job("a")] }],
        }),
      },
      "parameters.o is not a list (templates/t.yml)",
    ],
    [
      "an unsupported directive",
      { "pipe.yml": withJobs([{ "${{ else }}": [job("a")] }]) },
      "unsupported directive ${{ else }} in pipe.yml",
    ],
    [
      "a missing template",
      { "pipe.yml": withJobs([{ template: "templates/none.yml" }]) },
      "template templates/none.yml does not exist",
    ],
    [
      "an undeclared parameter",
      { "pipe.yml": including({ extra: "1" }), "templates/t.yml": template([]) },
      "templates/t.yml: parameter extra is not declared",
    ],
    [
      "a required parameter not passed",
      {
        "pipe.yml": including({}),
        "templates/t.yml": template([{ name: "name", type: "string" }]),
      },
      "templates/t.yml: parameter name is required",
    ],
    [
      "a string parameter given a list",
      {
        "pipe.yml": including({ name: ["a"] }),
        "templates/t.yml": template([{ name: "name", type: "string" }]),
      },
      "templates/t.yml: name must be a string",
    ],
    [
      "a value outside the allowed values",
      {
        "pipe.yml": including({ kind: "edge" }),
        "templates/t.yml": template([
          { name: "kind", type: "string", values: ["stamp", "global"] },
        ]),
      },
      "templates/t.yml: kind=edge not in stamp,global",
    ],
    [
      "a parameter type the compiler does not implement",
      {
        "pipe.yml": including({}),
        "templates/t.yml": template([{ name: "p", type: "stepList", default: [] }]),
      },
      "templates/t.yml: parameter p has unsupported type stepList",
    ],
    [
      "a template with two bodies",
      { "pipe.yml": including({}), "templates/t.yml": template([], { steps: [], jobs: [] }) },
      "templates/t.yml: a template has exactly one of stages, jobs, steps",
    ],
    [
      "a template with no body",
      { "pipe.yml": including({}), "templates/t.yml": "parameters: []\n" },
      "templates/t.yml: a template has exactly one of stages, jobs, steps",
    ],
    ["a missing entry pipeline", {}, "pipeline pipe.yml does not exist"],
  ])("refuses %s", (_what, files, message) => {
    expect(() => compile(files)).toThrow(message);
  });
});

describe("schema problems", () => {
  const exists = (f: string) => f === "scripts/test.sh";
  const job = (extra: Record<string, unknown> = {}) => ({
    job: "a",
    pool: "p",
    steps: [{ checkout: "self" }, { bash: "bash scripts/test.sh", name: "t" }],
    ...extra,
  });
  const deployment = (extra: Record<string, unknown> = {}) => ({
    deployment: "d",
    pool: { vmImage: "ubuntu-latest" },
    environment: "env-1",
    variables: [{ group: "g" }],
    strategy: { runOnce: { deploy: { steps: [{ download: "none" }] } } },
    ...extra,
  });

  test.each<[string, unknown, string[]]>([
    ["a job and a deployment", withJobs([job(), deployment()], { trigger: "none" }), []],
    [
      "two stages, one depending on the other",
      {
        stages: [
          { stage: "a", jobs: [job()] },
          { stage: "b", dependsOn: ["a"], jobs: [job()] },
        ],
      },
      [],
    ],
    [
      "Pulumi@1 with its inputs, variables as a mapping",
      withJobs([
        job({
          variables: { A: "1" },
          steps: [
            { task: "Pulumi@1", inputs: { command: "preview", stack: "x" }, env: { A: "b" } },
          ],
        }),
      ]),
      [],
    ],
    [
      "an unexpanded expression",
      withJobs([job({ displayName: "${{ x }}" })]),
      ["a template expression was left unexpanded"],
    ],
    [
      "an unknown top-level key",
      { ...withJobs([job()]), name: "x" },
      ["the pipeline has unknown keys: name"],
    ],
    ["no stages", { trigger: "none" }, ["the pipeline has no list of stages"]],
    [
      "a duplicate stage and a dependency on no stage",
      {
        stages: [
          { stage: "a", jobs: [job()] },
          { stage: "a", dependsOn: "z", jobs: [job()] },
        ],
      },
      ["stage a appears twice", 'stage a depends on "z", which is no stage'],
    ],
    [
      "a stage name with a dash",
      { stages: [{ stage: "a-b", jobs: [job()] }] },
      ['stage "a-b" is not an identifier'],
    ],
    ["a stage without jobs", { stages: [{ stage: "a" }] }, ["stage a has no list of jobs"]],
    [
      "a stage condition (a runtime expression string) and one that is not a string",
      {
        stages: [
          {
            stage: "a",
            condition: "and(succeeded(), eq(variables['Build.Reason'], 'Schedule'))",
            jobs: [job()],
          },
          { stage: "b", condition: { eq: 1 }, jobs: [job({ job: "b" })] },
        ],
      },
      ["stage b condition is not a string"],
    ],
    ["a duplicate job", withJobs([job(), job()]), ["stage s: job a appears twice"]],
    [
      "an unknown job key",
      withJobs([job({ timeoutInMinutes: 5 })]),
      ["job a has unknown keys: timeoutInMinutes"],
    ],
    ["a bad pool name", withJobs([job({ pool: "my pool" })]), ['a pool "my pool" is not a name']],
    [
      "a pool mapping with an unknown key",
      withJobs([job({ pool: { os: "linux" } })]),
      ["a pool has unknown keys: os"],
    ],
    ["no pool", withJobs([job({ pool: undefined })]), ["a pool is not a mapping"]],
    [
      "variables that are not strings or list entries",
      withJobs([job({ variables: { N: 1 } }), deployment({ variables: [{ group: "g", x: 1 }] })]),
      ["a variable N is not a string", "d variables has unknown keys: x"],
    ],
    ["no steps", withJobs([job({ steps: [] })]), ["a has no steps"]],
    [
      "a step of two kinds, and one of none",
      withJobs([job({ steps: [{ bash: "x", checkout: "self" }, { displayName: "y" }] })]),
      [
        "a: a step has checkout and bash of checkout, bash, task, download; it needs exactly one",
        "a: a step has none of checkout, bash, task, download; it needs exactly one",
      ],
    ],
    [
      "bad step name, env value, checkout and download",
      withJobs([
        job({
          steps: [
            { bash: "x", name: "my-step", env: { N: 1 }, timeout: 1 },
            { checkout: "other" },
            { download: "current" },
          ],
        }),
      ]),
      [
        "a step has unknown keys: timeout",
        'a step name "my-step" is not an identifier',
        "a step env N is not a string",
        'a: checkout "other" is not self',
        'a: download "current" is not none',
      ],
    ],
    [
      "an unknown task, and an unknown input of a known one",
      withJobs([
        job({ steps: [{ task: "Docker@2" }, { task: "Cache@2", inputs: { key: "k", ttl: 1 } }] }),
      ]),
      ["a: unknown task Docker@2", "a Cache@2 inputs has unknown keys: ttl"],
    ],
    [
      "a script that does not exist",
      withJobs([
        job({ steps: [{ bash: "bash scripts/gone.sh && node pipelines/scripts/x.mjs" }] }),
      ]),
      ["a: scripts/gone.sh does not exist", "a: pipelines/scripts/x.mjs does not exist"],
    ],
    [
      "a deployment without an environment, with another strategy",
      withJobs([deployment({ environment: undefined, strategy: { canary: {} } })]),
      [
        "deployment d environment undefined is not a name",
        "deployment d strategy has unknown keys: canary",
        "deployment d runOnce is not a mapping",
        "d has no steps",
      ],
    ],
  ])("%s", (_what, pipeline, problems) => {
    expect(schemaProblems(pipeline, exists)).toEqual(problems);
  });
});
