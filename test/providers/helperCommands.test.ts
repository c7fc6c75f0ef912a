/**
 * The helper scripts of providers/helperCommands.ts quote every value with lib/shell.ts
 * `shellQuote`: run with hostile values in a scratch HOME, no command substitution executes.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { HelperContext, renderHelperScript } from "../../providers/helperCommands";

describe("helper scripts with hostile values, run for real", () => {
  let dir: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "helper-hostile-"));
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  const pwned = () => fs.readdirSync(dir).filter((f) => f.startsWith("pwned"));
  const context = (marker: string, location: string): HelperContext => ({
    cli: "aks-engine-azurestack",
    bootstrapMarker: marker,
    location,
    resourceGroup: "rg",
    identitySystem: "azure_ad",
    subscriptionId: "s",
    clientId: "c",
    apiServerFqdn: "api.example",
  });
  const secrets = { servicePrincipalCertificate: "", servicePrincipalSecret: "" };

  test("observe: the bootstrap marker and the location are literal words", () => {
    const marker = path.join(dir, "marker $(touch pwned-1) `touch pwned-2`");
    fs.writeFileSync(marker, "");
    const location = `x$(touch ${dir}/pwned-3)'$(touch ${dir}/pwned-4)'`;
    const r = spawnSync(
      "bash",
      ["-c", renderHelperScript(context(marker, location), { op: "observe" }, secrets)],
      {
        cwd: dir,
        env: { ...process.env, HOME: dir },
        encoding: "utf8",
      },
    );
    expect(r.status).toBe(21); // no kubeconfig for that location: what matters is what did not run
    expect(r.stderr).toContain(`no kubeconfig at _output/kubeconfig/kubeconfig.${location}.json`);
    expect(pwned()).toEqual([]);
  });

  test("a missing bootstrap marker is named literally", () => {
    const marker = path.join(dir, "missing $(touch pwned-5)");
    const script = renderHelperScript(context(marker, "seattle"), { op: "forget" }, secrets)
      // Do not wait ten minutes for a marker that never comes.
      .replace("seq 1 120", "seq 1 0");
    const r = spawnSync("bash", ["-c", script], {
      cwd: dir,
      env: { ...process.env, HOME: dir },
      encoding: "utf8",
    });
    expect(r.status).toBe(20);
    expect(r.stderr).toContain(`[helper] bootstrap did not finish: ${marker} is missing`);
    expect(pwned()).toEqual([]);
  });
});
