/**
 * The CI pipelines' stack list (scripts/stacks.ts), shared by both flavours, and the rule that no
 * CI file names a stack: the lists come from the Pulumi.<stack>.yaml files only.
 *
 * The other pipeline tests, by concern (shared readers in test/support/pipelineFiles.ts):
 * - test/pipelines/githubWorkflows.test.ts: actionlint and the shape of each GitHub flow;
 * - test/pipelines/azurePipelines.test.ts: each Azure entry pipeline compiled the way Azure
 *   compiles it (templates, parameters, `${{ if }}`, `${{ each }}`), schema and flow;
 * - test/pipelines/githubTrust.test.ts, test/pipelines/azureTrust.test.ts: the trust rules of
 *   issue 14 (forks, environments, protection, SHA pins, caches, drift on main, check:stacks,
 *   the read-only preview identity of stamps);
 * - test/pipelines/scripts.test.ts: the shared CI scripts (agent-setup.sh, drift.sh).
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { parse } from "yaml";
import * as stacks from "../scripts/stacks";
import { ROOT, stackNames } from "./stackFiles";
import { Any, DEPLOYABLE, GENERATED, listFiles, PROJECT, read } from "./support/pipelineFiles";

describe("scripts/stacks.ts: the deployable stacks", () => {
  test("every stack file's kind read by line match equals a full YAML parse", () => {
    for (const stack of stackNames()) {
      const text = read(`Pulumi.${stack}.yaml`);
      const parsed = parse(text).config[`${PROJECT}:kind`];
      expect({ stack, kind: stacks.kindOf(text, PROJECT) }).toEqual({ stack, kind: parsed });
    }
  });

  test("are the global and stamp stacks of the repository, globals first", () => {
    const expected = stackNames()
      .map((stack) => ({
        stack,
        kind: parse(read(`Pulumi.${stack}.yaml`)).config[`${PROJECT}:kind`],
      }))
      .filter((s) => s.kind !== "local")
      .sort((a, b) => Number(a.kind !== "global") - Number(b.kind !== "global"));
    expect(DEPLOYABLE.map(({ stack, kind }) => ({ stack, kind }))).toEqual(expected);
    expect(DEPLOYABLE.length).toBeGreaterThan(1);
    for (const s of DEPLOYABLE) {
      expect(s).toEqual({
        stack: s.stack,
        kind: s.kind,
        runner: `ashk8s-${s.stack}`,
        environment: `ashk8s-${s.stack}`,
        id: s.stack.replace(/-/g, "_"),
      });
    }
  });

  test.each([
    ["plain", "config:\n  p:kind: stamp\n", "stamp"],
    ["quoted key and value", "config:\n  \"p:kind\": 'global'\n", "global"],
    ["trailing comment", "config:\n  p:kind: local # the embedded default\n", "local"],
    ["another project's key", "config:\n  q:kind: stamp\n", undefined],
    ["not under config", "p:kind: stamp\n", undefined],
  ])("kindOf: %s", (_what, text, kind) => {
    expect(stacks.kindOf(text, "p")).toBe(kind);
  });

  describe("in a scratch repository", () => {
    let dir: string;
    const write = (file: string, kind?: string) =>
      fs.writeFileSync(
        path.join(dir, file),
        kind === undefined ? "config: {}\n" : `config:\n  p:kind: ${kind}\n`,
      );
    beforeEach(() => {
      dir = fs.mkdtempSync(path.join(os.tmpdir(), "ashk8s-stacks-"));
      fs.writeFileSync(path.join(dir, "Pulumi.yaml"), "name: p\nruntime: nodejs\n");
    });
    afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

    test("skips local stacks and it-* test copies, sorts globals first", () => {
      write("Pulumi.zurich.yaml", "stamp");
      write("Pulumi.amsterdam.yaml", "stamp");
      write("Pulumi.bremen-edge.yaml", "edge");
      write("Pulumi.world.yaml", "global");
      write("Pulumi.local.yaml", "local");
      write("Pulumi.it-local.yaml", "stamp");
      write("Pulumi.it-edge.yaml", "edge");
      expect(stacks.deployableStacks(dir).map((s) => [s.stack, s.kind])).toEqual([
        ["world", "global"],
        ["amsterdam", "stamp"],
        ["bremen-edge", "edge"],
        ["zurich", "stamp"],
      ]);
    });

    test("edge stamps deploy in the stamps wave of both CI systems, with their own runner", () => {
      write("Pulumi.zurich.yaml", "stamp");
      write("Pulumi.bremen-edge.yaml", "edge");
      write("Pulumi.world.yaml", "global");
      const list = stacks.deployableStacks(dir);
      const out = stacks.githubOutput(list);
      const stampsLine = out.split("\n").find((l) => l.startsWith("stamps="))!;
      expect(JSON.parse(stampsLine.slice("stamps=".length))).toEqual([
        {
          stack: "bremen-edge",
          kind: "edge",
          runner: "ashk8s-bremen-edge",
          environment: "ashk8s-bremen-edge",
        },
        { stack: "zurich", kind: "stamp", runner: "ashk8s-zurich", environment: "ashk8s-zurich" },
      ]);
      const template = parse(stacks.azurePipelinesTemplate(list));
      const params = template.stages[0].parameters;
      expect(params.globals.map((s: Any) => s.stack)).toEqual(["world"]);
      expect(params.stamps).toEqual([
        {
          stack: "bremen-edge",
          kind: "edge",
          id: "bremen_edge",
          pool: "ashk8s-bremen-edge",
          environment: "ashk8s-bremen-edge",
        },
        {
          stack: "zurich",
          kind: "stamp",
          id: "zurich",
          pool: "ashk8s-zurich",
          environment: "ashk8s-zurich",
        },
      ]);
    });

    test.each([
      [undefined, "Pulumi.x1.yaml: p:kind is missing; set it to stamp, edge, global or local"],
      ["edges", 'Pulumi.x1.yaml: p:kind is "edges"; set it to stamp, edge, global or local'],
    ])("a stack file with kind %s is refused", (kind, message) => {
      write("Pulumi.x1.yaml", kind);
      expect(() => stacks.deployableStacks(dir)).toThrow(message);
    });

    test("a stack name that is not a CI identifier is refused", () => {
      write("Pulumi.Seattle_1.yaml", "stamp");
      expect(() => stacks.deployableStacks(dir)).toThrow(
        'Pulumi.Seattle_1.yaml: stack name "Seattle_1" must be lowercase letters, digits and "-"',
      );
    });
  });

  test("--github-output writes the three matrices", () => {
    const out = stacks.githubOutput(DEPLOYABLE);
    const lines = Object.fromEntries(
      out
        .trim()
        .split("\n")
        .map((l) => [l.slice(0, l.indexOf("=")), JSON.parse(l.slice(l.indexOf("=") + 1))]),
    );
    const entry = ({ stack, kind, runner, environment }: stacks.DeployableStack) => ({
      stack,
      kind,
      runner,
      environment,
    });
    expect(lines).toEqual({
      all: DEPLOYABLE.map(entry),
      globals: DEPLOYABLE.filter((s) => s.kind === "global").map(entry),
      stamps: DEPLOYABLE.filter((s) => s.kind !== "global").map(entry),
    });
  });

  test("runs as a script on the project's Node 22 (type stripping), without dependencies", () => {
    const node = path.join(ROOT, "node_modules", ".bin", "node");
    const run = (...args: string[]) =>
      spawnSync(
        node,
        ["--disable-warning=MODULE_TYPELESS_PACKAGE_JSON", "scripts/stacks.ts", ...args],
        {
          cwd: ROOT,
          encoding: "utf8",
        },
      );
    const all = run();
    expect({ code: all.status, stderr: all.stderr }).toEqual({ code: 0, stderr: "" });
    expect(all.stdout).toBe(DEPLOYABLE.map((s) => `${s.stack}\n`).join(""));
    const stamps = run("--kind", "stamp");
    expect(stamps.stdout.trim().split("\n")).toEqual(
      DEPLOYABLE.filter((s) => s.kind === "stamp").map((s) => s.stack),
    );
    const edges = run("--kind", "edge");
    expect(edges.stdout.trim().split("\n")).toEqual(["hamburg-edge"]);
    expect(run("--azure-pipelines").stdout).toBe(read(GENERATED));
  });

  test(`${GENERATED} is up to date (regenerate: node scripts/stacks.ts --azure-pipelines > ${GENERATED})`, () => {
    expect(read(GENERATED)).toBe(stacks.azurePipelinesTemplate(DEPLOYABLE));
  });
});

describe("no CI file names a stack", () => {
  const files = [...listFiles(".github"), ...listFiles("pipelines")].filter((f) => f !== GENERATED);

  /** The YAML scalars (keys and values) of a file, or its non-comment lines for scripts. */
  function content(file: string): string[] {
    const text = read(file);
    if (/\.ya?ml$/.test(file)) {
      const out: string[] = [];
      const walk = (v: unknown) => {
        if (Array.isArray(v)) v.forEach(walk);
        else if (v && typeof v === "object") {
          for (const [k, x] of Object.entries(v)) {
            out.push(k);
            walk(x);
          }
        } else if (v !== null && v !== undefined) out.push(String(v));
      };
      walk(parse(text));
      return out;
    }
    return text.split("\n").filter((l) => !/^\s*(#|\/\/)/.test(l));
  }

  test.each(files)("%s", (file) => {
    const names = DEPLOYABLE.map((s) => s.stack);
    const hits = content(file).filter((s) =>
      names.some((n) => new RegExp(`(^|[^A-Za-z0-9])${n}($|[^A-Za-z0-9])`, "i").test(s)),
    );
    expect(hits).toEqual([]);
  });
});
