/**
 * `npm run kubeconfig -- <stack> [--deployer|--admin|--helper-key] [--out FILE]`: writes the
 * stack's viewer kubeconfig (default), its deployer kubeconfig, a stamp's cluster-admin kubeconfig
 * or its helper VM's SSH private key to a file only its owner can read (mode 0600, in a 0700
 * folder). None is a stack output (stack outputs travel into CI logs and StackReferences); all are
 * read from the stack's state with
 * `pulumi stack export --show-secrets`, using the same backend and secrets as `npm run fleet`.
 * The value never goes to stdout or argv.
 */
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { chooseBackend } from "./lib/backend";
import { backendFacts } from "./lib/backendFacts";
import { credentialFromState, parseKubeconfigArgs } from "./lib/credentials";

const ROOT = path.resolve(__dirname, "..");

/** Writes `text` to `file` with mode 0600 (a new file renamed into place: no moment of wider access). */
export function writePrivateFile(file: string, text: string): void {
  const dir = path.dirname(file);
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  const temp = path.join(dir, `.${path.basename(file)}.${process.pid}.tmp`);
  const fd = fs.openSync(temp, "wx", 0o600);
  try {
    fs.writeSync(fd, text);
  } finally {
    fs.closeSync(fd);
  }
  fs.renameSync(temp, file);
}

function main(): number {
  const args = parseKubeconfigArgs(process.argv.slice(2));
  const backend = chooseBackend(args.stack, process.env, backendFacts(ROOT));
  if ("error" in backend) throw new Error(backend.error);
  const exported = execFileSync(
    "pulumi",
    ["stack", "export", "--show-secrets", "--stack", args.stack, "--non-interactive"],
    {
      cwd: ROOT,
      env: { ...process.env, ...backend.envVars },
      encoding: "utf8",
      maxBuffer: 256 * 1024 * 1024,
      stdio: ["ignore", "pipe", "inherit"],
    },
  );
  const value = credentialFromState(args.stack, JSON.parse(exported), args.credential);
  const out = path.resolve(
    args.out ?? path.join(ROOT, ".local", "credentials", `${args.stack}-${args.credential}`),
  );
  writePrivateFile(out, value.endsWith("\n") ? value : `${value}\n`);
  const use = {
    "admin-kubeconfig": `export KUBECONFIG=${out}   # cluster-admin: full control of the cluster`,
    "viewer-kubeconfig": `export KUBECONFIG=${out}   # viewer: read-only, no Secrets (preview, drift)`,
    "deployer-kubeconfig": `export KUBECONFIG=${out}   # deployer: the app namespace (pulumi up)`,
    "helper-key": `ssh -i ${out} <adminUsername>@<helperFqdn>`,
  }[args.credential];
  process.stderr.write(`wrote ${out} (mode 0600)\n  ${use}\n  delete it when done: rm ${out}\n`);
  return 0;
}

if (require.main === module) {
  try {
    process.exit(main());
  } catch (e) {
    process.stderr.write(`kubeconfig: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exit(2);
  }
}
