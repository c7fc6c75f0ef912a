// Measures what Pulumi serializes for each of our dynamic providers: the same call as
// @pulumi/pulumi dynamic/index.js serializeProvider (serializeFunction(() => provider,
// { allowSecrets: true })), on the compiled modules in bin/ (npm run build), as the program runs.
//
//   node_modules/.bin/node scripts/closure-size.js [--top N] [--write DIR] [aks|password|guard ...]
//   node_modules/.bin/node scripts/closure-size.js --in-program [--runs N]
//
// Per provider: characters of the serialized text, milliseconds (the first one in the process also
// pays for loading Pulumi's closure code and opening its V8 inspector session), the number of
// captured functions, the modules captured by `require(...)`, how many characters each of our
// compiled modules contributes (a function is attributed to the bin/ file whose text contains its
// body) and the largest captured functions and values. --write keeps the texts for reading.
//
// --in-program runs npm run bench's eval child (the seattle stamp program under mocks, compiled
// like the bench does) N times (default 3) in each of three modes, alternating: `real`; `no-aks`
// (the AKS-engine provider serialized as a trivial object instead); `none` (no serialization at
// all: Pulumi's serializeFunction answers a fixed text). It reports the child's in-process time
// and each serialization's milliseconds and characters: what the closures cost inside the
// program, where they run interleaved with the rest of it. The modes replace
// @pulumi/pulumi/runtime/closure/serializeClosure's serializeFunction in that child (this file
// preloaded with -r); a measurement only, the registered resources are not deployable.
const fs = require("node:fs");
const path = require("node:path");

const ROOT = path.resolve(__dirname, "..");
const BIN = path.join(ROOT, "bin");
const PROVIDERS = {
  aks: ["providers/aksEngineProvider.js", "aksEngineProvider"],
  password: ["providers/generatedPassword.js", "provider"],
  guard: ["providers/statefulGuard.js", "provider"],
};

function binFiles(dir = BIN, out = new Map()) {
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) binFiles(p, out);
    else if (e.name.endsWith(".js")) out.set(path.relative(BIN, p), fs.readFileSync(p, "utf8"));
  }
  return out;
}

/** Splits the serialized module into top-level function chunks and the values between them. */
function analyse(text, files) {
  const lines = text.split("\n");
  const functions = [];
  let data = 0;
  let current;
  for (const line of lines) {
    if (!current && /^function __\w+\(/.test(line)) {
      current = { name: line.slice(9, line.indexOf("(")), lines: [] };
    }
    if (current) {
      current.lines.push(line);
      if (line === "}") {
        functions.push(current);
        current = undefined;
      }
    } else data += line.length + 1;
  }
  const byModule = new Map();
  const add = (k, n) => byModule.set(k, (byModule.get(k) ?? 0) + n);
  for (const f of functions) {
    f.size = f.lines.reduce((n, l) => n + l.length + 1, 0);
    // The longest line of the body is distinctive enough to find the compiled file it came from.
    const body = f.lines.slice(3, -3).map((l) => l.trim());
    const probe =
      body.filter((l) => !l.startsWith("return function")).sort((a, b) => b.length - a.length)[0] ??
      "";
    const from = probe.length >= 12 ? [...files].filter(([, src]) => src.includes(probe)) : [];
    f.module =
      from.map(([file]) => file).join(" or ") ||
      "(not attributed: wrappers, short arrows, rewritten constructors)";
    add(f.module, f.size);
  }
  add("(captured values: objects, tables, strings)", data);
  const requires = [...text.matchAll(/require\("([^"]+)"\)/g)].map((m) => m[1]);
  return { functions, data, byModule, requires: [...new Set(requires)] };
}

/** Preloaded into the bench's eval child: time each serialization, or replace it (see the top). */
function hook(mode) {
  const sc = require("@pulumi/pulumi/runtime/closure/serializeClosure");
  const aks = require(path.join(BIN, PROVIDERS.aks[0]))[PROVIDERS.aks[1]];
  const real = sc.serializeFunction;
  const calls = [];
  sc.serializeFunction = async function (func, args) {
    if (mode === "none")
      return {
        text: "exports.handler = undefined;",
        exportName: "handler",
        containsSecrets: false,
      };
    if (mode === "no-aks" && func() === aks) func = () => ({ stub: true });
    const t = performance.now();
    const sf = await real.call(this, func, args);
    calls.push(`${Math.round(performance.now() - t)} ms/${sf.text.length} chars`);
    return sf;
  };
  process.on("exit", () => process.stdout.write(`CLOSURES ${JSON.stringify(calls)}\n`));
}

function inProgram(runs) {
  const { spawnSync } = require("node:child_process");
  const out = path.join(ROOT, ".cache", "closure-size-js");
  fs.rmSync(out, { recursive: true, force: true });
  require(path.join(ROOT, "scripts/program-build.js")).transpileProject(ROOT, "tsconfig.json", out);
  for (const f of fs.readdirSync(ROOT).filter((n) => /^Pulumi\..*\.yaml$/.test(n))) {
    fs.symlinkSync(path.join(ROOT, f), path.join(out, f));
  }
  const modes = ["real", "no-aks", "none"];
  const inner = Object.fromEntries(modes.map((m) => [m, []]));
  for (let i = 0; i < runs; i++) {
    for (const mode of modes) {
      const r = spawnSync(
        process.execPath,
        ["-r", __filename, path.join(out, "scripts", "bench.js"), "--child", "eval"],
        { cwd: ROOT, env: { ...process.env, CLOSURE_SIZE_MODE: mode }, encoding: "utf8" },
      );
      const bench = r.stdout.split("\n").find((l) => l.startsWith("BENCH "));
      const closures = r.stdout.split("\n").find((l) => l.startsWith("CLOSURES "));
      if (r.status !== 0 || !bench)
        throw new Error(`eval child (${mode}) failed:\n${r.stderr.slice(-2000)}`);
      const ms = JSON.parse(bench.slice(6)).innerMs;
      inner[mode].push(ms);
      console.log(
        `${mode.padEnd(6)} in-process ${Math.round(ms)} ms; serializations: ${JSON.parse(closures.slice(9)).join(", ") || "none"}`,
      );
    }
  }
  const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  console.log(`medians: ${modes.map((m) => `${m} ${Math.round(median(inner[m]))} ms`).join(", ")}`);
}

async function main() {
  const args = process.argv.slice(2);
  if (args[0] === "--in-program") {
    require(path.join(ROOT, "scripts/program-build.js")).check();
    return inProgram(args[1] === "--runs" ? Number(args[2]) : 3);
  }
  let top = 10;
  let writeDir;
  const which = [];
  for (let i = 0; i < args.length; i++) {
    if (args[i] === "--top") top = Number(args[++i]);
    else if (args[i] === "--write") writeDir = args[++i];
    else if (PROVIDERS[args[i]]) which.push(args[i]);
    else
      throw new Error(
        `unknown argument ${args[i]}; expected --top N, --write DIR, aks, password, guard`,
      );
  }
  require(path.join(ROOT, "scripts/program-build.js")).check();
  const files = binFiles();
  const started = Date.now();
  const sc = require("@pulumi/pulumi/runtime/closure/serializeClosure");
  const loadMs = Date.now() - started;
  console.log(`closure code loaded in ${loadMs} ms`);
  for (const key of which.length ? which : Object.keys(PROVIDERS)) {
    const [file, exportName] = PROVIDERS[key];
    const provider = require(path.join(BIN, file))[exportName];
    const t = process.hrtime.bigint();
    const sf = await sc.serializeFunction(() => provider, { allowSecrets: true });
    const ms = Number(process.hrtime.bigint() - t) / 1e6;
    const a = analyse(sf.text, files);
    console.log(
      `\n${key} (${file} ${exportName}): ${sf.text.length} characters, ${ms.toFixed(0)} ms, ` +
        `${a.functions.length} functions, requires: ${a.requires.join(", ") || "none"}`,
    );
    for (const [m, n] of [...a.byModule].sort((x, y) => y[1] - x[1])) {
      console.log(`  ${String(n).padStart(7)}  ${m}`);
    }
    console.log(`  largest functions:`);
    for (const f of [...a.functions].sort((x, y) => y.size - x.size).slice(0, top)) {
      console.log(`  ${String(f.size).padStart(7)}  ${f.name} (${f.module})`);
    }
    // What each method would capture on its own (the state holds them all, for up/refresh/destroy).
    const methods = Object.keys(provider).filter((m) => typeof provider[m] === "function");
    const each = [];
    for (const m of methods) {
      const one = { [m]: provider[m] };
      const text = (await sc.serializeFunction(() => one, { allowSecrets: true })).text;
      each.push(
        `${m} ${text.length} chars/${(text.match(/^function __/gm) ?? []).length} functions`,
      );
    }
    console.log(`  each method alone: ${each.join(", ")}`);
    if (writeDir) {
      fs.mkdirSync(writeDir, { recursive: true });
      fs.writeFileSync(path.join(writeDir, `${key}.js`), sf.text);
    }
  }
}

if (require.main !== module) {
  if (process.env.CLOSURE_SIZE_MODE) hook(process.env.CLOSURE_SIZE_MODE);
} else {
  main().catch((e) => {
    process.stderr.write(`closure-size: ${e instanceof Error ? e.stack : String(e)}\n`);
    process.exit(1);
  });
}
