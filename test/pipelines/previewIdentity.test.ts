/**
 * The read-only preview identity of a stamp (issue 14): `azureStack.previewClientId`, the selection
 * logic of lib/azureStackCredentials.ts, and what stampProviders registers under Pulumi mocks (the
 * provider inputs and the `envVarMappings` the SDK sends the engine). The workflow wiring (which
 * job sets which variables) is in ./githubTrust.test.ts and ./azureTrust.test.ts.
 *
 * Verified here under mocks only. That the engine leaves `envVarMappings` out of the provider diff
 * and that the bridge records no environment default as an input is read from the sources named in
 * lib/azureStackCredentials.ts, not run on a real engine or stamp.
 */
import * as pulumi from "@pulumi/pulumi";
import {
  AZURESTACK_ENV_MAPPINGS,
  azureStackCredentials,
  CLIENT_ID_VARIABLE,
  CLIENT_SECRET_VARIABLE,
  CredentialError,
  ROLE_VARIABLE,
} from "../../lib/azureStackCredentials";
import { stampProviders } from "../../stacks/stamp";
import { problemsOf, stamp } from "../config/support";
import { installMocks, Recorded, settle, unwrapSecret } from "../mocks";
import { stampConfig } from "../stampConfigs";

const DEPLOY_ID = stampConfig("seattle").azureStack.clientId;
const PREVIEW_ID = "7e1c3a5b-9d2f-4b6a-8c0e-1f3a5c7e9b24";
const SP_SECRET = "sp-secret-value"; // test/stampConfigs.ts's stand-in for servicePrincipalSecret
const READER_SECRET = "reader-secret-value";
const ash = { stamp: "seattle", clientId: DEPLOY_ID, servicePrincipalSecret: SP_SECRET };
const withPreview = { ...ash, previewClientId: PREVIEW_ID };
const previewEnv = {
  [ROLE_VARIABLE]: "preview",
  [CLIENT_ID_VARIABLE]: PREVIEW_ID,
  [CLIENT_SECRET_VARIABLE]: READER_SECRET,
};
const deployEnv = {
  [ROLE_VARIABLE]: "deploy",
  [CLIENT_ID_VARIABLE]: DEPLOY_ID,
  [CLIENT_SECRET_VARIABLE]: SP_SECRET,
};

/** The problems a run is refused with (none: the run's credentials). */
function refusal(...args: Parameters<typeof azureStackCredentials>): string[] {
  try {
    azureStackCredentials(...args);
  } catch (e) {
    if (e instanceof CredentialError) return e.problems;
    if (e instanceof Error) return [e.message];
    throw e;
  }
  return [];
}

describe("config: azureStack.previewClientId", () => {
  test("is optional and parsed as given", () => {
    expect(stampConfig("seattle").azureStack.previewClientId).toBeUndefined();
    expect(
      stampConfig("seattle", { azureStack: { previewClientId: PREVIEW_ID } }).azureStack
        .previewClientId,
    ).toBe(PREVIEW_ID);
  });

  test.each([
    [DEPLOY_ID, `azureStack.previewClientId: "${DEPLOY_ID}" must differ from azureStack.clientId`],
    ["$(reboot)", 'azureStack.previewClientId: "$(reboot)" must be a UUID'],
    [`${PREVIEW_ID}\n`, "azureStack.previewClientId: "],
    ["reader", 'azureStack.previewClientId: "reader" must be a UUID'],
  ])("%j is refused naming the key", (value, message) => {
    const problems = problemsOf("seattle", stamp({ azureStack: { previewClientId: value } }));
    expect(problems).toEqual([expect.stringContaining(message)]);
  });
});

describe("lib/azureStackCredentials.ts: which identity a run uses", () => {
  test("without previewClientId: the stamp's principal from config; previews and drift are warned", () => {
    expect(azureStackCredentials(ash, {}, false)).toEqual({ source: "config", role: "deploy" });
    for (const role of ["preview", "drift"]) {
      const got = azureStackCredentials(ash, { [ROLE_VARIABLE]: role }, true);
      expect(got).toEqual({
        source: "config",
        role,
        warning: expect.stringContaining(
          `has no azureStack.previewClientId: this ${role} run signs in to Azure Stack Hub with the deploying service principal azureStack.clientId ${DEPLOY_ID}`,
        ),
      });
    }
  });

  test.each([
    ["preview", previewEnv, true],
    ["drift", { ...previewEnv, [ROLE_VARIABLE]: "drift" }, true],
    ["deploy, preview phase of up", deployEnv, true],
    ["deploy, update", deployEnv, false],
    ["operator's machine (no role)", { ...deployEnv, [ROLE_VARIABLE]: undefined }, false],
  ])("with previewClientId, %s: credentials from the environment", (_what, env, dryRun) => {
    const got = azureStackCredentials(withPreview, env, dryRun);
    const readOnly = env[ROLE_VARIABLE] === "preview" || env[ROLE_VARIABLE] === "drift";
    expect(got).toEqual({
      source: "environment",
      role: env[ROLE_VARIABLE] ?? "deploy",
      clientId: readOnly ? PREVIEW_ID : DEPLOY_ID,
      envVarMappings: {
        ASHK8S_AZURESTACK_CLIENT_ID: "ARM_CLIENT_ID",
        ASHK8S_AZURESTACK_CLIENT_SECRET: "ARM_CLIENT_SECRET",
      },
    });
  });

  test.each([
    ["PREVIEW", '"PREVIEW"'],
    ["preview\n", '"preview\\n"'],
    ["preview; rm -rf /", '"preview; rm -rf /"'],
    ["$(reboot)", '"$(reboot)"'],
    ["`id`", '"`id`"'],
    ["deploy\u2028preview", '"deploy\\u2028preview"'],
    ["\u001b[31mdeploy", '"\\u001b[31mdeploy"'],
    ["x".repeat(200), `"${"x".repeat(80)}..."`],
  ])("%j as ASHK8S_PIPELINE_ROLE is refused, quoted and escaped", (role, shown) => {
    for (const inputs of [ash, withPreview])
      expect(refusal(inputs, { ...previewEnv, [ROLE_VARIABLE]: role }, true)).toEqual([
        `ASHK8S_PIPELINE_ROLE is ${shown}; set it to preview, drift, deploy, or leave it unset on an operator's machine (deploy)`,
      ]);
  });

  test.each<[string, Record<string, string | undefined>, boolean, string[]]>([
    [
      "a preview with the deploying principal",
      { ...previewEnv, [CLIENT_ID_VARIABLE]: DEPLOY_ID, [CLIENT_SECRET_VARIABLE]: SP_SECRET },
      true,
      [
        `ASHK8S_AZURESTACK_CLIENT_ID is the deploying principal azureStack.clientId ${DEPLOY_ID}: a preview job gets only the read-only principal azureStack.previewClientId ${PREVIEW_ID}`,
        "ASHK8S_AZURESTACK_CLIENT_SECRET [secret] is the deploying principal's secret (servicePrincipalSecret): a preview job gets only the read-only principal's secret",
      ],
    ],
    [
      "an update declared as a preview",
      previewEnv,
      false,
      [
        "ASHK8S_PIPELINE_ROLE is preview: the read-only preview principal cannot run an update; only pulumi preview or refresh --preview-only",
      ],
    ],
    [
      "a drift run with another principal",
      { ...previewEnv, [ROLE_VARIABLE]: "drift", [CLIENT_ID_VARIABLE]: "x\u001b[2J$(reboot)" },
      true,
      [
        `ASHK8S_AZURESTACK_CLIENT_ID is "x\\u001b[2J$(reboot)"; a drift job must use azureStack.previewClientId ${PREVIEW_ID}`,
      ],
    ],
    [
      "a deploy with the preview principal",
      { ...deployEnv, [CLIENT_ID_VARIABLE]: PREVIEW_ID, [CLIENT_SECRET_VARIABLE]: READER_SECRET },
      false,
      [
        `ASHK8S_AZURESTACK_CLIENT_ID is "${PREVIEW_ID}"; a deploy job must use azureStack.clientId ${DEPLOY_ID}`,
        `ASHK8S_AZURESTACK_CLIENT_SECRET [secret] differs from the stack's secret servicePrincipalSecret: the deploy environment and the stack file must hold the same secret of azureStack.clientId ${DEPLOY_ID} (rotate both together)`,
      ],
    ],
    [
      "variables missing",
      { [ROLE_VARIABLE]: "preview" },
      true,
      [
        `ASHK8S_AZURESTACK_CLIENT_ID is not set (stamp "seattle" sets azureStack.previewClientId, so its azurestack provider takes the identity from the job's environment); a preview job sets it to azureStack.previewClientId ${PREVIEW_ID}`,
        `ASHK8S_AZURESTACK_CLIENT_SECRET is not set (stamp "seattle" sets azureStack.previewClientId, so its azurestack provider takes the identity from the job's environment); a preview job sets it to the secret of azureStack.previewClientId ${PREVIEW_ID}`,
      ],
    ],
    [
      "empty variables (a deploy environment without them)",
      { [CLIENT_ID_VARIABLE]: "", [CLIENT_SECRET_VARIABLE]: "" },
      false,
      [
        expect.stringMatching(
          /^ASHK8S_AZURESTACK_CLIENT_ID is not set .* a deploy job sets it to azureStack\.clientId /,
        ),
        expect.stringMatching(/^ASHK8S_AZURESTACK_CLIENT_SECRET is not set /),
      ] as unknown as string[],
    ],
    [
      "Azure Pipelines variables the group does not define",
      {
        ...previewEnv,
        [CLIENT_ID_VARIABLE]: "$(ASHK8S_AZURESTACK_CLIENT_ID)",
        [CLIENT_SECRET_VARIABLE]: "$(ASHK8S_AZURESTACK_CLIENT_SECRET)",
      },
      true,
      [
        `ASHK8S_AZURESTACK_CLIENT_ID is "$(ASHK8S_AZURESTACK_CLIENT_ID)": the job's variable group does not define it; define it as azureStack.previewClientId ${PREVIEW_ID}`,
        'ASHK8S_AZURESTACK_CLIENT_SECRET is the literal "$(ASHK8S_AZURESTACK_CLIENT_SECRET)": the job\'s variable group does not define it as a secret',
      ],
    ],
  ])("refused: %s", (_what, env, dryRun, problems) => {
    expect(refusal(withPreview, env, dryRun)).toEqual(problems);
  });

  test("no message ever contains a secret value", () => {
    const envs = [
      { ...previewEnv, [CLIENT_SECRET_VARIABLE]: SP_SECRET },
      { ...deployEnv, [CLIENT_SECRET_VARIABLE]: READER_SECRET },
      { ...previewEnv, [CLIENT_ID_VARIABLE]: DEPLOY_ID },
    ];
    for (const env of envs)
      for (const dryRun of [true, false]) {
        const text = refusal(withPreview, env, dryRun).join("\n");
        expect(text).not.toBe("");
        expect(text).not.toContain(SP_SECRET);
        expect(text).not.toContain(READER_SECRET);
      }
  });
});

describe("stampProviders under Pulumi mocks", () => {
  /** Runs stampProviders as a preview or an update; returns the azurestack provider's registration. */
  async function register(
    previewClientId: string | undefined,
    env: Record<string, string | undefined>,
    preview: boolean,
  ): Promise<{ recorded: Recorded[]; inputs: Record<string, unknown>; mappings: object }> {
    const recorded = installMocks({ preview });
    const mappings: Record<string, object> = {};
    // What the SDK sends the engine besides the inputs: the provider's envVarMappings.
    const monitor = pulumi.runtime.getMonitor() as unknown as {
      registerResource: (req: RegisterRequest, cb: unknown) => unknown;
    };
    const original = monitor.registerResource.bind(monitor);
    monitor.registerResource = (req, cb) => {
      mappings[req.getName()] = Object.fromEntries(req.getEnvvarmappingsMap().toObject());
      return original(req, cb);
    };
    const config = stampConfig("seattle", { azureStack: { previewClientId } });
    stampProviders(config, env);
    await settle();
    const provider = recorded.find((r) => r.type === "pulumi:providers:azurestack")!;
    return { recorded, inputs: provider.inputs, mappings: mappings[provider.name] };
  }
  interface RegisterRequest {
    getName(): string;
    getEnvvarmappingsMap(): { toObject(): [string, string][] };
  }

  test("with previewClientId: no credential inputs, the same inputs for a preview and an update, the job's identity through envVarMappings", async () => {
    const preview = await register(PREVIEW_ID, previewEnv, true);
    expect(preview.inputs).toEqual({
      metadataHost: "management.seattle.azurestack.contoso.com",
      subscriptionId: expect.any(String),
      tenantId: expect.any(String),
      features: "{}",
    });
    expect(preview.mappings).toEqual(AZURESTACK_ENV_MAPPINGS);
    const up = await register(PREVIEW_ID, deployEnv, false);
    // Equal inputs: the engine's provider diff (which ignores envVarMappings) finds nothing.
    expect(up.inputs).toEqual(preview.inputs);
    expect(up.mappings).toEqual(preview.mappings);
    expect(JSON.stringify([preview.inputs, up.inputs])).not.toMatch(/secret-value|clientSecret/);
  });

  test("without previewClientId: the stamp's principal as inputs, secret-marked, no mappings (unchanged)", async () => {
    const warn = jest.spyOn(console, "warn").mockImplementation(() => undefined);
    const { inputs, mappings } = await register(undefined, previewEnv, true);
    expect(warn.mock.calls.flat().join("\n")).toContain(
      'stamp "seattle" has no azureStack.previewClientId: this preview run signs in',
    );
    warn.mockRestore();
    expect(inputs.clientId).toBe(DEPLOY_ID);
    expect(unwrapSecret(inputs.clientSecret)).toEqual({ value: SP_SECRET, secret: true });
    expect(mappings).toEqual({});
  });

  test("a refused run registers nothing", async () => {
    const recorded = installMocks({ preview: true });
    const config = stampConfig("seattle", { azureStack: { previewClientId: PREVIEW_ID } });
    expect(() =>
      stampProviders(config, { ...previewEnv, [CLIENT_ID_VARIABLE]: DEPLOY_ID }),
    ).toThrow(CredentialError);
    await settle();
    expect(recorded).toEqual([]);
  });
});
