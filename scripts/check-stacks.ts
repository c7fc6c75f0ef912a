/**
 * `npm run check:stacks [-- <dir>]`: the Traffic Manager rules that span stack files
 * (lib/stackConsistency.ts) over every `Pulumi.<stack>.yaml` of a directory (default: this
 * repository; the real-engine tests' `it-*` stacks are skipped). Prints one line per problem and
 * exits 1 when there is any, 0 otherwise. The fleet runner (scripts/fleet.ts) runs the same check
 * before preview and up. Reads the files only: no backend, no secrets.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { parse } from "yaml";
import { checkStacks, StackDoc } from "../lib/stackConsistency";
import { projectName } from "./stacks";

/** The parsed `config:` maps of the directory's stack files, by file name. */
export function readStackDocs(dir: string): StackDoc[] {
  const docs: StackDoc[] = [];
  for (const file of fs.readdirSync(dir).sort()) {
    const stack = /^Pulumi\.(.+)\.yaml$/.exec(file)?.[1];
    if (!stack || stack.startsWith("it-")) continue; // it-*: throw-away real-engine test stacks
    const doc: unknown = parse(fs.readFileSync(path.join(dir, file), "utf8"));
    const config = (doc as { config?: unknown } | null)?.config;
    docs.push({
      file,
      stack,
      config: config && typeof config === "object" ? (config as Record<string, unknown>) : {},
    });
  }
  return docs;
}

/** Every cross-stack problem of the stack files in `dir` (its Pulumi.yaml names the project). */
export function checkStackDir(dir: string): string[] {
  return checkStacks(projectName(dir), readStackDocs(dir));
}

function main(argv: string[]): number {
  const dir = path.resolve(argv[2] ?? path.join(__dirname, ".."));
  const problems = checkStackDir(dir);
  if (problems.length > 0) {
    process.stderr.write(
      `check:stacks: ${problems.length} problem(s) in ${dir}:\n${problems.map((p) => `  - ${p}\n`).join("")}`,
    );
    return 1;
  }
  process.stdout.write(`check:stacks: the stack files in ${dir} are consistent\n`);
  return 0;
}

if (process.argv[1] && path.basename(process.argv[1]) === "check-stacks.ts") {
  try {
    process.exitCode = main(process.argv);
  } catch (e) {
    process.stderr.write(`check:stacks: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exitCode = 2;
  }
}
