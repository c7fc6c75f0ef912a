/**
 * What scripts/lib/backend.ts decides from, read from disk: whether the demo's state folder exists
 * and whether `pulumi login` stored credentials with a current backend in PULUMI_HOME. Shared by
 * the scripts that run Pulumi for a stack (fleet, kubeconfig).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import type { BackendFacts } from "./backend";

export function backendFacts(
  root: string,
  env: Record<string, string | undefined> = process.env,
): BackendFacts {
  const home = env.PULUMI_HOME ?? path.join(env.HOME ?? "", ".pulumi");
  let loggedIn = false;
  try {
    const creds = JSON.parse(fs.readFileSync(path.join(home, "credentials.json"), "utf8"));
    loggedIn = typeof creds.current === "string" && creds.current !== "";
  } catch {
    loggedIn = false;
  }
  return { root, demoStateExists: fs.existsSync(path.join(root, ".local", "state")), loggedIn };
}
