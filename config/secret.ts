/**
 * The secret and error types of the configuration, and the keys that are read as secrets. Pure.
 */

/** A secret config value. It never prints itself: use `reveal()` only where it goes into a secret. */
export class Secret {
  readonly #value: string;
  constructor(value: string) {
    this.#value = value;
  }
  reveal(): string {
    return this.#value;
  }
  toString(): string {
    return "[secret]";
  }
  toJSON(): string {
    return "[secret]";
  }
}

/** All problems found in one stack's configuration. */
export class ConfigError extends Error {
  constructor(
    readonly stack: string,
    readonly problems: string[],
  ) {
    super(
      `Invalid configuration for stack "${stack}" (${problems.length} problem${problems.length === 1 ? "" : "s"}):\n` +
        problems.map((p) => `  - ${p}`).join("\n"),
    );
    this.name = "ConfigError";
  }
}

/**
 * Keys that are read as secrets, never as plain values, with the stack kinds that need them and
 * how to set them. Every listed key is required for its kinds (unless `optional`) and refused for
 * the others.
 */
export const SECRET_KEYS: Readonly<
  Record<string, { kinds: readonly string[]; what: string; optional?: boolean }>
> = {
  servicePrincipalSecret: {
    kinds: ["stamp"],
    what: "the service principal's client secret (the cluster's cloud provider credential)",
  },
  servicePrincipalCertificate: {
    kinds: ["stamp"],
    what: "the service principal's certificate and private key in one PEM (aks-engine signs in to ARM with it, so no secret goes on its command line)",
  },
  edgeKubeconfig: {
    kinds: ["edge"],
    what: "the kubeconfig of the edge cluster (read from stdin: `pulumi config set --secret edgeKubeconfig < kubeconfig`)",
  },
  logsIngestionClientSecret: {
    kinds: ["global"],
    what: "a client secret of the logs-ingestion app registration (logsIngestion.clientId), which the stamps' log agents sign in with",
  },
  dnsClientSecret: {
    kinds: ["global"],
    what: "a client secret of the cert-manager DNS app registration (dns.certManager.clientId), which the stamps' cert-manager solves DNS-01 with",
    optional: true,
  },
  backupTargetSas: {
    kinds: ["stamp", "local"],
    optional: true,
    what: "the SAS (create and write only) of backup.target's container",
  },
};
