/**
 * A password generated once with Node's CSPRNG and kept in state as a secret: a small Pulumi
 * dynamic resource, so the in-cluster layer needs no extra provider plugin (the @pulumi/random
 * plugin cannot be built from the Go module proxy; see docs/decisions.md). Changing `length`
 * replaces it, nothing else does; refresh keeps it (there is nothing outside state to read).
 */
import * as pulumi from "@pulumi/pulumi";
import { PrebuiltDynamicResource } from "./prebuiltDynamicResource";

interface Inputs {
  length: number;
}
interface Outputs extends Inputs {
  result: string;
}

/** Letters and digits only: safe in URIs, YAML and shell without quoting. */
export const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

export const provider: pulumi.dynamic.ResourceProvider<Inputs, Outputs> = {
  async create(inputs) {
    // Required inside the function: dynamic providers are serialised and run in their own process.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const crypto = require("node:crypto") as typeof import("node:crypto");
    const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    let result = "";
    for (let i = 0; i < inputs.length; i++) result += alphabet[crypto.randomInt(alphabet.length)];
    return { id: crypto.randomUUID(), outs: { length: inputs.length, result } };
  },
  async diff(_id, olds, news) {
    const changed = olds.length !== news.length;
    return { changes: changed, replaces: changed ? ["length"] : [], deleteBeforeReplace: false };
  },
  async read(id, props) {
    return { id, props };
  },
};

export interface GeneratedPasswordArgs {
  /** Number of characters (letters and digits). */
  length: number;
}

export class GeneratedPassword extends PrebuiltDynamicResource {
  /** The password; a secret in state and in every output that uses it. */
  declare public readonly result: pulumi.Output<string>;

  constructor(name: string, args: GeneratedPasswordArgs, opts?: pulumi.CustomResourceOptions) {
    if (!Number.isInteger(args.length) || args.length < 16 || args.length > 128) {
      throw new pulumi.ResourceError(
        `length: ${args.length} must be an integer from 16 to 128`,
        opts?.parent,
      );
    }
    super(
      "generatedPassword.provider",
      provider,
      name,
      { length: args.length, result: undefined },
      { ...opts, additionalSecretOutputs: ["result"] },
      "ash-ha-kubernetes",
      "GeneratedPassword",
    );
  }
}
