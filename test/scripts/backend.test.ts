import * as fs from "node:fs";
import * as path from "node:path";
import { chooseBackend, DEMO_STACK, demoPaths } from "../../scripts/lib/backend";

const root = "/work/ashk8s";
const demo = demoPaths(root);
const demoUrl = `file://${demo.state}`;
const facts = { root, demoStateExists: true, loggedIn: false };

describe("chooseBackend", () => {
  test.each([
    {
      name: "the demo stack without a backend uses the demo's backend, passphrase and config",
      stack: "local",
      env: {},
      facts,
      expected: {
        envVars: {
          PULUMI_BACKEND_URL: demoUrl,
          PULUMI_CONFIG_PASSPHRASE_FILE: demo.passphraseFile,
        },
        configFile: demo.configFile,
      },
    },
    {
      name: "a passphrase from the environment is kept",
      stack: "local",
      env: { PULUMI_CONFIG_PASSPHRASE: "from-env" },
      facts,
      expected: { envVars: { PULUMI_BACKEND_URL: demoUrl }, configFile: demo.configFile },
    },
    {
      name: "the demo stack named with the demo's own backend URL still gets the demo config",
      stack: "local",
      env: { PULUMI_BACKEND_URL: demoUrl },
      facts,
      expected: {
        envVars: {
          PULUMI_BACKEND_URL: demoUrl,
          PULUMI_CONFIG_PASSPHRASE_FILE: demo.passphraseFile,
        },
        configFile: demo.configFile,
      },
    },
    {
      name: "a local stack in another backend is left to that backend",
      stack: "local",
      env: { PULUMI_BACKEND_URL: "file:///elsewhere" },
      facts,
      expected: { envVars: {} },
    },
    {
      name: "a stamp with PULUMI_BACKEND_URL",
      stack: "seattle",
      env: { PULUMI_BACKEND_URL: "azblob://state" },
      facts,
      expected: { envVars: {} },
    },
    {
      name: "a stamp after pulumi login",
      stack: "seattle",
      env: {},
      facts: { ...facts, loggedIn: true },
      expected: { envVars: {} },
    },
    {
      name: "a stamp with an access token",
      stack: "munich",
      env: { PULUMI_ACCESS_TOKEN: "pul-x" },
      facts,
      expected: { envVars: {} },
    },
  ])("$name", ({ stack, env, facts: f, expected }) => {
    expect(chooseBackend(stack, env, f)).toEqual(expected);
  });

  test.each([
    {
      stack: "local",
      facts: { ...facts, demoStateExists: false },
      message:
        "stack local: the demo's backend /work/ashk8s/.local/state does not exist yet; run `npm run demo` first",
    },
    {
      stack: "seattle",
      facts,
      message: "stack seattle: no Pulumi backend is configured; set PULUMI_BACKEND_URL",
    },
  ])("says what is missing for $stack", ({ stack, facts: f, message }) => {
    const choice = chooseBackend(stack, {}, f);
    expect(choice).toEqual({ error: expect.stringContaining(message) });
  });

  test("scripts/demo.sh uses the same paths and stack name", () => {
    const script = fs.readFileSync(path.join(__dirname, "../../scripts/demo.sh"), "utf8");
    const rel = (p: string) => path.relative(root, p);
    expect(script).toContain(`state_dir=${rel(demo.state)}\n`);
    expect(script).toContain(`passphrase_file=${rel(demo.passphraseFile)}\n`);
    expect(script).toContain(`demo_dir=${path.dirname(rel(demo.configFile))}\n`);
    expect(script).toContain(`demo_config=$demo_dir/${path.basename(demo.configFile)}\n`);
    expect(script).toContain(`pulumi up --yes --stack ${DEMO_STACK} `);
  });
});
