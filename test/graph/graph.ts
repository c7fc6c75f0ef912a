/**
 * The resource graph a program hands the engine, as one sorted, canonical list: every registration
 * (and read) with its URN, parent, provider, dependencies, the options that change what the engine
 * does, and its inputs; then the program's exports. The graph tests snapshot it per stack, so a
 * refactoring that changes any of it fails.
 *
 * It hooks the mock monitor's requests (the `newResource` mock sees neither parents nor options)
 * and, like the engine, runs `transforms`: the resource's own, then its ancestors', then the stack's.
 * Secret values are replaced by a hash of their value: the snapshot never holds them in plaintext,
 * yet a changed secret input still changes the snapshot.
 */
import * as pulumi from "@pulumi/pulumi";
import { createHash } from "node:crypto";
import { MockOptions } from "../mocks";
import { useFixedDate } from "../support/fixedDate";
import { useStampKubeconfig } from "../support/stampKubeconfig";

/* eslint-disable @typescript-eslint/no-require-imports, @typescript-eslint/no-explicit-any */
const { MockMonitor } = require("@pulumi/pulumi/runtime/mocks");
const { getStore } = require("@pulumi/pulumi/runtime/state");
const { deserializeProperties, serializeProperties } = require("@pulumi/pulumi/runtime/rpc");
const callbackProto = require("@pulumi/pulumi/proto/callback_pb");
const { Struct } = require("google-protobuf/google/protobuf/struct_pb");
/* eslint-enable @typescript-eslint/no-require-imports */

const SECRET_SIG = "4dabf18193072939515e22adb298388d";

/** One registration as the engine receives it (after transforms). */
export interface GraphNode {
  urn: string;
  custom: boolean;
  read?: { id: string };
  parent?: string;
  provider?: string;
  providers?: Record<string, string>;
  dependencies?: string[];
  options?: Record<string, unknown>;
  inputs: unknown;
  outputs?: unknown;
}

/** Options of a registration that change what the engine does with it (defaults left out). */
const OPTION_FIELDS = [
  "protect",
  "deletebeforereplace",
  "ignorechangesList",
  "additionalsecretoutputsList",
  "replaceonchangesList",
  "retainondelete",
  "deletedwith",
  "aliasesList",
  "version",
  "plugindownloadurl",
  "customtimeouts",
  "importid",
  "hidediffsList",
  "replacewithList",
];

/** Sorts object keys, hashes secrets and marks serialized dynamic providers, recursively. */
export function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value === null || typeof value !== "object") return value;
  const obj = value as Record<string, unknown>;
  if (SECRET_SIG in obj && "value" in obj) {
    const text = JSON.stringify(obj.value) ?? "undefined";
    return { "[secret sha256]": createHash("sha256").update(text).digest("hex").slice(0, 16) };
  }
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(obj).sort()) {
    if (obj[key] === undefined) continue;
    // The dynamic provider's serialized code: checked by its own tests, not a graph fact.
    out[key] = key === "__provider" ? "[serialized dynamic provider]" : canonical(obj[key]);
  }
  return out;
}

function pickOptions(req: any): Record<string, unknown> | undefined {
  const all = req.toObject() as Record<string, unknown>;
  const picked: Record<string, unknown> = {};
  for (const field of OPTION_FIELDS) {
    const v = all[field];
    if (v === undefined || v === false || v === "" || (Array.isArray(v) && v.length === 0))
      continue;
    picked[field] = v;
  }
  return Object.keys(picked).length ? (canonical(picked) as Record<string, unknown>) : undefined;
}

type Transform = pulumi.ResourceTransform;

/**
 * Installs Pulumi mocks like `installMocks` and records the graph. Transforms are enabled (the mock
 * monitor of @pulumi/pulumi 3.259 refuses them) and run the way the engine runs them.
 */
export function installGraphMocks(options: MockOptions): {
  nodes: GraphNode[];
  settled: () => Promise<void>;
} {
  useFixedDate(); // the programs' pre-flight checks compare the stack files' dates with today
  const nodes: GraphNode[] = [];
  const byUrn = new Map<string, GraphNode>();
  const callbacks = new Map<string, Transform>();
  const ownTransforms = new Map<string, Transform[]>();
  const parents = new Map<string, string>();
  const stackTransforms: Transform[] = [];
  let pending = 0;

  const monitor = new MockMonitor({
    newResource(args: pulumi.runtime.MockResourceArgs) {
      const extra = options.outputs?.[args.type]?.(args) ?? {};
      return { id: `${args.name}-id`, state: { ...args.inputs, ...extra } };
    },
    call(args: pulumi.runtime.MockCallArgs) {
      const handler = options.invokes?.[args.token];
      if (!handler) throw new Error(`unexpected invoke ${args.token}: declare it in the mocks`);
      return handler(args);
    },
  });

  const register = monitor.registerResource.bind(monitor);
  const record = (req: any, resp: any, props: Record<string, unknown>, own: Transform[]) => {
    const urn: string = resp.getUrn();
    const parent: string = req.getParent();
    if (parent) parents.set(urn, parent);
    if (own.length) ownTransforms.set(urn, own);
    const node: GraphNode = {
      urn,
      custom: req.getCustom(),
      ...(parent ? { parent } : {}),
      ...(req.getProvider() ? { provider: req.getProvider() } : {}),
      inputs: canonical(props),
    };
    const providers = Object.fromEntries(req.getProvidersMap().toArray());
    if (Object.keys(providers).length) node.providers = canonical(providers) as any;
    const deps = [...(req.getDependenciesList() as string[])].sort();
    if (deps.length) node.dependencies = deps;
    const opts = pickOptions(req);
    if (opts) node.options = opts;
    nodes.push(node);
    byUrn.set(urn, node);
  };
  monitor.registerResource = (req: any, callback: (err: any, resp: any) => void) => {
    pending++;
    const own = (req.getTransformsList() as any[]).map((cb) => callbacks.get(cb.getToken())!);
    const chain = [...own];
    for (let p: string = req.getParent(); p; p = parents.get(p) ?? "") {
      chain.push(...(ownTransforms.get(p) ?? []));
    }
    chain.push(...stackTransforms);
    (async () => {
      let props = deserializeProperties(req.getObject(), true) as Record<string, unknown>;
      if (chain.length > 0) {
        for (const t of chain) {
          const args = { type: req.getType(), name: req.getName(), custom: req.getCustom() };
          const result = await t({ ...args, props, opts: {} });
          if (result) props = result.props as Record<string, unknown>;
        }
        req.setObject(Struct.fromJavaScript(await serializeProperties("transformed", props)));
      }
      register(req, (err: any, resp: any) => {
        pending--;
        if (resp) record(req, resp, props, own);
        callback(err, resp);
      });
    })().catch((e) => {
      pending--;
      callback(e, undefined);
    });
  };

  const read = monitor.readResource.bind(monitor);
  monitor.readResource = (req: any, callback: (err: any, resp: any) => void) => {
    pending++;
    read(req, (err: any, resp: any) => {
      pending--;
      if (resp) {
        const node: GraphNode = {
          urn: resp.getUrn(),
          custom: true,
          read: { id: req.getId() },
          ...(req.getParent() ? { parent: req.getParent() } : {}),
          ...(req.getProvider() ? { provider: req.getProvider() } : {}),
          inputs: canonical(deserializeProperties(req.getProperties(), true)),
        };
        const deps = [...(req.getDependenciesList() as string[])].sort();
        if (deps.length) node.dependencies = deps;
        nodes.push(node);
        byUrn.set(node.urn, node);
      }
      callback(err, resp);
    });
  };

  const registerOutputs = monitor.registerResourceOutputs.bind(monitor);
  monitor.registerResourceOutputs = (req: any, callback: (err: any, resp: any) => void) => {
    const node = byUrn.get(req.getUrn());
    if (node && req.getOutputs()) {
      node.outputs = canonical(deserializeProperties(req.getOutputs(), true));
    }
    registerOutputs(req, callback);
  };

  // pulumi.runtime.setMocks sets the runtime up (features, options); then the monitor above
  // replaces the one it made (in mock mode the runtime asks the store for its monitor).
  const project = options.project ?? "ash-ha-kubernetes";
  pulumi.runtime.setMocks(monitor.mocks, project, options.stack, false);
  const store = getStore();
  store.settings.monitor = monitor;
  store.supportsTransforms = true;
  let next = 0;
  store.callbacks = {
    async registerTransform(t: Transform) {
      const token = `transform-${next++}`;
      callbacks.set(token, t);
      const cb = new callbackProto.Callback();
      cb.setToken(token);
      cb.setTarget("graph-mocks");
      return cb;
    },
    registerStackTransform(t: Transform) {
      stackTransforms.push(t);
    },
    awaitStackRegistrations: () => Promise.resolve(),
  };
  if (options.config) pulumi.runtime.setAllConfig(options.config, options.secretKeys ?? []);
  useStampKubeconfig(options.config); // a stamp run checks $KUBECONFIG's API server

  const settled = async () => {
    let stable = 0;
    let last = -1;
    while (stable < 5) {
      await new Promise((r) => setTimeout(r, 20));
      if (pending === 0 && nodes.length === last) stable++;
      else stable = 0;
      last = nodes.length;
    }
  };
  return { nodes, settled };
}

/** Resolves every export of a program (secrets hashed), for the snapshot. */
export async function resolveExports(exports: Record<string, unknown>): Promise<unknown> {
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(exports).sort()) {
    const o = pulumi.output(exports[key]) as pulumi.Output<unknown>;
    const value = await new Promise((res) => o.apply((v: unknown) => res(v)));
    const secret = await (o as unknown as { isSecret: Promise<boolean> }).isSecret;
    out[key] = canonical(secret ? { [SECRET_SIG]: "x", value } : value);
  }
  return out;
}

/** The graph in a stable order: by URN, reads after registrations of the same URN. */
export function sortedGraph(nodes: GraphNode[]): GraphNode[] {
  return [...nodes].sort((a, b) =>
    a.urn === b.urn ? Number(!!a.read) - Number(!!b.read) : a.urn < b.urn ? -1 : 1,
  );
}
