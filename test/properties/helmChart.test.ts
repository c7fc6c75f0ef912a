/**
 * Properties of chart sources and mirrored image repositories (lib/helmChart.ts): which sources
 * pin the configured chart version, and what `k8s.helm.v4.Chart` gets for each.
 */
import fc from "fast-check";
import {
  chartPinProblem,
  chartSource,
  chartSourceKind,
  mirroredRepository,
} from "../../lib/helmChart";
import { configureProperties } from "../support/properties";

configureProperties();

const name = fc.stringMatching(/^[a-z][a-z0-9]{0,8}(-[a-z0-9]{1,8}){0,2}$/);
const version = fc
  .tuple(fc.nat(40), fc.nat(40), fc.nat(40), fc.constantFrom("", "-rc.1", "+build.7"))
  .map(([a, b, c, suffix]) => `${a}.${b}.${c}${suffix}`);
const host = fc.domain().map((d) => d.toLowerCase());
const segment = fc.stringMatching(/^[a-z0-9]{1,8}([._-][a-z0-9]{1,8})?$/);
const path = fc.array(segment, { maxLength: 3 });
const join = (...parts: string[]) => parts.filter((p) => p !== "").join("/");

describe("chart archives", () => {
  const dir = fc.oneof(
    fc.constant(""),
    path.map((p) => join(...p)),
    fc
      .tuple(fc.constantFrom("http", "https"), host, path)
      .map(([s, h, p]) => `${s}://${join(h, ...p)}`),
  );

  test("<name>-<version>.tgz anywhere pins the chart, and is used as it is", () => {
    fc.assert(
      fc.property(dir, name, version, (d, n, v) => {
        const source = join(d, `${n}-${v}.tgz`);
        expect(chartSourceKind(source)).toBe("archive");
        expect(chartPinProblem(n, source, v)).toBeUndefined();
        expect(chartSource(n, source, v)).toEqual({ chart: source });
      }),
    );
  });

  test("an archive of another version (or chart) is refused, naming the file it must be", () => {
    fc.assert(
      fc.property(dir, name, version, version, (d, n, v, other) => {
        fc.pre(other !== v);
        const source = join(d, `${n}-${other}.tgz`);
        const problem = `must be the archive of the pinned chart version, named "${n}-${v}.tgz" (or set the chart version to the archive's)`;
        expect(chartPinProblem(n, source, v)).toBe(problem);
        expect(() => chartSource(n, source, v)).toThrow(`chart source "${source}" ${problem}`);
      }),
    );
  });
});

describe("OCI references", () => {
  test("oci://<registry>/<path>/<name> pins the chart at the configured version", () => {
    fc.assert(
      fc.property(host, path, name, version, fc.boolean(), (h, p, n, v, slash) => {
        const source = `oci://${join(h, ...p, n)}${slash ? "/" : ""}`;
        expect(chartSourceKind(source)).toBe("oci");
        expect(chartPinProblem(n, source, v)).toBeUndefined();
        expect(chartSource(n, source, v)).toEqual({ chart: source, version: v });
      }),
    );
  });

  test("a tag or digest on the reference is refused: the version is the pinned one", () => {
    fc.assert(
      fc.property(
        host,
        path,
        name,
        version,
        fc.oneof(
          version.map((t) => `:${t}`),
          fc.stringMatching(/^[0-9a-f]{64}$/).map((h) => `@sha256:${h}`),
        ),
        (h, p, n, v, pin) => {
          const source = `oci://${join(h, ...p, n)}${pin}`;
          expect(chartPinProblem(n, source, v)).toBe(
            `must not carry a tag or digest: the version is the pinned chart version (${v})`,
          );
        },
      ),
    );
  });

  test("a reference to another chart is refused, naming the chart it must end with", () => {
    fc.assert(
      fc.property(host, path, name, name, version, (h, p, n, other, v) => {
        fc.pre(other !== n);
        expect(chartPinProblem(n, `oci://${join(h, ...p, other)}`, v)).toBe(
          `must end with the chart name "/${n}"`,
        );
      }),
    );
  });
});

test("an http(s) chart repository gives the chart by name at the version, from that repository", () => {
  fc.assert(
    fc.property(fc.constantFrom("http", "https"), host, path, name, version, (s, h, p, n, v) => {
      const repo = `${s}://${join(h, ...p)}`;
      fc.pre(!repo.endsWith(".tgz"));
      expect(chartSourceKind(repo)).toBe("repository");
      expect(chartSource(n, repo, v)).toEqual({ chart: n, version: v, repositoryOpts: { repo } });
    }),
  );
});

describe("mirroredRepository", () => {
  test("without a mirror, the upstream repository", () => {
    fc.assert(
      fc.property(host, path, (h, p) => {
        expect(mirroredRepository(join(h, ...p))).toBe(join(h, ...p));
        expect(mirroredRepository(join(h, ...p), "")).toBe(join(h, ...p));
      }),
    );
  });

  test("with a mirror, only the registry host is swapped: the upstream path is kept", () => {
    fc.assert(
      fc.property(
        host,
        fc.array(segment, { minLength: 1, maxLength: 3 }),
        host,
        path,
        fc.nat(2),
        (h, p, m, prefix, slashes) => {
          const mirror = join(m, ...prefix);
          expect(mirroredRepository(join(h, ...p), `${mirror}${"/".repeat(slashes)}`)).toBe(
            join(mirror, ...p),
          );
        },
      ),
    );
  });
});
