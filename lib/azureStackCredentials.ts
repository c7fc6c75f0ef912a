/**
 * Which Azure Stack Hub identity a stamp's azurestack provider uses, and where its credentials come
 * from. Pure: the caller passes the environment and the run mode.
 *
 * - Without `azureStack.previewClientId` the provider gets the stamp's service principal as inputs
 *   (`clientId` from config, `clientSecret` the secret `servicePrincipalSecret`), as before: every
 *   run, previews and drift checks included, uses that deploying principal.
 * - With it, the provider gets no credential inputs at all. Its client id and secret come from the
 *   job's environment: `ASHK8S_AZURESTACK_CLIENT_ID` / `_SECRET`, which Pulumi's `envVarMappings`
 *   option hands to the provider's process as `ARM_CLIENT_ID` / `ARM_CLIENT_SECRET` (the variables
 *   terraform-provider-azurestack v1.0.0 reads when the inputs are unset: `EnvDefaultFunc` in
 *   internal/provider/provider.go). The mapping is recorded in the provider's `__internal` state,
 *   which the engine leaves out of the provider diff (pulumi v3.259.0
 *   pkg/resource/deploy/providers/registry.go, `FilterProviderConfig`), and the bridge records no
 *   environment default as an input (pulumi-terraform-bridge v3.128.0 `CheckConfig` returns the
 *   program's inputs only), so a preview with the read-only principal and an `up` with the
 *   deploying one configure the provider with the same inputs: an unchanged stack previews with no
 *   changes. `pulumi refresh` (the drift check) runs no program and loads the provider from state
 *   with the same mapping, so it uses the drift job's environment too.
 * - The job says what it is in `ASHK8S_PIPELINE_ROLE` (`preview`, `drift`, `deploy`; unset on an
 *   operator's machine means `deploy`), and the run is refused, before any resource is registered,
 *   when the identity in the environment does not fit: a preview or drift run must use
 *   `previewClientId` and may not update; a deploy must use `clientId` with the secret the stack
 *   holds. The Reader role of the preview principal on the stamp is what actually keeps a preview
 *   read-only (a pull request can edit this check); the check keeps an honest pipeline honest.
 */

/** The environment variable naming the pipeline job that runs the program. */
export const ROLE_VARIABLE = "ASHK8S_PIPELINE_ROLE";
/** The Azure Stack Hub client id of the job's identity (public). */
export const CLIENT_ID_VARIABLE = "ASHK8S_AZURESTACK_CLIENT_ID";
/** The Azure Stack Hub client secret of the job's identity (a job secret). */
export const CLIENT_SECRET_VARIABLE = "ASHK8S_AZURESTACK_CLIENT_SECRET";
/** `envVarMappings` of the azurestack provider: job variable -> what the provider reads. */
export const AZURESTACK_ENV_MAPPINGS: Readonly<Record<string, string>> = {
  [CLIENT_ID_VARIABLE]: "ARM_CLIENT_ID",
  [CLIENT_SECRET_VARIABLE]: "ARM_CLIENT_SECRET",
};

export const PIPELINE_ROLES = ["preview", "drift", "deploy"] as const;
export type PipelineRole = (typeof PIPELINE_ROLES)[number];

/** What the provider is built with. */
export type AzureStackCredentials =
  | {
      /** Inputs `clientId` and `clientSecret` from the stack's config (no previewClientId). */
      source: "config";
      role: PipelineRole;
      /** Set when a preview or drift run is about to use the deploying principal. */
      warning?: string;
    }
  | {
      /** No credential inputs; `envVarMappings` hands the job's identity to the provider. */
      source: "environment";
      role: PipelineRole;
      /** The client id the job's environment names (checked against the role). */
      clientId: string;
      envVarMappings: Record<string, string>;
    };

export interface CredentialInputs {
  stamp: string;
  clientId: string;
  previewClientId?: string;
  /** The stack's `servicePrincipalSecret` (compared, never printed). */
  servicePrincipalSecret: string;
}

/** Thrown with every problem found; each names the variable or key, the value and what is allowed. */
export class CredentialError extends Error {
  constructor(
    readonly stamp: string,
    readonly problems: string[],
  ) {
    super(
      `Azure Stack Hub credentials of stamp "${stamp}" do not fit this run:\n` +
        problems.map((p) => `  - ${p}`).join("\n"),
    );
    this.name = "CredentialError";
  }
}

/** A value as it appears in a message: JSON-quoted, shortened, everything beyond ASCII escaped. */
const shown = (v: string) =>
  JSON.stringify(v.length > 80 ? `${v.slice(0, 80)}...` : v).replace(
    /[^\x20-\x7e]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );
/** Azure Pipelines passes an undefined variable as the literal text `$(NAME)`. */
const undefinedMacro = (v: string) => /^\$\([^)]*\)$/.test(v);

/** The role a run declares in `ASHK8S_PIPELINE_ROLE`; unset or empty is `deploy`. */
export function pipelineRole(env: Readonly<Record<string, string | undefined>>): PipelineRole {
  const raw = env[ROLE_VARIABLE];
  if (raw === undefined || raw === "") return "deploy";
  if ((PIPELINE_ROLES as readonly string[]).includes(raw)) return raw as PipelineRole;
  throw new Error(
    `${ROLE_VARIABLE} is ${shown(raw)}; set it to ${PIPELINE_ROLES.join(", ")}, or leave it unset on an operator's machine (deploy)`,
  );
}

/**
 * Chooses the azurestack provider's credentials for one run of the stamp program and checks the
 * job's environment against the declared role. `dryRun` is true while Pulumi previews (also the
 * preview phase of `pulumi up`). Throws `CredentialError` listing every problem.
 */
export function azureStackCredentials(
  ash: CredentialInputs,
  env: Readonly<Record<string, string | undefined>>,
  dryRun: boolean,
): AzureStackCredentials {
  const role = pipelineRole(env);
  const readOnly = role !== "deploy";
  if (ash.previewClientId === undefined) {
    return readOnly
      ? {
          source: "config",
          role,
          warning:
            `stamp "${ash.stamp}" has no azureStack.previewClientId: this ${role} run signs in to Azure Stack Hub ` +
            `with the deploying service principal azureStack.clientId ${ash.clientId} (docs/pipelines.md, "Trust model")`,
        }
      : { source: "config", role };
  }

  const problems: string[] = [];
  const [wantKey, wantId] = readOnly
    ? ["azureStack.previewClientId", ash.previewClientId]
    : ["azureStack.clientId", ash.clientId];
  const id = env[CLIENT_ID_VARIABLE];
  const secret = env[CLIENT_SECRET_VARIABLE];
  const why = `stamp "${ash.stamp}" sets azureStack.previewClientId, so its azurestack provider takes the identity from the job's environment`;

  if (readOnly && !dryRun)
    problems.push(
      `${ROLE_VARIABLE} is ${role}: the read-only preview principal cannot run an update; only pulumi preview or refresh --preview-only`,
    );
  if (id === undefined || id === "")
    problems.push(
      `${CLIENT_ID_VARIABLE} is not set (${why}); a ${role} job sets it to ${wantKey} ${wantId}`,
    );
  else if (undefinedMacro(id))
    problems.push(
      `${CLIENT_ID_VARIABLE} is ${shown(id)}: the job's variable group does not define it; define it as ${wantKey} ${wantId}`,
    );
  else if (id !== wantId)
    problems.push(
      readOnly && id === ash.clientId
        ? `${CLIENT_ID_VARIABLE} is the deploying principal azureStack.clientId ${id}: a ${role} job gets only the read-only principal azureStack.previewClientId ${ash.previewClientId}`
        : `${CLIENT_ID_VARIABLE} is ${shown(id)}; a ${role} job must use ${wantKey} ${wantId}`,
    );

  if (secret === undefined || secret === "")
    problems.push(
      `${CLIENT_SECRET_VARIABLE} is not set (${why}); a ${role} job sets it to the secret of ${wantKey} ${wantId}`,
    );
  else if (undefinedMacro(secret))
    problems.push(
      `${CLIENT_SECRET_VARIABLE} is the literal ${shown(secret)}: the job's variable group does not define it as a secret`,
    );
  else if (readOnly && secret === ash.servicePrincipalSecret)
    problems.push(
      `${CLIENT_SECRET_VARIABLE} [secret] is the deploying principal's secret (servicePrincipalSecret): a ${role} job gets only the read-only principal's secret`,
    );
  else if (!readOnly && secret !== ash.servicePrincipalSecret)
    problems.push(
      `${CLIENT_SECRET_VARIABLE} [secret] differs from the stack's secret servicePrincipalSecret: the deploy environment and the stack file must hold the same secret of azureStack.clientId ${ash.clientId} (rotate both together)`,
    );

  if (problems.length > 0) throw new CredentialError(ash.stamp, problems);
  return {
    source: "environment",
    role,
    clientId: wantId,
    envVarMappings: { ...AZURESTACK_ENV_MAPPINGS },
  };
}
