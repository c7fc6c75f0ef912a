// The program and the policy pack run as JavaScript compiled once into bin/ (git-ignored), not
// through a TypeScript transpiler (for the pack: ts-node with type-checking) on every preview. This file builds it and checks it:
//
//   node scripts/program-build.js          compile into bin/ when bin/ is missing or stale (else nothing)
//   require("./program-build").check()     throw unless bin/ was compiled from the sources as they are
//
// "Stale" is decided by content, not by time stamps: bin/.sources-sha256 holds the SHA-256 of every
// compiled source (and the tsconfigs) as they were at build time. Compiling only transpiles;
// `npm test` type-checks with `tsc --noEmit`.
const { createHash } = require("node:crypto");
const fs = require("node:fs");
const path = require("node:path");

const ROOT = path.resolve(__dirname, "..");
const OUT = "bin";
const STAMP = ".sources-sha256";
/** What tsconfig.build.json compiles (keep in step with its include), plus the tsconfigs. */
const DIRS = ["config", "components", "lib", "providers", "stacks", "policy"];
const FILES = ["index.ts", "tsconfig.json", "tsconfig.build.json"];

function sources(root) {
  const out = FILES.filter((f) => fs.existsSync(path.join(root, f)));
  const walk = (rel) => {
    for (const e of fs.readdirSync(path.join(root, rel), { withFileTypes: true })) {
      const p = `${rel}/${e.name}`;
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith(".ts")) out.push(p);
    }
  };
  for (const d of DIRS) if (fs.existsSync(path.join(root, d))) walk(d);
  return out.sort();
}

/** SHA-256 over the sorted source paths and their contents. */
function sourcesSha256(root = ROOT) {
  const h = createHash("sha256");
  for (const f of sources(root)) {
    h.update(`${f}\0`);
    h.update(fs.readFileSync(path.join(root, f)));
    h.update("\0");
  }
  return h.digest("hex");
}

function builtSha256(root = ROOT) {
  try {
    return fs.readFileSync(path.join(root, OUT, STAMP), "utf8").trim();
  } catch {
    return undefined;
  }
}

/** Throws, saying what to run, unless bin/ holds the program compiled from the current sources. */
function check(root = ROOT) {
  const built = builtSha256(root);
  if (built === sourcesSha256(root)) return;
  const why = built
    ? `${OUT}/ was compiled from other sources than the ones in ${root} (a .ts file or a tsconfig changed since)`
    : `${OUT}/ holds no compiled program`;
  throw new Error(
    `the program is not built: ${why}. Run \`npm run build\` (node scripts/program-build.js); ` +
      "npm test, npm run demo, npm run test:integration, scripts/run-ts.sh and the pipelines' " +
      "agent set-up build it themselves. Refusing to run a stale program.",
  );
}

/**
 * Transpiles the files of a tsconfig into `outDir`, each on its own (ts.transpileModule, which
 * tsconfig.json's isolatedModules makes equivalent to tsc's emit), so no declaration file of the
 * SDKs is read. Returns the number of files.
 */
function transpileProject(root, tsconfig, outDir) {
  const ts = require(require.resolve("typescript", { paths: [root] }));
  const parsed = ts.getParsedCommandLineOfConfigFile(
    path.join(root, tsconfig),
    {},
    {
      ...ts.sys,
      onUnRecoverableConfigFileDiagnostic: (d) => {
        throw new Error(ts.flattenDiagnosticMessageText(d.messageText, "\n"));
      },
    },
  );
  for (const file of parsed.fileNames) {
    const rel = path.relative(root, file).replace(/\.ts$/, ".js");
    const { outputText, sourceMapText, diagnostics } = ts.transpileModule(
      fs.readFileSync(file, "utf8"),
      { fileName: file, compilerOptions: parsed.options, reportDiagnostics: true },
    );
    if (diagnostics?.length) {
      const text = diagnostics.map((d) => ts.flattenDiagnosticMessageText(d.messageText, "\n"));
      throw new Error(`${path.relative(root, file)}: ${text.join("; ")}`);
    }
    const target = path.join(outDir, rel);
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.writeFileSync(target, outputText);
    if (sourceMapText) fs.writeFileSync(`${target}.map`, sourceMapText);
  }
  return parsed.fileNames.length;
}

/**
 * Serializes the compiled dynamic providers once (scripts/provider-closures.js, in a child process
 * of this Node) into <outDir>/providers/closures.json, so that programs need not serialize them
 * on every run (providers/prebuiltDynamicResource.ts). A failure fails the build.
 */
function serializeProviders(outDir, sources) {
  const r = require("node:child_process").spawnSync(
    process.execPath,
    [path.join(__dirname, "provider-closures.js"), outDir, sources],
    { encoding: "utf8" },
  );
  if (r.status !== 0) {
    throw new Error(`serializing the dynamic providers failed:\n${r.stderr || r.error}`);
  }
}

/** Compiles into bin/ when stale; returns true when it compiled. bin/ is replaced whole or not at all. */
function build(root = ROOT) {
  if (typeof root !== "string") root = ROOT; // called by jest as a globalSetup (with its config)
  const want = sourcesSha256(root);
  if (builtSha256(root) === want) return false;
  const started = Date.now();
  const tmp = path.join(root, ".cache", `bin-build-${process.pid}`);
  fs.rmSync(tmp, { recursive: true, force: true });
  let n;
  try {
    n = transpileProject(root, "tsconfig.build.json", tmp);
    // Stamp what was read before compiling: a source changed meanwhile shows as stale.
    fs.writeFileSync(path.join(tmp, STAMP), `${want}\n`);
    serializeProviders(tmp, want);
    fs.rmSync(path.join(root, OUT), { recursive: true, force: true });
    fs.renameSync(tmp, path.join(root, OUT));
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  process.stderr.write(
    `[build] ${n} files compiled into ${OUT}/ and their dynamic providers serialized in ${Date.now() - started} ms\n`,
  );
  return true;
}

// A function itself, so jest.integration.config.js can use this file as its globalSetup.
module.exports = Object.assign(() => void build(), {
  check,
  build,
  sourcesSha256,
  transpileProject,
});

if (require.main === module) {
  try {
    build();
  } catch (e) {
    process.stderr.write(`program-build: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exit(1);
  }
}
