/**
 * The dynamic provider behind `AksEngineCluster`: it drives aks-engine-azurestack on the helper VM
 * over SSH. `diff` plans from the whole cluster definition (lib/definitionChange.ts), so a
 * preview shows the action or stops on a refusal before anything runs; `create`/`update` run the planned commands; `read` (pulumi refresh) asks
 * the cluster for its real node counts and version, so out-of-band changes show up as drift and
 * the next `pulumi up` reconciles them.
 */
import { createHash } from "node:crypto";
import * as pulumi from "@pulumi/pulumi";
import { ApiModel, redactApiModel } from "../lib/apiModel";
import { ClusterSpec, describePlan } from "../lib/clusterPlan";
import { contextRefusals, planDefinitionChange } from "../lib/definitionChange";
import {
  HelperContext,
  HelperOperation,
  observeNodes,
  ObservedCluster,
  parseHelperReport,
  renderHelperScript,
} from "./helperCommands";
import { DEFAULT_TIMEOUT_MINUTES, LongOperation, runDetached } from "./helperOperation";
import { listNodesViaApi } from "./clusterApi";
import { HelperAddress, runOnHelper } from "./helperSsh";
import { PrebuiltDynamicResource } from "./prebuiltDynamicResource";

/** Inputs of the cluster resource (plain values; the secret ones are wrapped by the component). */
export interface ClusterResourceInputs {
  helper: HelperAddress;
  helperPrivateKey: string;
  context: HelperContext;
  /** Desired cluster shape (planning input). */
  spec: ClusterSpec;
  /** The cluster definition JSON for the first deploy (holds the client secret). */
  apiModel: string;
  servicePrincipalSecret: string;
  servicePrincipalCertificate: string;
  /**
   * Overall wait per operation in minutes (defaults: deploy 120, scale 90, upgrade 360). Past it
   * the provider stops waiting; the operation keeps running on the helper and the next
   * `pulumi up` follows it.
   */
  operationTimeoutMinutes?: Partial<Record<LongOperation["op"], number>>;
}

/** State of the cluster resource: its inputs plus what the cluster reported. */
export interface ClusterResourceOutputs extends ClusterResourceInputs {
  kubeconfig: string;
  /** base64 tar.gz of the helper's `_output/` (generated apimodel, certificates). */
  outputArchive: string;
  observed: ObservedCluster;
}

/** Outputs that must always be stored as secrets. */
export const SECRET_OUTPUTS = [
  "helperPrivateKey",
  "apiModel",
  "servicePrincipalSecret",
  "servicePrincipalCertificate",
  "kubeconfig",
  "outputArchive",
];

/** The spec as the nodes report it; what aks-engine cannot observe is kept from `known`. */
export function specFromObserved(known: ClusterSpec, observed: ObservedCluster): ClusterSpec {
  return {
    ...known,
    masterCount: observed.masterCount,
    kubernetesVersion: observed.kubernetesVersion || known.kubernetesVersion,
    pools: known.pools.map((p) => ({ ...p, count: observed.pools[p.name] ?? 0 })),
  };
}

function deployOperation(inputs: ClusterResourceInputs): HelperOperation {
  return { op: "deploy", apiModel: inputs.apiModel, digest: definitionDigest(inputs.apiModel) };
}

async function run(
  inputs: ClusterResourceInputs,
  operation: HelperOperation,
  restoreArchive?: string,
): Promise<{ kubeconfig: string; outputArchive: string; observed: ObservedCluster }> {
  const label = `[aks-engine ${inputs.context.location}] ${operation.op}`;
  const mask = [inputs.servicePrincipalSecret, inputs.servicePrincipalCertificate];
  if (operation.op === "deploy" || operation.op === "scale" || operation.op === "upgrade") {
    const stdout = await runDetached({
      helper: inputs.helper,
      privateKey: inputs.helperPrivateKey,
      context: inputs.context,
      operation,
      secrets: {
        servicePrincipalCertificate: inputs.servicePrincipalCertificate,
        servicePrincipalSecret: inputs.servicePrincipalSecret,
      },
      restoreArchive,
      timeoutMs: operationTimeoutMs(inputs, operation.op),
      mask,
      say: (line) => process.stderr.write(`${label}: ${line}\n`),
    });
    const report = parseHelperReport(stdout);
    return {
      kubeconfig: report.kubeconfig,
      outputArchive: report.outputArchive,
      observed: observeNodes(report.nodesJson),
    };
  }
  const script = renderHelperScript(
    inputs.context,
    operation,
    {
      servicePrincipalCertificate: inputs.servicePrincipalCertificate,
      servicePrincipalSecret: inputs.servicePrincipalSecret,
    },
    restoreArchive,
  );
  const stdout = await runOnHelper(inputs.helper, inputs.helperPrivateKey, script, {
    secrets: mask,
    // Plugin stderr reaches the Pulumi CLI as diagnostics: a long deploy shows its progress.
    onLine: (line) => process.stderr.write(`${label}: ${line}\n`),
  });
  if (operation.op === "forget") {
    return {
      kubeconfig: "",
      outputArchive: "",
      observed: { masterCount: 0, pools: {}, kubernetesVersion: "" },
    };
  }
  const report = parseHelperReport(stdout);
  return {
    kubeconfig: report.kubeconfig,
    outputArchive: report.outputArchive,
    observed: observeNodes(report.nodesJson),
  };
}

/**
 * What `read` (refresh) sees. The cluster's own API comes first (the kubeconfig in state, one
 * HTTPS call, providers/clusterApi.ts): it answers while the helper VM is deallocated or lost, and
 * it is the same API the workloads use. Only when the API does not answer is the helper asked, with
 * the `observe` script (it changes nothing in the cluster; a new or replaced helper first gets
 * `_output/` back from state, as before any operation); its report also brings the helper's
 * `_output/` (kubeconfig, archive) into state. When neither
 * answers the refresh fails naming both reasons: a drift run shows the stack as `unknown`, never as
 * clean.
 */
export async function observeForRefresh(
  props: ClusterResourceOutputs,
  viaApi: (kubeconfig: string) => Promise<string> = listNodesViaApi,
  viaHelper: (p: ClusterResourceOutputs) => ReturnType<typeof run> = (p) =>
    run(p, { op: "observe" }, p.outputArchive),
): Promise<{ kubeconfig: string; outputArchive: string; observed: ObservedCluster }> {
  const label = `[aks-engine ${props.context.location}]`;
  let apiReason = "the state holds no kubeconfig";
  if (props.kubeconfig) {
    try {
      const observed = observeNodes(await viaApi(props.kubeconfig));
      process.stderr.write(`${label} refresh: observed through the cluster API\n`);
      return { kubeconfig: props.kubeconfig, outputArchive: props.outputArchive, observed };
    } catch (e) {
      apiReason = (e as Error).message;
    }
  }
  process.stderr.write(
    `${label} refresh: cluster API not reachable (${apiReason}); asking the helper\n`,
  );
  try {
    return await viaHelper(props);
  } catch (e) {
    const helperReason = String((e as Error)?.message ?? e).split("\n")[0];
    throw new Error(
      `cluster ${props.context.location} not observed: through its API: ${apiReason}; through the helper ${props.helper.host}:${props.helper.port}: ${helperReason}. State keeps the last observation; see docs/stamp-runbook.md "Refresh when the helper or the API is gone"`,
    );
  }
}

/** The overall timeout of one operation: `operationTimeoutMinutes` or the default, checked. */
export function operationTimeoutMs(inputs: ClusterResourceInputs, op: LongOperation["op"]): number {
  const minutes = inputs.operationTimeoutMinutes?.[op] ?? DEFAULT_TIMEOUT_MINUTES[op];
  if (typeof minutes !== "number" || !(minutes > 0) || minutes > 7 * 24 * 60) {
    throw new Error(
      `operationTimeoutMinutes.${op}: ${JSON.stringify(minutes)} is not allowed; expected minutes, more than 0 and at most 10080 (a week)`,
    );
  }
  return minutes * 60_000;
}

/** Digest of the input definition without secrets: tells a corrected first deploy apart. */
export function definitionDigest(apiModel: string): string {
  const redacted = JSON.stringify(redactApiModel(JSON.parse(apiModel) as ApiModel));
  return `sha256:${createHash("sha256").update(redacted).digest("hex")}`;
}

/**
 * The cluster definition JSON. During a preview an input not known yet (the nodes' SSH key being
 * replaced) reaches the provider as a placeholder, not JSON: refused, since no action could
 * carry out a definition nobody has seen.
 */
function parseModel(text: string, which: string): ApiModel {
  try {
    return JSON.parse(text) as ApiModel;
  } catch {
    throw new Error(
      `The cluster change is refused, nothing was changed:\n  - the ${which} cluster definition is not known during this preview (is the nodes' SSH key, tls.PrivateKey <stamp>-cluster-node-ssh-key, being replaced?); aks-engine cannot apply a definition that changes in ways nobody can review: keep its inputs, or deploy a new stamp stack`,
    );
  }
}

/**
 * The whole-definition plan (lib/definitionChange.ts): the last applied definition with what
 * refresh observed (`olds.spec`) against the new one. A refusal is re-thrown as a plain Error:
 * the dynamic provider runs a serialized copy of this code, where only a plain Error's message
 * reaches the CLI intact.
 */
export function plan(olds: ClusterResourceOutputs | undefined, news: ClusterResourceInputs) {
  try {
    const refusals = olds ? contextRefusals(olds.context, news.context) : [];
    const planned = planDefinitionChange({
      current: olds && { model: parseModel(olds.apiModel, "last applied"), spec: olds.spec },
      desired: { model: parseModel(news.apiModel, "new"), spec: news.spec },
      secretChanged: !!olds && credentialsChanged(olds, news),
      extraRefusals: refusals,
    });
    return planned;
  } catch (e) {
    const reasons = (e as { reasons?: string[] }).reasons;
    throw new Error(
      reasons
        ? `The cluster change is refused, nothing was changed:\n  - ${reasons.join("\n  - ")}`
        : String((e as Error)?.message ?? e),
    );
  }
}

function credentialsChanged(olds: ClusterResourceInputs, news: ClusterResourceInputs): boolean {
  return olds.servicePrincipalSecret !== news.servicePrincipalSecret;
}

export const aksEngineProvider: pulumi.dynamic.ResourceProvider = {
  async diff(_id: string, olds: ClusterResourceOutputs, news: ClusterResourceInputs) {
    // Throws PlanRefusal with every reason: the preview stops before anything runs.
    const planned = plan(olds, news);
    const changes: string[] = [];
    if (planned.kind !== "none") {
      changes.push("spec");
      process.stderr.write(
        `[aks-engine ${news.context.location}] plan: ${describePlan(planned).join("; ")}\n`,
      );
    }
    if (credentialsChanged(olds, news)) changes.push("servicePrincipalSecret");
    for (const key of [
      "helper",
      "helperPrivateKey",
      "context",
      "servicePrincipalCertificate",
      "apiModel",
    ] as const) {
      if (JSON.stringify(olds[key]) !== JSON.stringify(news[key])) changes.push(key);
    }
    return {
      changes: changes.length > 0,
      replaces: [],
      deleteBeforeReplace: false,
    };
  },

  async create(inputs: ClusterResourceInputs) {
    const result = await run(inputs, deployOperation(inputs));
    return {
      id: `${inputs.context.resourceGroup}/${inputs.context.location}`,
      outs: { ...inputs, ...result },
    };
  },

  async update(_id: string, olds: ClusterResourceOutputs, news: ClusterResourceInputs) {
    const planned = plan(olds, news);
    let result = {
      kubeconfig: olds.kubeconfig,
      outputArchive: olds.outputArchive,
      observed: olds.observed,
    };
    if (planned.kind === "deploy") {
      result = await run(news, deployOperation(news), olds.outputArchive);
    } else if (planned.kind === "change") {
      for (const step of planned.steps) {
        const op: HelperOperation =
          step.action === "scale"
            ? { op: "scale", pool: step.pool, count: step.to }
            : { op: "upgrade", version: step.version, force: step.force };
        result = await run(news, op, result.outputArchive);
      }
    } else {
      // Only the helper or credentials bookkeeping changed: make sure the helper has _output/.
      result = await run(news, { op: "observe" }, olds.outputArchive);
    }
    return { outs: { ...news, ...result } };
  },

  async read(id: string, props: ClusterResourceOutputs) {
    const result = await observeForRefresh(props);
    return {
      id,
      props: { ...props, ...result, spec: specFromObserved(props.spec, result.observed) },
    };
  },

  async delete(_id: string, props: ClusterResourceOutputs) {
    // The cluster's resource group (a Pulumi resource) is deleted next; forget its _output/ here.
    try {
      await run(props, { op: "forget" });
    } catch (e) {
      process.stderr.write(
        `[aks-engine ${props.context.location}] could not clean the helper: ${(e as Error).message}\n`,
      );
    }
  },
};

/** The Pulumi resource for the cluster's aks-engine lifecycle. */
export class AksEngineDeployment extends PrebuiltDynamicResource {
  declare readonly kubeconfig: pulumi.Output<string>;
  declare readonly outputArchive: pulumi.Output<string>;
  declare readonly observed: pulumi.Output<ObservedCluster>;
  declare readonly spec: pulumi.Output<ClusterSpec>;

  constructor(
    name: string,
    args: { [K in keyof ClusterResourceInputs]: pulumi.Input<ClusterResourceInputs[K]> },
    opts?: pulumi.CustomResourceOptions,
  ) {
    super(
      "aksEngineProvider.aksEngineProvider",
      aksEngineProvider,
      name,
      { ...args, kubeconfig: undefined, outputArchive: undefined, observed: undefined },
      {
        ...opts,
        additionalSecretOutputs: SECRET_OUTPUTS,
      },
      "ash-ha-kubernetes",
      "AksEngineDeployment",
    );
  }
}
