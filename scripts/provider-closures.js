// Serializes the dynamic providers of a compiled tree once, at build time, into
// <tree>/providers/closures.json (read by providers/prebuiltDynamicResource.ts):
//
//   node scripts/provider-closures.js <compiled tree> <sources sha256>
//
// The call is the one @pulumi/pulumi's dynamic.Resource makes in every program run
// (serializeFunction(() => provider, { allowSecrets: true })). A provider is an export of a
// providers/*.js module that is an object with a `create` function; it is named
// `<file without .js>.<export>`. Run by scripts/program-build.js in its own process, so the
// serializer's inspector session and the compiled modules do not stay loaded in the caller.
const fs = require("node:fs");
const path = require("node:path");

async function main() {
  const [tree, sources] = process.argv.slice(2);
  if (!tree || !/^[0-9a-f]{64}$/.test(sources ?? "")) {
    throw new Error("usage: provider-closures.js <compiled tree> <sources sha256>");
  }
  const dir = path.resolve(tree, "providers");
  if (!fs.existsSync(dir)) return []; // a tree without dynamic providers
  const resolveFrom = { paths: [dir] };
  const sc = require(
    require.resolve("@pulumi/pulumi/runtime/closure/serializeClosure", resolveFrom),
  );
  const version = require(require.resolve("@pulumi/pulumi/package.json", resolveFrom)).version;
  const providers = {};
  for (const file of fs
    .readdirSync(dir)
    .filter((f) => f.endsWith(".js"))
    .sort()) {
    const mod = require(path.join(dir, file));
    for (const [name, value] of Object.entries(mod)) {
      if (!value || typeof value !== "object" || typeof value.create !== "function") continue;
      // Named `provider` as in @pulumi/pulumi's serializeFunctionMaybeSecret(provider): the
      // variable's name is part of the text (`return () => provider;`).
      const provider = value;
      const sf = await sc.serializeFunction(() => provider, { allowSecrets: true });
      providers[`${file.slice(0, -3)}.${name}`] = {
        text: sf.text,
        containsSecrets: sf.containsSecrets,
      };
    }
  }
  const out = { key: { sources, pulumi: version, node: process.version }, providers };
  fs.writeFileSync(path.join(dir, "closures.json"), JSON.stringify(out));
  return Object.keys(providers);
}

main().then(
  (names) => {
    process.stdout.write(`serialized: ${names.join(" ") || "none"}\n`);
    process.exit(0); // the serializer's inspector session would keep the process alive
  },
  (e) => {
    process.stderr.write(`provider-closures: ${e instanceof Error ? e.stack : String(e)}\n`);
    process.exit(1);
  },
);
