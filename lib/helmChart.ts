/**
 * Where a pinned Helm chart comes from. Pure: the same config value means the same chart for
 * `k8s.helm.v4.Chart`, and a value that would let the version float is refused.
 *
 * A chart source is one of:
 * - an OCI reference, `oci://registry/path/<chart>`: pulled at exactly `version`;
 * - a chart repository URL, `https://host/path` (not ending in `.tgz`): the chart `<name>` at
 *   exactly `version` from that repository's index;
 * - a chart archive, a local path or an http(s) URL ending in `.tgz`: used as is, so its file
 *   name must be `<name>-<version>.tgz` (what `helm pull`/`helm package` write), which keeps the
 *   configured version the one that is deployed.
 */

/** The arguments of `k8s.helm.v4.Chart` that select the chart. */
export interface ChartSource {
  /** OCI reference, chart name (with `repositoryOpts.repo`), archive path or archive URL. */
  chart: string;
  /** Exact chart version; unset only for an archive, whose version is in its file name. */
  version?: string;
  /** The chart repository, for a repository URL source. */
  repositoryOpts?: { repo: string };
}

/** How a chart source value is read (see the module comment). */
export type ChartSourceKind = "oci" | "repository" | "archive";

/** Classifies a chart source value. */
export function chartSourceKind(source: string): ChartSourceKind {
  if (source.startsWith("oci://")) return "oci";
  if (/\.tgz$/i.test(source)) return "archive";
  if (/^https?:\/\//i.test(source)) return "repository";
  return "archive";
}

/**
 * What is wrong with a chart source for chart `name` pinned at `version`, phrased to follow the
 * value (`<key>: "<value>" <problem>`); undefined when the source pins the version.
 */
export function chartPinProblem(name: string, source: string, version: string): string | undefined {
  switch (chartSourceKind(source)) {
    case "archive": {
      const file = source.split(/[\\/]/).pop() ?? source;
      if (!file.endsWith(".tgz")) {
        return "must be an oci:// reference, an http(s) chart repository URL or a chart archive (.tgz)";
      }
      const expected = `${name}-${version}.tgz`;
      return file === expected
        ? undefined
        : `must be the archive of the pinned chart version, named "${expected}" (or set the chart version to the archive's)`;
    }
    case "oci": {
      const path = source.slice("oci://".length).replace(/\/+$/, "");
      const last = path.split("/").pop() ?? "";
      if (path.includes("@") || last.includes(":")) {
        return `must not carry a tag or digest: the version is the pinned chart version (${version})`;
      }
      return last === name ? undefined : `must end with the chart name "/${name}"`;
    }
    case "repository":
      return undefined;
  }
}

/**
 * The `k8s.helm.v4.Chart` arguments that select chart `name` at exactly `version` from `source`.
 * Throws with the problem of `chartPinProblem` (config validation reports it earlier).
 */
export function chartSource(name: string, source: string, version: string): ChartSource {
  const problem = chartPinProblem(name, source, version);
  if (problem) throw new Error(`chart source "${source}" ${problem}`);
  switch (chartSourceKind(source)) {
    case "oci":
      return { chart: source, version };
    case "repository":
      return { chart: name, version, repositoryOpts: { repo: source } };
    case "archive":
      return { chart: source };
  }
}

/**
 * An image repository under a mirror registry: the upstream path is kept, only the registry host
 * is swapped (`ghcr.io/nginx/nginx-gateway-fabric` -> `<mirror>/nginx/nginx-gateway-fabric`), which
 * is what `crane copy`, `skopeo sync` and `az acr import` produce by default.
 * @param upstream repository with its registry, no tag
 * @param mirror registry host (and optional path prefix); unset keeps `upstream`
 */
export function mirroredRepository(upstream: string, mirror?: string): string {
  if (!mirror) return upstream;
  const path = upstream.slice(upstream.indexOf("/") + 1);
  return `${mirror.replace(/\/+$/, "")}/${path}`;
}
