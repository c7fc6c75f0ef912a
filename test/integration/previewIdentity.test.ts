/**
 * A stamp's read-only preview principal through the real Pulumi engine (CLI v3.259.0), the real
 * terraform-provider bridge and terraform-provider-azurestack v1.0.0, against a local HTTPS TEST
 * DOUBLE of an Azure Stack Hub ARM endpoint and its sign-in endpoint (metadata, client-credential
 * tokens, provider list, resource groups; written here, not recorded from a stamp). The double
 * records which client id asked for each token and which token each ARM request carried.
 *
 * Proves: with azureStack.previewClientId the deploy signs in with the deploying principal and a
 * preview (`--refresh --expect-no-changes`) and a drift check (`refresh --preview-only
 * --expect-no-changes`) with the Reader principal, with no changes found, neither seeing the job's
 * public-Azure ARM_CLIENT_ID; a preview job holding the deploying principal and an update declared
 * as a preview are refused before any request; state holds no credential; without previewClientId
 * a preview still uses the deploying principal (the old behaviour); switching it on updates the
 * provider once and replaces nothing. azure-native is stood in (its plugin is not obtainable here).
 */
import { spawn, spawnSync } from "node:child_process";
import * as crypto from "node:crypto";
import * as fs from "node:fs";
import * as https from "node:https";
import type { AddressInfo } from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import { pulumiEnv, ROOT } from "./harness";

const PROGRAM = path.join(ROOT, "test/integration/programs/preview-identity");
const DEPLOY_ID = "5b7d9f1a-3c5e-4a7b-9d1f-4e6a8c0b2d93"; // azureStack.clientId of Pulumi.seattle.yaml
const SP_SECRET = "sp-secret-value"; // test/stampConfigs.ts's servicePrincipalSecret
const PREVIEW_ID = "7e1c3a5b-9d2f-4b6a-8c0e-1f3a5c7e9b24";
const READER_SECRET = `reader-${crypto.randomBytes(8).toString("hex")}`;
const PUBLIC_ID = "11111111-2222-3333-4444-555555555555"; // the job's public-Azure identity

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ashk8s-it-identity-"));
const base = pulumiEnv(path.join(dir, "backend"), crypto.randomBytes(24).toString("hex"));
/** What the double saw: token requests (client id) and ARM requests (client id of their token). */
let seen: { kind: "token" | "arm"; clientId: string; method?: string; path?: string }[] = [];
let server: https.Server;
let port = 0;

/** Starts the ARM double on a loopback port with a throw-away certificate the provider trusts. */
async function startDouble(): Promise<void> {
  const [key, cert] = [path.join(dir, "key.pem"), path.join(dir, "cert.pem")];
  const ssl = spawnSync("openssl", [
    ...["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1"],
    ...["-addext", "subjectAltName=IP:127.0.0.1", "-keyout", key, "-out", cert],
  ]);
  if (ssl.status !== 0) throw new Error(`openssl: ${ssl.stderr}`);
  const store = new Map<string, object>();
  const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString("base64url");
  server = https.createServer(
    { key: fs.readFileSync(key), cert: fs.readFileSync(cert) },
    (req, res) => {
      let body = "";
      req.on("data", (c) => (body += c));
      req.on("end", () => {
        const origin = `https://127.0.0.1:${port}`;
        const url = new URL(req.url ?? "/", origin);
        const send = (code: number, o: unknown) => {
          res.writeHead(code, { "content-type": "application/json" });
          res.end(JSON.stringify(o));
        };
        if (url.pathname === "/metadata/endpoints")
          return send(200, [
            {
              name: "AzureStackDouble",
              resourceManager: `${origin}/`,
              authentication: { loginEndpoint: `${origin}/login/`, audiences: [`${origin}/aud`] },
              graph: `${origin}/graph/`,
              suffixes: { keyVaultDns: "vault.local", storage: "local" },
            },
          ]);
        if (url.pathname.endsWith("/oauth2/token")) {
          const form = new URLSearchParams(body);
          const clientId = form.get("client_id") ?? "";
          const secretOk =
            (clientId === DEPLOY_ID && form.get("client_secret") === SP_SECRET) ||
            (clientId === PREVIEW_ID && form.get("client_secret") === READER_SECRET);
          seen.push({
            kind: "token",
            clientId: secretOk ? clientId : `${clientId} (wrong secret)`,
          });
          if (!secretOk) return send(401, { error: "invalid_client" });
          const now = Math.floor(Date.now() / 1000);
          return send(200, {
            access_token: `${b64({ alg: "none" })}.${b64({ oid: "00000000-0000-0000-0000-0000000000aa", appid: clientId })}.x`,
            token_type: "Bearer",
            expires_in: "3600",
            expires_on: String(now + 3600),
            not_before: String(now),
            resource: form.get("resource"),
          });
        }
        const token = /^Bearer [^.]+\.([^.]+)\./.exec(req.headers.authorization ?? "")?.[1];
        const clientId = token ? JSON.parse(Buffer.from(token, "base64url").toString()).appid : "";
        seen.push({ kind: "arm", clientId, method: req.method, path: url.pathname });
        if (!token) return send(401, { error: { code: "AuthenticationFailed" } });
        const key = url.pathname.toLowerCase();
        if (/\/providers$/.test(key)) return send(200, { value: [] });
        if (/\/providers\/[^/]+(\/register)?$/.test(key))
          return send(200, { namespace: "x", registrationState: "Registered" });
        if (req.method === "PUT") {
          const name = url.pathname.split("/").at(-1);
          store.set(key, { ...JSON.parse(body || "{}"), id: url.pathname, name });
        }
        if (req.method === "DELETE") store.delete(key);
        const found = store.get(key);
        return found ? send(200, found) : send(404, { error: { code: "ResourceGroupNotFound" } });
      });
    },
  );
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  port = (server.address() as AddressInfo).port;
}

/** One CLI run as a job of `role` holding the given Azure Stack Hub identity (async: the double answers meanwhile). */
function pulumi(stack: string, role: string, id: string, secret: string, args: string[]) {
  const env = {
    ...base,
    SSL_CERT_FILE: path.join(dir, "cert.pem"),
    ARM_CLIENT_ID: PUBLIC_ID,
    ARM_CLIENT_SECRET: "public-azure-secret",
    ASHK8S_PIPELINE_ROLE: role,
    ASHK8S_AZURESTACK_CLIENT_ID: id,
    ASHK8S_AZURESTACK_CLIENT_SECRET: secret,
  };
  const stackArgs = args[0] === "stack" && args[1] === "init" ? [] : ["--stack", stack];
  return new Promise<{ code: number; out: string }>((resolve) => {
    const child = spawn("pulumi", [...args, ...stackArgs, "--non-interactive"], {
      cwd: PROGRAM,
      env,
    });
    let out = "";
    child.stdout.on("data", (d) => (out += d));
    child.stderr.on("data", (d) => (out += d));
    child.on("close", (code) => resolve({ code: code ?? -1, out }));
  });
}
const deploy = (stack: string, args: string[]) =>
  pulumi(stack, "deploy", DEPLOY_ID, SP_SECRET, args);
const asPreview = (stack: string, args: string[], role = "preview") =>
  pulumi(stack, role, PREVIEW_ID, READER_SECRET, args);
/** The client ids of what the double saw since the last call. */
function clientIds(): string[] {
  const ids = [...new Set(seen.map((s) => `${s.kind} ${s.clientId}`))].sort();
  seen = [];
  return ids;
}

/** The stack config files the CLI writes next to the program (not git-ignored there). */
const removeStackFiles = () => {
  for (const f of fs.readdirSync(PROGRAM))
    if (/^Pulumi\.it-identity.*\.yaml$/.test(f)) fs.rmSync(path.join(PROGRAM, f));
};

beforeAll(async () => {
  removeStackFiles();
  fs.mkdirSync(path.join(dir, "backend"));
  await startDouble();
  for (const [stack, preview] of [
    ["it-identity", true],
    ["it-identity-old", false],
  ] as const) {
    expect(
      (await deploy(stack, ["stack", "init", stack, "--secrets-provider", "passphrase"])).code,
    ).toBe(0);
    expect((await deploy(stack, ["config", "set", "it:port", String(port)])).code).toBe(0);
    if (preview)
      expect((await deploy(stack, ["config", "set", "it:previewClientId", PREVIEW_ID])).code).toBe(
        0,
      );
  }
}, 120_000);

afterAll(async () => {
  await new Promise((r) => server?.close(r));
  removeStackFiles();
  fs.rmSync(dir, { recursive: true, force: true });
});

const S = "it-identity";

/**
 * Deploys twice: a new stack's first `up` records the parameterized provider's version as the
 * package's (1.0.0) and the next run rewrites it to the plugin's (0.0.0-bridge.3.128.0) once; seen
 * here with and without previewClientId, i.e. engine behaviour independent of the credentials.
 */
async function deployTwice(stack: string) {
  for (const round of [1, 2]) {
    const up = await deploy(stack, ["up", "--yes", "--refresh"]);
    expect({ round, code: up.code }).toEqual({ round, code: 0 });
  }
}

test("deploy signs in with the deploying principal taken from the job's environment", async () => {
  await deployTwice(S);
  expect(clientIds()).toEqual([`arm ${DEPLOY_ID}`, `token ${DEPLOY_ID}`]);
}, 300_000);

test("a preview with refresh uses only the Reader principal and finds no changes", async () => {
  const r = await asPreview(S, ["preview", "--refresh", "--expect-no-changes"]);
  expect({ code: r.code, unchanged: /3 unchanged/.test(r.out) }).toEqual({
    code: 0,
    unchanged: true,
  });
  expect(clientIds()).toEqual([`arm ${PREVIEW_ID}`, `token ${PREVIEW_ID}`]);
}, 300_000);

test("the drift check (no program) uses the drift job's Reader principal and finds no changes", async () => {
  const r = await asPreview(S, ["refresh", "--preview-only", "--expect-no-changes"], "drift");
  expect({ code: r.code, out: r.out }).toEqual({
    code: 0,
    out: expect.stringContaining("3 unchanged"),
  });
  expect(clientIds()).toEqual([`arm ${PREVIEW_ID}`, `token ${PREVIEW_ID}`]);
}, 300_000);

test("a preview job holding the deploying principal, and an update declared as a preview, are refused before any request", async () => {
  const held = await pulumi(S, "preview", DEPLOY_ID, SP_SECRET, ["preview"]);
  expect(held.code).not.toBe(0);
  expect(held.out).toContain(
    `ASHK8S_AZURESTACK_CLIENT_ID is the deploying principal azureStack.clientId ${DEPLOY_ID}`,
  );
  const up = await asPreview(S, ["up", "--yes", "--skip-preview"]);
  expect(up.code).not.toBe(0);
  expect(up.out).toContain("the read-only preview principal cannot run an update");
  expect(`${held.out}${up.out}`).not.toContain(SP_SECRET);
  expect(clientIds()).toEqual([]);
}, 300_000);

test("state holds no credential: the provider has no clientId/clientSecret input, only the mapping's names", async () => {
  const exported = await deploy(S, ["stack", "export", "--show-secrets"]);
  expect(exported.code).toBe(0);
  for (const value of [SP_SECRET, READER_SECRET, "public-azure-secret"])
    expect(exported.out).not.toContain(value);
  const provider = JSON.parse(exported.out).deployment.resources.find(
    (r: { type: string }) => r.type === "pulumi:providers:azurestack",
  );
  expect(Object.keys(provider.inputs).sort()).toEqual([
    "__internal",
    "features",
    "metadataHost",
    "subscriptionId",
    "tenantId",
    "version",
  ]);
  expect(provider.inputs.__internal.envVarMappings).toEqual({
    ASHK8S_AZURESTACK_CLIENT_ID: "ARM_CLIENT_ID",
    ASHK8S_AZURESTACK_CLIENT_SECRET: "ARM_CLIENT_SECRET",
  });
}, 300_000);

test("without previewClientId a preview still uses the deploying principal; switching it on updates the provider once, replaces nothing", async () => {
  const old = "it-identity-old";
  await deployTwice(old);
  clientIds();
  const r = await asPreview(old, ["preview", "--refresh", "--expect-no-changes"]);
  expect(r.code).toBe(0);
  expect(r.out).toContain('stamp "seattle" has no azureStack.previewClientId');
  expect(clientIds()).toEqual([`arm ${DEPLOY_ID}`, `token ${DEPLOY_ID}`]);
  expect((await deploy(old, ["config", "set", "it:previewClientId", PREVIEW_ID])).code).toBe(0);
  const switched = await asPreview(old, ["preview", "--diff"]);
  expect(switched.code).toBe(0);
  expect(switched.out).toMatch(/~ pulumi:providers:azurestack: \(update\)/);
  expect(switched.out).toMatch(/- clientId\s*: "5b7d9f1a/);
  expect(switched.out).toMatch(/~ 1 to update\s+2 unchanged/);
  expect(switched.out).not.toMatch(/replace/);
}, 300_000);
