/**
 * The detached-operation scripts of providers/helperOperation.ts run for real with bash, flock
 * and setsid in a scratch HOME (no SSH): hostile values stay literal words, a held lock refuses a
 * start naming the running operation, an operation that died without an exit status is reported,
 * and the script generators refuse ids and line numbers they did not make.
 */
import { spawn, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { HelperContext } from "../../providers/helperCommands";
import {
  EXIT,
  newOperationId,
  operationKey,
  parseStarted,
  renderFollowScript,
  renderStartScript,
} from "../../providers/helperOperation";
import { TEST_CERTIFICATE_BUNDLE } from "../stackFiles";

let home: string;
beforeEach(() => {
  home = fs.mkdtempSync(path.join(os.tmpdir(), "helper-operation-"));
  fs.writeFileSync(path.join(home, "bootstrap.done"), "");
  // A stand-in CLI that records its argv, one argument a line.
  fs.writeFileSync(path.join(home, "cli"), `#!/bin/sh\nprintf '%s\\n' "$@" > "$HOME/argv"\n`, {
    mode: 0o755,
  });
});
afterEach(() => fs.rmSync(home, { recursive: true, force: true }));

const context = (patch: Partial<HelperContext> = {}): HelperContext => ({
  cli: path.join(home, "cli"),
  bootstrapMarker: path.join(home, "bootstrap.done"),
  location: "seattle",
  resourceGroup: "rg-seattle-k8s",
  identitySystem: "azure_ad",
  subscriptionId: "3f1c5a9e-7d2b-4e8a-9c6f-2b4d8e1a7c35",
  clientId: "5b7d9f1a-3c5e-4a7b-9d1f-4e6a8c0b2d93",
  apiServerFqdn: "api.example",
  ...patch,
});
const secrets = {
  servicePrincipalCertificate: TEST_CERTIFICATE_BUNDLE,
  servicePrincipalSecret: "s",
};
const bash = (script: string) =>
  spawnSync("bash", ["-c", script], {
    cwd: home,
    env: { ...process.env, HOME: home },
    encoding: "utf8",
  });
const pwned = () => fs.readdirSync(home).filter((f) => f.startsWith("pwned"));

async function until(check: () => boolean) {
  for (let i = 0; i < 200 && !check(); i++) await new Promise((r) => setTimeout(r, 25));
  expect(check()).toBe(true);
}

test("hostile pool and context values reach the CLI as literal words; nothing else runs", async () => {
  const hostile = `x$(touch ${home}/pwned-1)\`touch ${home}/pwned-2\`'$(touch ${home}/pwned-3)'"; touch ${home}/pwned-4 #`;
  const c = context({ resourceGroup: `rg${hostile}`, apiServerFqdn: hostile });
  const op = { op: "scale" as const, pool: hostile, count: 5 };
  // The scale needs a generated apimodel to write the credentials into.
  fs.mkdirSync(path.join(home, "ashk8s/_output"), { recursive: true });
  fs.writeFileSync(path.join(home, "ashk8s/_output/apimodel.json"), '{"properties": {}}');
  const id = newOperationId(op);
  const r = bash(renderStartScript(c, op, secrets, id));
  expect(r.stderr).toContain(`started scale as operation ${id}`);
  expect(r.status).toBe(0);
  expect(parseStarted(r.stdout)).toBe(id);
  await until(() => fs.existsSync(path.join(home, "ashk8s/.ashk8s-ops", id, "rc")));
  const argv = fs.readFileSync(path.join(home, "argv"), "utf8").split("\n");
  expect(argv).toEqual(expect.arrayContaining([`rg${hostile}`, hostile, "5"]));
  expect(argv[argv.indexOf("--node-pool") + 1]).toBe(hostile);
  expect(pwned()).toEqual([]);
  expect(operationKey(op)).toBe(`scale ${hostile} to 5`);
  expect(fs.readFileSync(path.join(home, "ashk8s/.ashk8s-ops", id, "key"), "utf8")).toBe(
    `scale ${hostile} to 5\n`,
  );
});

test("a held lock refuses another operation, naming the running one", async () => {
  const first = { op: "upgrade" as const, version: "1.34.4", force: false };
  fs.mkdirSync(path.join(home, "ashk8s/.ashk8s-ops/upgrade-20260101T000000Z-0123abcd"), {
    recursive: true,
  });
  fs.writeFileSync(
    path.join(home, "ashk8s/.ashk8s-ops/current"),
    "upgrade-20260101T000000Z-0123abcd\n",
  );
  fs.writeFileSync(
    path.join(home, "ashk8s/.ashk8s-ops/upgrade-20260101T000000Z-0123abcd/info"),
    "upgrade to 1.34.4 since 2026-01-01T00:00:00Z on helper (operation upgrade-20260101T000000Z-0123abcd, log x)\n",
  );
  fs.writeFileSync(
    path.join(home, "ashk8s/.ashk8s-ops/upgrade-20260101T000000Z-0123abcd/key"),
    `${operationKey(first)}\n`,
  );
  // Another process holds the lock (the running operation).
  const holder = spawn("flock", [path.join(home, "ashk8s/.ashk8s-ops/lock"), "sleep", "10"]);
  try {
    await new Promise((r) => setTimeout(r, 300));
    const scale = { op: "scale" as const, pool: "linuxpool", count: 4 };
    const r = bash(renderStartScript(context(), scale, secrets, newOperationId(scale)));
    expect(r.status).toBe(EXIT.busy);
    expect(r.stderr).toContain(
      "[helper] refused: another operation is running on this helper: upgrade to 1.34.4 since 2026-01-01T00:00:00Z on helper (operation upgrade-20260101T000000Z-0123abcd, log x)",
    );
    expect(fs.readdirSync(path.join(home, "ashk8s/.ashk8s-ops"))).toHaveLength(3); // nothing new
    // The identical operation is followed instead.
    const same = bash(renderStartScript(context(), first, secrets, newOperationId(first)));
    expect(same.status).toBe(0);
    expect(parseStarted(same.stdout)).toBe("upgrade-20260101T000000Z-0123abcd");
  } finally {
    holder.kill("SIGTERM");
  }
});

test("an operation that died without an exit status is reported, its secrets removed", () => {
  const dir = path.join(home, "ashk8s/.ashk8s-ops/scale-20260101T000000Z-0123abcd");
  fs.mkdirSync(path.join(dir, "s"), { recursive: true });
  fs.writeFileSync(path.join(dir, "key"), "scale linuxpool to 4\n");
  fs.writeFileSync(path.join(dir, "log"), "one\ntwo\nthree");
  fs.writeFileSync(
    path.join(home, "ashk8s/.ashk8s-ops/current"),
    "scale-20260101T000000Z-0123abcd\n",
  );
  const r = bash(renderFollowScript(context(), "scale-20260101T000000Z-0123abcd", 1));
  expect(r.status).toBe(EXIT.lost);
  expect(r.stderr).toContain("|two\n|three\n"); // from the line after the last one seen
  expect(r.stderr).not.toContain("|one");
  expect(r.stderr).toContain("ended without an exit status (killed, or the helper rebooted)");
  expect(fs.existsSync(path.join(dir, "s"))).toBe(false);
});

test("ids and line numbers the generators did not make are refused", () => {
  const scale = { op: "scale" as const, pool: "p", count: 1 };
  expect(() => renderStartScript(context(), scale, secrets, "x; touch pwned")).toThrow(
    "bad operation id",
  );
  expect(() => renderFollowScript(context(), "../../etc", 0)).toThrow("bad operation id");
  expect(() => renderFollowScript(context(), "scale-20260101T000000Z-0123abcd", -1)).toThrow(
    "bad line",
  );
  expect(newOperationId(scale, new Date("2026-11-28T20:35:08.123Z"))).toMatch(
    /^scale-20261128T203508Z-[0-9a-f]{8}$/,
  );
});
