/**
 * Resource transforms (`transforms` options and stack transforms) under Pulumi mocks, run the way
 * the engine runs them. @pulumi/pulumi 3.259's mock monitor refuses `transforms` ("The Pulumi CLI
 * does not support transforms"); the engine runs a registration's own transforms, then those of
 * its parent, grandparent and so on, then the stack's, each on the previous one's result.
 *
 * `enableEngineTransforms()` turns transforms on for the mock monitor installed by
 * `pulumi.runtime.setMocks` and wraps its `registerResource`, so the `newResource` mock (and every
 * recorder) sees the transformed inputs, as a provider would. Call it after any other wrapping of
 * `registerResource` that must see the request synchronously.
 */
import * as pulumi from "@pulumi/pulumi";

/* eslint-disable @typescript-eslint/no-require-imports */
const { getStore } = require("@pulumi/pulumi/runtime/state");
const { deserializeProperties, serializeProperties } = require("@pulumi/pulumi/runtime/rpc");
const callbackProto = require("@pulumi/pulumi/proto/callback_pb");
const { Struct } = require("google-protobuf/google/protobuf/struct_pb");
/* eslint-enable @typescript-eslint/no-require-imports */

/** The parts of a RegisterResourceRequest and its response used here. */
interface Request {
  getType(): string;
  getName(): string;
  getCustom(): boolean;
  getParent(): string;
  getObject(): unknown;
  setObject(value: unknown): void;
  getTransformsList(): { getToken(): string }[];
}
type Callback = (err: unknown, resp?: { getUrn(): string }) => void;
interface Monitor {
  registerResource(req: Request, callback: Callback): unknown;
}

export function enableEngineTransforms(): void {
  const monitor = pulumi.runtime.getMonitor() as unknown as Monitor;
  const byToken = new Map<string, pulumi.ResourceTransform>();
  const own = new Map<string, pulumi.ResourceTransform[]>();
  const parents = new Map<string, string>();
  const stack: pulumi.ResourceTransform[] = [];
  let next = 0;

  const store = getStore();
  store.supportsTransforms = true;
  store.callbacks = {
    async registerTransform(transform: pulumi.ResourceTransform) {
      const token = `mock-transform-${next++}`;
      byToken.set(token, transform);
      const callback = new callbackProto.Callback();
      callback.setToken(token);
      callback.setTarget("mock-engine");
      return callback;
    },
    registerStackTransform(transform: pulumi.ResourceTransform) {
      stack.push(transform);
    },
    awaitStackRegistrations: () => Promise.resolve(),
  };

  const register = monitor.registerResource.bind(monitor);
  monitor.registerResource = (req, callback) => {
    const mine = req.getTransformsList().map((cb) => byToken.get(cb.getToken())!);
    const chain = [...mine];
    for (let p = req.getParent(); p; p = parents.get(p) ?? "") chain.push(...(own.get(p) ?? []));
    chain.push(...stack);
    const done: Callback = (err, resp) => {
      if (resp) {
        if (req.getParent()) parents.set(resp.getUrn(), req.getParent());
        if (mine.length) own.set(resp.getUrn(), mine);
      }
      callback(err, resp);
    };
    if (chain.length === 0) {
      register(req, done);
      return;
    }
    (async () => {
      let props = deserializeProperties(req.getObject(), true) as pulumi.Inputs;
      for (const transform of chain) {
        const args = { type: req.getType(), name: req.getName(), custom: req.getCustom() };
        const result = await transform({ ...args, props, opts: {} });
        if (result) props = result.props;
      }
      req.setObject(Struct.fromJavaScript(await serializeProperties("transformed", props)));
      register(req, done);
    })().catch((e) => callback(e));
  };
}
