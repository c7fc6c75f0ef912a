/**
 * Runs a script on the helper VM with the system OpenSSH client. The script goes on stdin (never
 * on a command line); the private key lives in a 0600 file inside a 0700 temp directory that is
 * removed afterwards; stderr is streamed line by line (with every known secret masked) so a long
 * deploy shows progress; stdout is returned for parsing.
 */
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

export interface HelperAddress {
  host: string;
  port: number;
  user: string;
}

export interface RunOptions {
  /** Called for every stderr line, already masked. */
  onLine?: (line: string) => void;
  /** Values that must never be echoed: replaced by [secret] in streamed lines and errors. */
  secrets?: string[];
  /** Seconds before giving up on the TCP connection. Defaults to 30. */
  connectTimeoutSeconds?: number;
}

export class HelperCommandError extends Error {
  constructor(
    readonly exitCode: number | null,
    readonly tail: string[],
  ) {
    super(`the helper command failed with exit code ${exitCode}; last lines:\n${tail.join("\n")}`);
    this.name = "HelperCommandError";
  }
}

/** Replaces every secret (and its base64 form) in `line` with [secret]. */
export function mask(line: string, secrets: string[]): string {
  let out = line;
  for (const s of secrets) {
    if (!s) continue;
    for (const form of [s, Buffer.from(s).toString("base64")])
      out = out.split(form).join("[secret]");
  }
  return out;
}

export async function runOnHelper(
  address: HelperAddress,
  privateKeyPem: string,
  script: string,
  options: RunOptions = {},
): Promise<string> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ashk8s-ssh-"));
  const secrets = [privateKeyPem, ...(options.secrets ?? [])];
  try {
    const keyFile = path.join(dir, "id");
    fs.writeFileSync(keyFile, privateKeyPem.endsWith("\n") ? privateKeyPem : `${privateKeyPem}\n`, {
      mode: 0o600,
    });
    const args = [
      "-i",
      keyFile,
      "-p",
      String(address.port),
      "-o",
      "BatchMode=yes",
      "-o",
      "IdentitiesOnly=yes",
      "-o",
      "StrictHostKeyChecking=accept-new",
      "-o",
      `UserKnownHostsFile=${path.join(dir, "known_hosts")}`,
      "-o",
      `ConnectTimeout=${options.connectTimeoutSeconds ?? 30}`,
      "-o",
      "ServerAliveInterval=30",
      "-o",
      "LogLevel=ERROR",
      `${address.user}@${address.host}`,
      "bash -s",
    ];
    const child = spawn("ssh", args, { stdio: ["pipe", "pipe", "pipe"] });
    const stdout: Buffer[] = [];
    const tail: string[] = [];
    let partial = "";
    const emit = (raw: string) => {
      const line = mask(raw, secrets);
      tail.push(line);
      if (tail.length > 20) tail.shift();
      options.onLine?.(line);
    };
    child.stdout.on("data", (d: Buffer) => stdout.push(d));
    child.stderr.on("data", (d: Buffer) => {
      const lines = (partial + d.toString("utf8")).split("\n");
      partial = lines.pop() ?? "";
      for (const raw of lines) emit(raw);
    });
    child.stdin.end(script);
    const code = await new Promise<number | null>((resolve, reject) => {
      child.on("error", reject);
      child.on("close", resolve);
    });
    if (partial) emit(partial);
    if (code !== 0) throw new HelperCommandError(code, tail);
    return Buffer.concat(stdout).toString("utf8");
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
