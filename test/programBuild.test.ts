/**
 * scripts/program-build.js: the program is compiled once into bin/ and a stale or missing bin/ is
 * refused (what scripts/program.js and policy/run.js run before the compiled code). Runs the real
 * build on a small project in a temporary folder, with the repository's TypeScript.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

// eslint-disable-next-line @typescript-eslint/no-require-imports
const builder = require("../scripts/program-build") as {
  build: (root: string) => boolean;
  check: (root: string) => void;
  sourcesSha256: (root: string) => string;
};

const REPO = path.resolve(__dirname, "..");
let root: string;

beforeEach(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), "program-build-"));
  for (const f of ["tsconfig.json", "tsconfig.build.json"]) {
    fs.copyFileSync(path.join(REPO, f), path.join(root, f));
  }
  fs.symlinkSync(path.join(REPO, "node_modules"), path.join(root, "node_modules"));
  fs.mkdirSync(path.join(root, "lib"));
  fs.writeFileSync(
    path.join(root, "lib", "twice.ts"),
    "export const twice = (n: number) => 2 * n;\n",
  );
  fs.writeFileSync(
    path.join(root, "index.ts"),
    'import { twice } from "./lib/twice";\nexport = { answer: twice(21) };\n',
  );
});
afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

test("builds bin/ from the sources, runs as plain JavaScript, and does nothing when fresh", () => {
  expect(() => builder.check(root)).toThrow(
    /the program is not built: bin\/ holds no compiled program/,
  );
  expect(builder.build(root)).toBe(true);
  expect(() => builder.check(root)).not.toThrow();
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  expect(require(path.join(root, "bin", "index.js"))).toEqual({ answer: 42 });
  expect(fs.readFileSync(path.join(root, "bin", ".sources-sha256"), "utf8").trim()).toBe(
    builder.sourcesSha256(root),
  );
  expect(builder.build(root)).toBe(false);
});

test("refuses a bin/ built from other sources, naming the command that rebuilds it", () => {
  builder.build(root);
  fs.appendFileSync(
    path.join(root, "lib", "twice.ts"),
    "export const thrice = (n: number) => 3 * n;\n",
  );
  expect(() => builder.check(root)).toThrow(
    /bin\/ was compiled from other sources than the ones in .*Run `npm run build`.*Refusing to run a stale program/,
  );
  expect(builder.build(root)).toBe(true);
  expect(() => builder.check(root)).not.toThrow();
});

test("a changed tsconfig or a new source file also makes bin/ stale", () => {
  builder.build(root);
  fs.writeFileSync(path.join(root, "lib", "extra.ts"), "export const x = 1;\n");
  expect(() => builder.check(root)).toThrow(/stale/);
  builder.build(root);
  fs.appendFileSync(path.join(root, "tsconfig.build.json"), "\n");
  expect(() => builder.check(root)).toThrow(/stale/);
});

test("a file that does not parse fails the build and leaves the old bin/ in place", () => {
  builder.build(root);
  const before = builder.sourcesSha256(root);
  fs.writeFileSync(path.join(root, "lib", "broken.ts"), "export const = ;\n");
  expect(() => builder.build(root)).toThrow(/lib\/broken\.ts/);
  expect(fs.readFileSync(path.join(root, "bin", ".sources-sha256"), "utf8").trim()).toBe(before);
  expect(fs.readdirSync(path.join(root, ".cache"))).toEqual([]);
});

test("the build covers what tsconfig.build.json includes: the program and the policy pack", () => {
  const config = JSON.parse(fs.readFileSync(path.join(REPO, "tsconfig.build.json"), "utf8"));
  const dirs = (config.include as string[]).map((g) => g.split("/")[0]);
  const src = fs.readFileSync(path.join(REPO, "scripts", "program-build.js"), "utf8");
  const hashed = /const DIRS = (\[[^\]]*\])/.exec(src)?.[1];
  expect(dirs.filter((d) => d !== "index.ts").sort()).toEqual(
    (JSON.parse(hashed ?? "[]") as string[]).sort(),
  );
  expect(JSON.parse(fs.readFileSync(path.join(REPO, "package.json"), "utf8")).main).toBe(
    "scripts/program.js",
  );
  expect(JSON.parse(fs.readFileSync(path.join(REPO, "policy", "package.json"), "utf8")).main).toBe(
    "run.js",
  );
});

test("dynamic providers are serialized into bin/providers/closures.json; one that fails fails the build", () => {
  fs.mkdirSync(path.join(root, "providers"));
  fs.writeFileSync(
    path.join(root, "providers", "echo.ts"),
    "const greeting = 'hello';\nexport const provider = { async create() { return { id: greeting }; } };\nexport const notAProvider = { create: 1 };\n",
  );
  expect(builder.build(root)).toBe(true);
  const closures = JSON.parse(
    fs.readFileSync(path.join(root, "bin", "providers", "closures.json"), "utf8"),
  );
  expect(closures.key.sources).toBe(builder.sourcesSha256(root));
  expect(Object.keys(closures.providers)).toEqual(["echo.provider"]);
  expect(closures.providers["echo.provider"].text).toContain('"hello"');

  const before = builder.sourcesSha256(root);
  fs.writeFileSync(
    path.join(root, "providers", "broken.ts"),
    "throw new Error('cannot load this provider');\n",
  );
  expect(() => builder.build(root)).toThrow(
    /serializing the dynamic providers failed:[\s\S]*cannot load this provider/,
  );
  expect(fs.readFileSync(path.join(root, "bin", ".sources-sha256"), "utf8").trim()).toBe(before);
});
