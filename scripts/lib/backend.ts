/**
 * Which Pulumi backend, secrets passphrase and stack config file a script (fleet, bench) uses for a
 * stack, decided before anything runs so that a missing piece is reported in plain words instead
 * of a CLI error deep inside a run. Pure: the caller passes the environment and what exists on
 * disk; tested in test/scripts/backend.test.ts.
 *
 * The `local` stack of `npm run demo` lives in a file backend in .local/state with a generated
 * passphrase in .local/passphrase, and its stack config (with the passphrase provider's salt) in
 * .local/demo-stack/Pulumi.local.yaml, so that the tracked Pulumi.local.yaml never changes
 * (scripts/demo.sh, which must use the same paths).
 */
import * as path from "node:path";

/** Paths of the demo's backend under the project root (scripts/demo.sh uses the same). */
export function demoPaths(root: string) {
  return {
    state: path.join(root, ".local", "state"),
    passphraseFile: path.join(root, ".local", "passphrase"),
    configFile: path.join(root, ".local", "demo-stack", "Pulumi.local.yaml"),
  };
}

/** The stack the demo deploys. */
export const DEMO_STACK = "local";

export interface BackendFacts {
  /** The project root. */
  root: string;
  /** Whether the demo's state folder exists (npm run demo ran here). */
  demoStateExists: boolean;
  /** Whether `pulumi login` stored credentials (PULUMI_HOME/credentials.json names a current backend). */
  loggedIn: boolean;
}

export interface BackendChoice {
  /** Environment variables to add for this stack's Pulumi runs. */
  envVars: Record<string, string>;
  /** Stack config file to use instead of Pulumi.<stack>.yaml, when there is one. */
  configFile?: string;
}

/** Decides the backend of one stack, or says in one sentence what is missing. */
export function chooseBackend(
  stack: string,
  env: Record<string, string | undefined>,
  facts: BackendFacts,
): BackendChoice | { error: string } {
  const demo = demoPaths(facts.root);
  const demoUrl = `file://${demo.state}`;
  const backend = env.PULUMI_BACKEND_URL;
  if (stack === DEMO_STACK && (backend === undefined || backend === "" || backend === demoUrl)) {
    if (!facts.demoStateExists) {
      return {
        error:
          `stack ${stack}: the demo's backend ${demo.state} does not exist yet; ` +
          "run `npm run demo` first, or set PULUMI_BACKEND_URL to the backend that holds this stack.",
      };
    }
    const hasPassphrase =
      Boolean(env.PULUMI_CONFIG_PASSPHRASE) || Boolean(env.PULUMI_CONFIG_PASSPHRASE_FILE);
    return {
      envVars: {
        PULUMI_BACKEND_URL: demoUrl,
        ...(hasPassphrase ? {} : { PULUMI_CONFIG_PASSPHRASE_FILE: demo.passphraseFile }),
      },
      configFile: demo.configFile,
    };
  }
  if (backend || env.PULUMI_ACCESS_TOKEN || facts.loggedIn) return { envVars: {} };
  return {
    error:
      `stack ${stack}: no Pulumi backend is configured; set PULUMI_BACKEND_URL ` +
      "(e.g. azblob://<container>?storage_account=<account> or file://<folder>) or run `pulumi login` " +
      "first (docs/operations.md). The local demo stack needs neither: it uses .local/state.",
  };
}
