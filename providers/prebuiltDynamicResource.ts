/**
 * A dynamic resource whose provider text was serialized once, at build time, instead of in every
 * program run.
 *
 * `pulumi.dynamic.Resource` serializes its provider's closure (Pulumi's `serializeFunction`, which
 * walks every captured function through the V8 inspector) in each process that registers one: for
 * the AKS-engine provider ~89,000 characters and about half of a stamp program's own evaluation
 * time. `npm run build` (scripts/program-build.js, scripts/provider-closures.js) makes the same call
 * on the compiled modules and keeps the texts in bin/providers/closures.json, keyed on what they
 * depend on: the compiled sources, the `@pulumi/pulumi` version and the Node version. This class
 * registers the same type token with the same `__provider` input as `pulumi.dynamic.Resource`
 * would; a key that does not match (ts-jest, another Node, a hand-edited bin/) falls back to
 * serializing in-process, exactly as Pulumi does. test/prebuiltClosures.test.ts checks
 * that the prebuilt texts are byte-identical to what the program would serialize itself.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";

/** What the prebuilt texts depend on; any difference means "serialize in-process". */
export interface ClosureKey {
  /** SHA-256 of the compiled sources (bin/.sources-sha256). */
  sources: string;
  /** `@pulumi/pulumi`'s version: its serializer wrote the text. */
  pulumi: string;
  /** `process.version` of the process that serialized. */
  node: string;
}

export interface PrebuiltClosures {
  key: ClosureKey;
  /** By `<module file name without .js>.<export name>`, e.g. `aksEngineProvider.aksEngineProvider`. */
  providers: Record<string, { text: string; containsSecrets: boolean }>;
}

/** The file next to the compiled providers that `npm run build` writes. */
const CLOSURES_FILE = "closures.json";

/** The key of the running process, when it runs from a compiled tree (bin/). */
function currentClosureKey(): ClosureKey | undefined {
  let sources: string;
  try {
    sources = fs.readFileSync(path.join(__dirname, "..", ".sources-sha256"), "utf8").trim();
  } catch {
    return undefined; // not running from a built tree (ts-jest, ts-node)
  }
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const pulumiVersion = (require("@pulumi/pulumi/package.json") as { version: string }).version;
  return { sources, pulumi: pulumiVersion, node: process.version };
}

let loaded: PrebuiltClosures | null | undefined;

function prebuilt(): PrebuiltClosures | null {
  if (loaded !== undefined) return loaded;
  loaded = null;
  const key = currentClosureKey();
  if (!key) return loaded;
  let file: PrebuiltClosures;
  try {
    file = JSON.parse(
      fs.readFileSync(path.join(__dirname, CLOSURES_FILE), "utf8"),
    ) as PrebuiltClosures;
  } catch {
    return loaded;
  }
  const same = (Object.keys(key) as (keyof ClosureKey)[]).every((k) => file.key?.[k] === key[k]);
  if (same) loaded = file;
  else
    pulumi.log.debug(
      `prebuilt provider closures are for ${JSON.stringify(file.key)}, not ${JSON.stringify(key)}: serializing in-process`,
    );
  return loaded;
}

const serializedHere = new WeakMap<object, pulumi.Output<string>>();

/** Pulumi's own serialization, once per provider object (as its dynamic.Resource caches it). */
function serializeInProcess(provider: pulumi.dynamic.ResourceProvider): pulumi.Output<string> {
  let text = serializedHere.get(provider);
  if (!text) {
    // Loaded on demand, as @pulumi/pulumi's dynamic module does: its dependencies are slow to load.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const sc = require("@pulumi/pulumi/runtime/closure/serializeClosure") as {
      serializeFunction(
        f: () => unknown,
        o: { allowSecrets: boolean },
      ): Promise<{ text: string; containsSecrets: boolean }>;
    };
    const sf = sc.serializeFunction(() => provider, { allowSecrets: true });
    text = pulumi
      .output(sf)
      .apply((s) => (s.containsSecrets ? pulumi.secret(s.text) : pulumi.output(s.text)));
    serializedHere.set(provider, text);
  }
  return text;
}

/** The `__provider` input for `provider`, prebuilt under `name` when the key matches. */
export function providerText(
  name: string,
  provider: pulumi.dynamic.ResourceProvider,
): pulumi.Input<string> {
  const hit = prebuilt()?.providers[name];
  if (!hit) return serializeInProcess(provider);
  return hit.containsSecrets ? pulumi.secret(hit.text) : hit.text;
}

/** `pulumi.dynamic.Resource` with the provider text prebuilt (see the top of this file). */
export abstract class PrebuiltDynamicResource extends pulumi.CustomResource {
  /**
   * @param providerName `<module file>.<export>` of the provider, as `npm run build` names it.
   * @param module, type The type token is `pulumi-nodejs:dynamic/<module>:<type>`, as Pulumi's.
   */
  protected constructor(
    providerName: string,
    provider: pulumi.dynamic.ResourceProvider,
    name: string,
    props: pulumi.Inputs,
    opts: pulumi.CustomResourceOptions | undefined,
    module: string,
    type: string,
  ) {
    if (props.__provider) throw new Error("A dynamic resource must not define the __provider key");
    super(
      `pulumi-nodejs:dynamic/${module}:${type}`,
      name,
      { ...props, __provider: providerText(providerName, provider) },
      opts,
    );
  }
}
