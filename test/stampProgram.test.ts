/**
 * The whole program under mocks for the seattle example stamp: config validated first, explicit
 * providers built with secret credentials, exports of what exists.
 */
import { installMocks, Recorded, unwrapSecret } from "./mocks";
import { readStackFile } from "./stackFiles";

const { config, secretKeys } = readStackFile("seattle", "sp-secret-value");
const recorded: Recorded[] = installMocks({ config, secretKeys, stack: "seattle" });

let outputs: Record<string, unknown>;

beforeAll(async () => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const program = require("../index") as Record<string, unknown>;
  outputs = program;
  await new Promise((r) => setTimeout(r, 50));
});

test("the stamp gets an explicit azurestack provider for its ARM endpoint with a secret client secret", () => {
  const ash = recorded.find((r) => r.type === "pulumi:providers:azurestack");
  expect(ash?.name).toBe("seattle-ash");
  expect(ash?.inputs).toMatchObject({
    metadataHost: "management.seattle.azurestack.contoso.com",
    subscriptionId: "3f1c5a9e-7d2b-4e8a-9c6f-2b4d8e1a7c35",
    tenantId: "8a2e4c6f-1b3d-4f5a-8e7c-9d0b2a4c6e81",
    clientId: "5b7d9f1a-3c5e-4a7b-9d1f-4e6a8c0b2d93",
  });
  const secret = unwrapSecret(ash?.inputs.clientSecret);
  expect(secret).toEqual({ value: "sp-secret-value", secret: true });
});

test("the stamp gets an explicit azure-native provider for public Azure", () => {
  expect(
    recorded.filter((r) => r.type === "pulumi:providers:azure-native").map((r) => r.name),
  ).toEqual(["seattle-azure"]);
});

test("the stamp registers only its two explicit providers so far (components come with issue 3)", () => {
  expect(recorded.map((r) => r.type).sort()).toEqual([
    "pulumi:providers:azure-native",
    "pulumi:providers:azurestack",
  ]);
});

test("exports the stamp's identity and API server FQDN", () => {
  expect(outputs).toMatchObject({
    kind: "stamp",
    stamp: "seattle",
    location: "seattle",
    armEndpoint: "https://management.seattle.azurestack.contoso.com",
    apiServerFqdn: "sea-ratings.seattle.cloudapp.azurestack.contoso.com",
  });
});
