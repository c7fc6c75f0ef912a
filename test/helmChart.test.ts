import {
  chartPinProblem,
  chartSource,
  chartSourceKind,
  mirroredRepository,
} from "../lib/helmChart";

const NAME = "nginx-gateway-fabric";

describe("chart sources", () => {
  test.each([
    [
      "oci://ghcr.io/nginx/charts/nginx-gateway-fabric",
      { chart: "oci://ghcr.io/nginx/charts/nginx-gateway-fabric", version: "2.4.2" },
    ],
    [
      "oci://registry.fabrikam.de:5000/charts/nginx-gateway-fabric",
      { chart: "oci://registry.fabrikam.de:5000/charts/nginx-gateway-fabric", version: "2.4.2" },
    ],
    [
      "https://charts.fabrikam.de/stable",
      {
        chart: NAME,
        version: "2.4.2",
        repositoryOpts: { repo: "https://charts.fabrikam.de/stable" },
      },
    ],
    [
      "./charts/nginx-gateway-fabric-2.4.2.tgz",
      { chart: "./charts/nginx-gateway-fabric-2.4.2.tgz" },
    ],
    [
      "/srv/mirror/nginx-gateway-fabric-2.4.2.tgz",
      { chart: "/srv/mirror/nginx-gateway-fabric-2.4.2.tgz" },
    ],
    [
      "https://mirror.fabrikam.de/charts/nginx-gateway-fabric-2.4.2.tgz",
      { chart: "https://mirror.fabrikam.de/charts/nginx-gateway-fabric-2.4.2.tgz" },
    ],
  ])("%s -> pinned Chart arguments", (source, expected) => {
    expect(chartSource(NAME, source, "2.4.2")).toEqual(expected);
  });

  test.each([
    ["oci://ghcr.io/nginx/charts/nginx-gateway-fabric", "oci"],
    ["https://fluent.github.io/helm-charts", "repository"],
    ["http://charts.local/repo", "repository"],
    ["https://mirror/x-1.0.0.tgz", "archive"],
    ["charts/x-1.0.0.tgz", "archive"],
  ])("%s is read as %s", (source, kind) => {
    expect(chartSourceKind(source)).toBe(kind);
  });

  test.each([
    [
      "./nginx-gateway-fabric-2.2.1.tgz",
      'must be the archive of the pinned chart version, named "nginx-gateway-fabric-2.4.2.tgz" (or set the chart version to the archive\'s)',
    ],
    [
      "oci://ghcr.io/nginx/charts/nginx-gateway-fabric:2.4.2",
      "must not carry a tag or digest: the version is the pinned chart version (2.4.2)",
    ],
    [
      "oci://ghcr.io/nginx/charts/nginx-gateway-fabric@sha256:abc",
      "must not carry a tag or digest: the version is the pinned chart version (2.4.2)",
    ],
    [
      "oci://ghcr.io/nginx/charts/other-chart",
      'must end with the chart name "/nginx-gateway-fabric"',
    ],
    [
      "charts/nginx-gateway-fabric",
      "must be an oci:// reference, an http(s) chart repository URL or a chart archive (.tgz)",
    ],
  ])("%s is refused: %s", (source, problem) => {
    expect(chartPinProblem(NAME, source, "2.4.2")).toBe(problem);
    expect(() => chartSource(NAME, source, "2.4.2")).toThrow(`chart source "${source}" ${problem}`);
  });
});

describe("mirrored image repositories", () => {
  test.each([
    ["ghcr.io/nginx/nginx-gateway-fabric", undefined, "ghcr.io/nginx/nginx-gateway-fabric"],
    [
      "ghcr.io/nginx/nginx-gateway-fabric/nginx",
      "registry.fabrikam.de",
      "registry.fabrikam.de/nginx/nginx-gateway-fabric/nginx",
    ],
    [
      "cr.fluentbit.io/fluent/fluent-bit",
      "registry.fabrikam.de:5000/mirror/",
      "registry.fabrikam.de:5000/mirror/fluent/fluent-bit",
    ],
    [
      "mcr.microsoft.com/azuremonitor/containerinsights/ciprod",
      "acr.azurecr.io",
      "acr.azurecr.io/azuremonitor/containerinsights/ciprod",
    ],
  ])("%s under %s -> %s", (upstream, mirror, expected) => {
    expect(mirroredRepository(upstream, mirror)).toBe(expected);
  });
});
