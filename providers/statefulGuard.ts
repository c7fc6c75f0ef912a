/**
 * The guard of MongoDB's data: a small dynamic resource that keeps in state the config values last
 * applied to the stateful objects (namespace, StorageClass, volume size) and refuses, in its
 * `diff` (so at preview, before anything changes), a change that would replace or delete the data:
 * the decision and the wording are lib/dataSafety.ts's. The stateful objects depend on it, so even
 * `pulumi up --skip-preview` stops before touching them. Creates nothing outside state.
 */
import * as pulumi from "@pulumi/pulumi";
import { StatefulValues, statefulChangeRefusals } from "../lib/dataSafety";
import { PrebuiltDynamicResource } from "./prebuiltDynamicResource";

interface Inputs extends StatefulValues {
  /** Changes an operator approved after following the procedure (`app.approvedStatefulChanges`). */
  approved: string[];
}
type Outputs = Inputs;

const values = (v: StatefulValues): StatefulValues => ({
  namespace: v.namespace,
  storageClass: v.storageClass,
  storageSize: v.storageSize,
});

export const provider: pulumi.dynamic.ResourceProvider<Inputs, Outputs> = {
  async create(inputs) {
    // Required inside the function: dynamic providers are serialised and run in their own process.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const crypto = require("node:crypto") as typeof import("node:crypto");
    return { id: crypto.randomUUID(), outs: inputs };
  },
  async diff(_id, olds, news) {
    const refusals = statefulChangeRefusals(values(olds), values(news), news.approved ?? []);
    if (refusals.length > 0) throw new Error(refusals.join("\n"));
    const changed = (["namespace", "storageClass", "storageSize"] as const).filter(
      (k) => olds[k] !== news[k],
    );
    const approvedChanged =
      JSON.stringify(olds.approved ?? []) !== JSON.stringify(news.approved ?? []);
    return {
      changes: changed.length > 0 || approvedChanged,
      replaces: [],
      deleteBeforeReplace: false,
    };
  },
  async update(_id, _olds, news) {
    return { outs: news };
  },
  async read(id, props) {
    return { id, props };
  },
};

export interface StatefulGuardArgs extends StatefulValues {
  /** Changes approved after following the procedure, as the refusal names them. Defaults to none. */
  approved?: string[];
}

/** Refuses at preview a config change that would replace or delete MongoDB's data. */
export class StatefulGuard extends PrebuiltDynamicResource {
  declare public readonly namespace: pulumi.Output<string>;
  declare public readonly storageClass: pulumi.Output<string>;
  declare public readonly storageSize: pulumi.Output<string>;

  constructor(name: string, args: StatefulGuardArgs, opts?: pulumi.CustomResourceOptions) {
    super(
      "statefulGuard.provider",
      provider,
      name,
      {
        namespace: args.namespace,
        storageClass: args.storageClass,
        storageSize: args.storageSize,
        approved: args.approved ?? [],
      },
      opts,
      "ash-ha-kubernetes",
      "StatefulGuard",
    );
  }
}
