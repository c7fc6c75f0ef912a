/**
 * Pulumi mocks for component and program tests: records every resource the program registers and
 * fails loudly on any invoke a test did not declare.
 */
import * as pulumi from "@pulumi/pulumi";
import { enableEngineTransforms } from "./support/engineTransforms";
import { useFixedDate } from "./support/fixedDate";
import { useStampKubeconfig } from "./support/stampKubeconfig";

/** One registered (or read) resource as the engine would see it. */
export interface Recorded {
  type: string;
  name: string;
  /** The resource's URN, as the mock engine derives it (parent type chain, type, name). */
  urn: string;
  inputs: Record<string, unknown>;
  provider?: string;
  /** URN of the parent resource; undefined for a resource parented to the stack. */
  parent?: string;
  /** The id of an existing resource to read (`X.get(...)`) or import; undefined for a new one. */
  id?: string;
}

/** The part of the mock engine's monitor `installMocks` listens to. */
interface MockRequest {
  getParent(): string;
  getType(): string;
  getName(): string;
}
type MonitorMethod = (req: MockRequest, callback: (...args: unknown[]) => void) => unknown;
interface MockMonitor {
  registerResource: MonitorMethod;
  readResource: MonitorMethod;
  newUrn(parent: string, type: string, name: string): string;
}

export type InvokeHandler = (args: pulumi.runtime.MockCallArgs) => Record<string, unknown>;

export interface MockOptions {
  /** Outputs a resource gets besides its inputs, by type token. */
  outputs?: Record<string, (args: pulumi.runtime.MockResourceArgs) => Record<string, unknown>>;
  /** Invokes the program may call, by token; any other invoke throws. */
  invokes?: Record<string, InvokeHandler>;
  /** Config as `<project>:<key>` -> value, and which keys are secret. */
  config?: Record<string, string>;
  secretKeys?: string[];
  project?: string;
  stack?: string;
  /** Run as a preview (outputs the mock does not return stay unknown). */
  preview?: boolean;
}

/** Installs mocks and returns the live list of registered resources. */
export function installMocks(options: MockOptions = {}): Recorded[] {
  useFixedDate(); // the programs' pre-flight checks compare the stack files' dates with today
  const recorded: Recorded[] = [];
  // Pulumi's MockResourceArgs carries no parent, but the request the mock monitor gets does: the
  // monitor calls `newResource` synchronously, before its first await, so the request being
  // handled is known there.
  let request: MockRequest | undefined;
  pulumi.runtime.setMocks(
    {
      newResource(args) {
        const extra = options.outputs?.[args.type]?.(args) ?? {};
        if (!request || request.getName() !== args.name) {
          throw new Error(`test/mocks.ts: no engine request for ${args.type} ${args.name}`);
        }
        const parent = request.getParent() || undefined;
        recorded.push({
          type: args.type,
          name: args.name,
          urn: monitor.newUrn(request.getParent(), args.type, args.name),
          inputs: args.inputs,
          provider: args.provider,
          parent,
          id: args.id || undefined,
        });
        return { id: `${args.name}-id`, state: { ...args.inputs, ...extra } };
      },
      call(args) {
        const handler = options.invokes?.[args.token];
        if (!handler) {
          throw new Error(`unexpected invoke ${args.token}: declare it in the test's mocks`);
        }
        return handler(args);
      },
    },
    options.project ?? "ash-ha-kubernetes",
    options.stack ?? "test",
    options.preview ?? false,
    "organization", // what the file backend reports (a stamp's cluster phase reads its own stack)
  );
  // The mock monitor setMocks installed (newResource above runs only once it handles a request).
  const monitor = pulumi.runtime.getMonitor() as unknown as MockMonitor;
  for (const method of ["registerResource", "readResource"] as const) {
    const original = monitor[method].bind(monitor);
    monitor[method] = (req, callback) => {
      request = req;
      inFlight++;
      let done = false;
      const finish = () => {
        if (!done) inFlight--;
        done = true;
      };
      try {
        return original(req, (...args: unknown[]) => {
          finish();
          callback(...args);
        });
      } catch (e) {
        finish();
        throw e;
      } finally {
        request = undefined;
      }
    };
  }
  // Transforms run as the engine runs them, before the request reaches the recorder above.
  enableEngineTransforms();
  if (options.config) pulumi.runtime.setAllConfig(options.config, options.secretKeys ?? []);
  useStampKubeconfig(options.config); // a stamp run checks $KUBECONFIG's API server
  return recorded;
}

/** Resolves an output's value and secrecy in a test. */
export async function resolve<T>(
  output: pulumi.Input<T> | undefined,
): Promise<{ value: T | undefined; secret: boolean }> {
  const o = pulumi.output(output) as pulumi.Output<T>;
  const value = await new Promise<T | undefined>((res) => o.apply((v) => res(v)));
  const secret = await (o as unknown as { isSecret: Promise<boolean> }).isSecret;
  return { value, secret };
}

/** Registrations and reads the mock engine has received and not answered yet. */
let inFlight = 0;

/**
 * Waits until the engine has answered every registration started so far and nothing new arrived
 * for a few event-loop turns (work chained on an answer gets its turn). Fails instead of hanging
 * when the program never goes quiet.
 */
export async function settle(): Promise<void> {
  for (let quiet = 0, turns = 0; quiet < 5; turns++) {
    if (turns > 100_000) throw new Error("settle(): the mock engine never went quiet");
    await new Promise((r) => setImmediate(r));
    quiet = inFlight === 0 ? quiet + 1 : 0;
  }
}

const SECRET_SIG = "4dabf18193072939515e22adb298388d";
const SECRET_VALUE_SIG = "1b47061264138c4ac30d75fd1eb44270";

/** Unwraps a value the engine received; `secret` says whether it arrived marked secret. */
export function unwrapSecret<T = unknown>(value: unknown): { value: T; secret: boolean } {
  if (
    value &&
    typeof value === "object" &&
    (value as Record<string, unknown>)[SECRET_SIG] === SECRET_VALUE_SIG
  ) {
    return { value: (value as { value: T }).value, secret: true };
  }
  return { value: value as T, secret: false };
}
