/**
 * Fail-closed pins through the whole program (index.ts) under mocks: the shipped seattle stack
 * file sets no digests and keeps the default chart sources (an OCI reference and chart
 * repositories), so its preview stops after the pre-flight checks with every unpinned download
 * named, before any request and before any resource but the stamp's azurestack provider (which
 * the pre-flight reads go through).
 */
import { installStampProgramMocks } from "./support/stampProgramMocks";

const recorded = installStampProgramMocks("seattle");

test("a stamp without pins is refused naming each key, with nothing registered but the ASH provider", async () => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const program = require("../index") as Promise<unknown>;
  await expect(program).rejects.toThrow(
    new RegExp(
      [
        "^pinned downloads refused:",
        '- ingress\\.chart: "oci://ghcr\\.io/nginx/charts/nginx-gateway-fabric" is a chart repository or OCI reference, which cannot be verified by digest; [^\\n]*ingress\\.chartSha256[^\\n]*',
        '- monitoring\\.fluentBit\\.chart: "https://fluent\\.github\\.io/helm-charts" is a chart repository[^\\n]*',
        '- nodeReboots\\.chart: "https://kubereboot\\.github\\.io/charts" is a chart repository[^\\n]*',
        '- certificates\\.chart: "https://charts\\.jetstack\\.io" is a chart repository[^\\n]*',
        "- ingress\\.gatewayApiCrdsSha256 is not set: [^\\n]*`curl -fsSL 'https://github\\.com/kubernetes-sigs/gateway-api/releases/download/v1\\.4\\.1/standard-install\\.yaml' \\| sha256sum`[^\\n]*$",
      ].join("\\n"),
    ),
  );
  await new Promise((r) => setImmediate(r));
  expect(recorded.map((r) => `${r.type} ${r.name}`)).toEqual([
    "pulumi:providers:azurestack seattle-ash",
  ]);
});
