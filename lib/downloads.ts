/**
 * Pinned downloads: cluster-wide manifests (the Gateway API CRDs) and chart archives that the
 * program fetches itself, verifies against a SHA-256 from config and hands to the Kubernetes
 * provider as a local file (stacks/downloads.ts does the I/O). Pure: what a source is, what is
 * wrong with a source or a digest, and where a verified file is cached.
 *
 * Fail-closed: a remote source without a digest is refused (with the command that computes one),
 * never fetched unverified. Only https is fetched; http and every other scheme are refused.
 */

/** A SHA-256 as `sha256sum` prints it: 64 lowercase hex digits. */
export const SHA256 = /^[0-9a-f]{64}$/;

/** Where verified downloads are cached, relative to the program directory (git-ignored). */
export const CACHE_DIR = ".cache/downloads";

/** Longest URL accepted (a mirror URL is short; this bounds what reaches logs and errors). */
export const MAX_URL_LENGTH = 2048;

/** File extensions a pinned download may have, by what it is. */
export const EXTENSIONS = { manifest: ["yaml", "yml"], chart: ["tgz"] } as const;

/** What a pinned download is: a YAML manifest or a chart archive. */
export type DownloadKind = keyof typeof EXTENSIONS;

/** A pinned source, classified: fetched over https, or a file already on disk. */
export type PinnedSource =
  | { kind: "https"; url: string; sha256: string; cachePath: string }
  | { kind: "file"; path: string; sha256: string };

/**
 * Characters allowed in a download URL: RFC 3986 unreserved, reserved and `%`, minus the ones a
 * shell or YAML would read (`$`, backtick, quotes, backslash, `;`, `&`, `|`, `<`, `>`, `(`, `)`,
 * `*`, `'`, `!`, whitespace and every control character).
 */
const URL_CHARS = /^[A-Za-z0-9._~:/?#[\]@+,=%-]+$/;

/** What is wrong with `url` as a download source (https only), or undefined. */
export function downloadUrlProblem(url: string): string | undefined {
  if (url.length > MAX_URL_LENGTH) return `must be at most ${MAX_URL_LENGTH} characters`;
  if (/^http:\/\//i.test(url)) {
    return "must use https: plain http is refused for pinned downloads (a mirror must serve https)";
  }
  if (!/^https:\/\//.test(url)) return "must be an https:// URL (other schemes are refused)";
  if (!URL_CHARS.test(url)) {
    return "must contain only URL characters (no whitespace, control characters, quotes, $, `, \\, ;, &, |, <, >, (, ), *, ', !)";
  }
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return "must be a valid URL";
  }
  if (parsed.username || parsed.password || url.slice(8).split(/[/?#]/)[0].includes("@")) {
    return "must not contain credentials (config values are plain text; serve the mirror without them)";
  }
  if (!parsed.hostname || url.startsWith("https:///") || parsed.hostname.startsWith("[")) {
    return "must name a host by DNS name or IPv4 address (no IPv6 literal)";
  }
  if (parsed.search || parsed.hash) return "must not carry a query string or fragment";
  return undefined;
}

/** What is wrong with `sha256` as a pinned digest, or undefined. */
export function digestProblem(sha256: string): string | undefined {
  return SHA256.test(sha256)
    ? undefined
    : "must be a SHA-256 as sha256sum prints it: 64 lowercase hex digits";
}

/** True when `source` is a URL (any scheme), false for a local path. */
export function isRemote(source: string): boolean {
  return /^[A-Za-z][A-Za-z0-9+.-]*:/.test(source) && !/^[A-Za-z]:[\\/]/.test(source);
}

/** The file extension of a source, lower-cased, without the dot ("" when none). */
function extensionOf(source: string): string {
  const file = fileName(source);
  const dot = file.lastIndexOf(".");
  return dot < 0 ? "" : file.slice(dot + 1).toLowerCase();
}

/** The file name at the end of a source (no query: refused for URLs). */
export function fileName(source: string): string {
  return source.split(/[\\/]/).pop() ?? "";
}

/**
 * The cache path (relative, stable across machines) of a verified download: a folder per digest,
 * holding the file under its own name (Helm and config checks read a chart archive's name).
 */
export function cachePath(sha256: string, source: string): string {
  return `${CACHE_DIR}/${sha256}/${fileName(source)}`;
}

/** The shell command an operator runs to compute the digest of `source`. */
export function digestCommand(source: string): string {
  return isRemote(source) ? `curl -fsSL '${source}' | sha256sum` : `sha256sum '${source}'`;
}

/** A pinned download as config gives it. */
export interface PinInput {
  /** Config key of the source, e.g. "ingress.gatewayApiCrds". */
  key: string;
  /** Config key of its digest, e.g. "ingress.gatewayApiCrdsSha256". */
  digestKey: string;
  /** The source: an https URL or a local path. */
  source: string;
  /** The configured digest; unset is refused. */
  sha256?: string;
  /** Manifest or chart archive. */
  kind: DownloadKind;
}

/**
 * The pinned source of `input`, or the refusal naming the config keys (the source key for a bad
 * source, the digest key for a missing or malformed digest, with the command that computes it).
 */
export function pinnedSource(input: PinInput): PinnedSource | { problem: string } {
  const { key, digestKey, source, sha256, kind } = input;
  const refuse = (k: string, value: string, problem: string) => ({
    problem: `${k}: ${JSON.stringify(value)} ${problem}`,
  });
  if (isRemote(source)) {
    const problem = downloadUrlProblem(source);
    if (problem) return refuse(key, source, problem);
  } else if (/[\0-\x1f\x7f\u0085\u2028\u2029'"`$\\]/.test(source)) {
    return refuse(key, source, "must be a plain path (no control characters, quotes, $, ` or \\)");
  }
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(fileName(source))) {
    return refuse(key, source, "must end with a plain file name (letters, digits, . _ -)");
  }
  const allowed: readonly string[] = EXTENSIONS[kind];
  if (!allowed.includes(extensionOf(source))) {
    return refuse(key, source, `must name a .${allowed.join(" or .")} file`);
  }
  if (sha256 === undefined || sha256 === "") {
    return {
      problem: `${digestKey} is not set: ${key} (${source}) is verified against it before use; compute it with \`${digestCommand(source)}\` and set ${digestKey}`,
    };
  }
  const bad = digestProblem(sha256);
  if (bad) return refuse(digestKey, sha256, bad);
  return isRemote(source)
    ? { kind: "https", url: source, sha256, cachePath: cachePath(sha256, source) }
    : { kind: "file", path: source, sha256 };
}

/** The refusal of a file whose digest is not the pinned one. */
export function mismatchMessage(
  digestKey: string,
  source: string,
  expected: string,
  actual: string,
): string {
  return `${digestKey}: ${source} has SHA-256 ${actual}, expected ${expected}; refused (if the new file is the one you trust, set ${digestKey} to its digest)`;
}

/**
 * The pin of a chart source, or the refusal of a source the program cannot verify: a chart
 * repository index or an OCI reference is resolved by the provider's Helm, which checks no digest
 * of the archive, so a verified install names the archive itself (https URL or local path).
 * @param key config key of the chart source, e.g. "monitoring.fluentBit.chart"
 */
export function chartPinInput(
  key: string,
  source: string,
  sha256: string | undefined,
): PinInput | { problem: string } {
  const digestKey = `${key}Sha256`;
  if (source.startsWith("oci://") || (isRemote(source) && extensionOf(source) !== "tgz")) {
    return {
      problem: `${key}: ${JSON.stringify(source)} is a chart repository or OCI reference, which cannot be verified by digest; set ${key} to the chart archive (https URL or path of <name>-<version>.tgz, e.g. from \`helm pull\`) and ${digestKey} to its \`sha256sum\``,
    };
  }
  return { key, digestKey, source, sha256, kind: "chart" };
}
