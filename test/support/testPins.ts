/**
 * Pins for tests that run the stamp and edge programs from the shipped stack files. Those files
 * leave the digests unset (fail-closed: a real preview refuses them until an operator pins real
 * archives), so tests pin stand-in files instead: each chart source and the Gateway API CRDs point
 * at an archive URL on `mirror.test.invalid` (never contacted) whose stand-in content is written
 * to the program's cache (`.cache/downloads/<sha256>/<file>`, git-ignored) before the program
 * runs, so the downloader verifies the cached file and makes no request. The mocks never render a
 * chart, so a stand-in archive is enough; nothing here is a real chart or manifest.
 */
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { cachePath } from "../../lib/downloads";
import {
  CERT_MANAGER_CHART,
  CONTAINER_INSIGHTS_CHART,
  FLUENT_BIT_CHART,
  KURED_CHART,
  METALLB_CHART,
  NGF_CHART,
} from "../../lib/versions";

const MIRROR = "https://mirror.test.invalid";
const P = "ash-ha-kubernetes:";

/** Writes the stand-in for `file` into the cache under `root`; returns [url, sha256]. */
function standIn(root: string, dir: string, file: string): [string, string] {
  const url = `${MIRROR}/${dir}/${file}`;
  const content = `stand-in for ${file}; not a real ${dir === "charts" ? "chart" : "manifest"}\n`;
  const sha256 = createHash("sha256").update(content).digest("hex");
  const target = path.join(root, cachePath(sha256, url));
  fs.mkdirSync(path.dirname(target), { recursive: true });
  fs.writeFileSync(target, content);
  return [url, sha256];
}

function chart(
  root: string,
  name: string,
  version: string,
): { chart: string; chartSha256: string } {
  const [url, sha256] = standIn(root, "charts", `${name}-${version}.tgz`);
  return { chart: url, chartSha256: sha256 };
}

/**
 * Adds stand-in pins to a stamp's or edge stack's raw config (JSON values, as Pulumi passes them),
 * keeping the configured chart versions; other stack kinds are returned unchanged.
 */
export function withTestPins(config: Record<string, string>, root: string): void {
  const kind = config[`${P}kind`];
  if (kind !== "stamp" && kind !== "edge") return;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const obj = (key: string) => JSON.parse(config[`${P}${key}`] ?? "{}") as Record<string, any>;
  const set = (key: string, v: unknown) => (config[`${P}${key}`] = JSON.stringify(v));

  const ingress = obj("ingress");
  const [crds, crdsSha256] = standIn(root, "gateway-api", "standard-install.yaml");
  set("ingress", {
    ...ingress,
    ...chart(root, NGF_CHART.name, ingress.chartVersion ?? NGF_CHART.version),
    gatewayApiCrds: crds,
    gatewayApiCrdsSha256: crdsSha256,
  });
  const monitoring = obj("monitoring");
  const fb = monitoring.fluentBit ?? {};
  const ci = monitoring.containerInsights ?? {};
  set("monitoring", {
    ...monitoring,
    fluentBit: {
      ...fb,
      ...chart(root, FLUENT_BIT_CHART.name, fb.chartVersion ?? FLUENT_BIT_CHART.version),
    },
    containerInsights: {
      ...ci,
      ...chart(
        root,
        CONTAINER_INSIGHTS_CHART.name,
        ci.chartVersion ?? CONTAINER_INSIGHTS_CHART.version,
      ),
    },
  });
  if (config[`${P}certificates`] !== undefined) {
    const certificates = obj("certificates");
    set("certificates", {
      ...certificates,
      ...chart(
        root,
        CERT_MANAGER_CHART.name,
        certificates.chartVersion ?? CERT_MANAGER_CHART.version,
      ),
    });
  }
  if (kind === "stamp") {
    const reboots = obj("nodeReboots");
    set("nodeReboots", {
      ...reboots,
      ...chart(root, KURED_CHART.name, reboots.chartVersion ?? KURED_CHART.version),
    });
  } else {
    const metallb = obj("metallb");
    set("metallb", {
      ...metallb,
      ...chart(root, METALLB_CHART.name, metallb.chartVersion ?? METALLB_CHART.version),
    });
  }
}
