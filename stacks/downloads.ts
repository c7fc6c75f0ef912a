/**
 * The I/O of pinned downloads (lib/downloads.ts decides what is allowed): fetches an https source
 * itself, follows redirects only to https URLs that pass the same checks, verifies the SHA-256,
 * and caches the verified file under `.cache/downloads/<sha256>.<ext>` in the program directory.
 * The Kubernetes provider then reads the file by that relative path: its plugin runs in the
 * program directory, `yaml/v2` reads a non-URL `file` with os.ReadFile and Helm's LocateChart
 * stats a local chart path before any repository lookup (pulumi-kubernetes provider/v4
 * pkg/provider/yaml/v2/yaml.go; helm v3.18.6 pkg/action/install.go), so the inputs are the same on
 * every machine. A cached file is re-hashed on every run; a cache entry that no longer matches is
 * fetched again.
 */
import { createHash } from "node:crypto";
import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import { get } from "node:https";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { downloadUrlProblem, mismatchMessage, pinnedSource, PinInput } from "../lib/downloads";
import { inClusterPins, type InClusterDownloads } from "../lib/inClusterPins";

/** How downloads are made; every field has a production default. */
export interface DownloadOptions {
  /** Program directory the relative paths are resolved against. Defaults to the working directory. */
  root?: string;
  /** Extra trusted CA (PEM), e.g. a test's self-signed CA or a mirror's private CA. */
  ca?: string;
  /** Per-request timeout in milliseconds. Defaults to 60 s. */
  timeoutMs?: number;
  /** Largest file accepted, in bytes. Defaults to 64 MiB. */
  maxBytes?: number;
}

const MAX_REDIRECTS = 5;

function sha256(data: Buffer): string {
  return createHash("sha256").update(data).digest("hex");
}

/** GETs `url` over https (with redirects to https URLs that pass the checks) into memory. */
function fetchHttps(url: string, opts: DownloadOptions, redirects = 0): Promise<Buffer> {
  const max = opts.maxBytes ?? 64 * 1024 * 1024;
  return new Promise((resolve, reject) => {
    const req = get(url, { ca: opts.ca, timeout: opts.timeoutMs ?? 60_000 }, (res) => {
      const status = res.statusCode ?? 0;
      if (status >= 300 && status < 400 && res.headers.location) {
        res.resume();
        const next = new URL(res.headers.location, url).toString();
        const problem = downloadUrlProblem(next);
        if (problem) return reject(new Error(`redirected to ${next}, which ${problem}`));
        if (redirects >= MAX_REDIRECTS)
          return reject(new Error(`more than ${MAX_REDIRECTS} redirects`));
        return resolve(fetchHttps(next, opts, redirects + 1));
      }
      if (status !== 200) {
        res.resume();
        return reject(new Error(`HTTP ${status}`));
      }
      const chunks: Buffer[] = [];
      let size = 0;
      res.on("data", (chunk: Buffer) => {
        size += chunk.length;
        if (size > max) req.destroy(new Error(`larger than ${max} bytes`));
        else chunks.push(chunk);
      });
      res.on("end", () => resolve(Buffer.concat(chunks)));
      res.on("error", reject);
    });
    req.on("timeout", () => req.destroy(new Error("timed out")));
    req.on("error", reject);
  });
}

async function readIfPresent(file: string): Promise<Buffer | undefined> {
  try {
    return await readFile(file);
  } catch {
    return undefined;
  }
}

/**
 * Resolves the pinned downloads: every refusal of lib/downloads.ts first (all of them in one
 * error, before anything is fetched), then each source is fetched or read and verified. Returns
 * the verified files' paths relative to the program directory, in the order of `inputs`. Throws
 * naming the digest key, the expected and the actual digest on a mismatch; nothing is cached then.
 */
export async function resolvePinned(
  inputs: PinInput[],
  opts: DownloadOptions = {},
): Promise<string[]> {
  const root = opts.root ?? process.cwd();
  const pins = inputs.map(pinnedSource);
  const problems = pins.flatMap((p) => ("problem" in p ? [p.problem] : []));
  if (problems.length) throw new Error(`pinned downloads refused:\n- ${problems.join("\n- ")}`);
  const out: string[] = [];
  for (const [i, pin] of pins.entries()) {
    if ("problem" in pin) continue;
    const { digestKey, key } = inputs[i];
    if (pin.kind === "file") {
      const data = await readIfPresent(path.resolve(root, pin.path));
      if (!data) throw new Error(`${key}: cannot read ${pin.path}`);
      const actual = sha256(data);
      if (actual !== pin.sha256)
        throw new Error(mismatchMessage(digestKey, pin.path, pin.sha256, actual));
      out.push(pin.path);
      continue;
    }
    const cached = path.resolve(root, pin.cachePath);
    const hit = await readIfPresent(cached);
    if (!hit || sha256(hit) !== pin.sha256) {
      let data: Buffer;
      try {
        data = await fetchHttps(pin.url, opts);
      } catch (err) {
        throw new Error(`${key}: downloading ${pin.url} failed: ${(err as Error).message}`);
      }
      const actual = sha256(data);
      if (actual !== pin.sha256)
        throw new Error(mismatchMessage(digestKey, pin.url, pin.sha256, actual));
      await mkdir(path.dirname(cached), { recursive: true });
      const partial = `${cached}.${process.pid}.partial`;
      await writeFile(partial, data, { mode: 0o644 });
      await rename(partial, cached);
    }
    out.push(pin.cachePath);
  }
  return out;
}

/**
 * The in-cluster settings with every download the stack installs replaced by its verified local
 * file (lib/inClusterPins.ts says which). Refuses, before fetching anything, every source that
 * cannot be verified and every missing digest; then fetches and verifies each.
 */
export async function pinInCluster(
  d: InClusterDownloads,
  opts: DownloadOptions = {},
): Promise<InClusterDownloads> {
  try {
    return await pinAll(d, opts);
  } catch (e) {
    // A refusal, not a crash: the engine prints a RunError's message without a stack trace.
    throw new pulumi.RunError((e as Error).message);
  }
}

async function pinAll(d: InClusterDownloads, opts: DownloadOptions): Promise<InClusterDownloads> {
  const { pins, problems } = inClusterPins(d);
  const invalid = pins.flatMap((p) => {
    const r = pinnedSource(p.input);
    return "problem" in r ? [r.problem] : [];
  });
  const all = [...problems, ...invalid];
  if (all.length) throw new Error(`pinned downloads refused:\n- ${all.join("\n- ")}`);
  const paths = await resolvePinned(
    pins.map((p) => p.input),
    opts,
  );
  return pins.reduce((s, p, i) => p.apply(s, paths[i]), d);
}
