/**
 * Every version pin the program itself depends on, in one place: the aks-engine-azurestack release
 * and the Kubernetes versions it supports, the Helm charts of the in-cluster layer (with the image
 * tags they ship), the default images of the ratings app and of the helper VM, and the version the
 * local control plane's simulated nodes report. Config defaults (config/) and the pure builders
 * (lib/ingress.ts, lib/monitoring.ts, lib/apiModel.ts) read them from here.
 *
 * Pinned elsewhere, by kind: Go-built tools in toolchain/modules/<tool>/go.mod and npm packages in
 * package.json (test/toolchain.test.ts checks that the two agree); the Kubernetes versions below are
 * checked against the real binary's `get-versions` in test/integration/aksEngineBinary.test.ts.
 * test/versions.test.ts checks that every file this comment names exists.
 */

/** The aks-engine-azurestack release the cluster definition is written for. */
export const AKS_ENGINE_VERSION = "v0.85.0";

/**
 * Kubernetes versions that aks-engine-azurestack v0.85.0 supports on Azure Stack Hub
 * (`aks-engine-azurestack get-versions --azure-env AzureStackCloud`).
 */
export const SUPPORTED_KUBERNETES_VERSIONS = ["1.33.10", "1.34.4", "1.35.0"] as const;

/** Default Kubernetes version for new clusters: the newest patch of the middle minor. */
export const DEFAULT_KUBERNETES_VERSION = "1.34.4";

/** The Ubuntu 22.04 base image distro aks-engine-azurestack v0.85.0 expects in the marketplace. */
export const AKS_ENGINE_DISTRO = "aks-ubuntu-22.04";

/**
 * The Kubernetes version of the local control plane (scripts/local-cluster.sh): its binaries are
 * built from the k8s.io/kubernetes module pinned in toolchain/modules/kubernetes/go.mod, and its
 * simulated nodes report the same version. test/versions.test.ts keeps the two equal and the
 * version one the pinned aks-engine-azurestack supports, so the local stack looks like a stamp.
 */
export const LOCAL_NODE_VERSION = "v1.34.4";

/**
 * The NGINX Gateway Fabric chart pin. 2.4.2 (18 Feb 2026) is the newest 2.x release we could
 * verify; it requires the Gateway API v1.4 CRDs (compatibility: Gateway API 1.4.1) and fixes
 * CVE-2026-1642 (2.4.1). NGF's images are tagged with the chart version (its appVersion).
 */
export const NGF_CHART = {
  name: "nginx-gateway-fabric",
  source: "oci://ghcr.io/nginx/charts/nginx-gateway-fabric",
  version: "2.4.2",
} as const;

/** The Gateway API release whose standard-channel CRDs NGF 2.4.x is built and tested against. */
export const GATEWAY_API_VERSION = "v1.4.1";

/**
 * The standard-channel CRD manifest of that release. No SHA-256 of it (nor of the chart archives
 * below) is pinned here: the digests could not be computed offline, so stamp and edge previews
 * refuse to install them until the operator sets `ingress.gatewayApiCrdsSha256` and each
 * `*.chartSha256` (docs/in-cluster.md "Pinned downloads").
 */
export const GATEWAY_API_CRDS = `https://github.com/kubernetes-sigs/gateway-api/releases/download/${GATEWAY_API_VERSION}/standard-install.yaml`;

/** fluent/fluent-bit chart 0.57.9 (6 Jul 2026) ships Fluent Bit 5.0.9, its appVersion. */
export const FLUENT_BIT_CHART = {
  name: "fluent-bit",
  source: "https://fluent.github.io/helm-charts",
  version: "0.57.9",
  imageTag: "5.0.9",
} as const;

/**
 * azuremonitor-containers 3.1.27; its values pin the ama-logs image to the same tag. The default
 * source is the chart archive itself, not the repository URL: Microsoft publishes the archive at
 * `<repo>/azuremonitor-containers/azuremonitor-containers-<version>.tgz` (the `urls` of the
 * microsoft/charts `repo/index.yaml` entries), and a repository source only finds versions the
 * top-level index lists. docs/monitoring.md says what was and was not verified.
 */
const CI_REPOSITORY = "https://microsoft.github.io/charts/repo";
const CI_VERSION = "3.1.27";
export const CONTAINER_INSIGHTS_CHART = {
  name: "azuremonitor-containers",
  /** The chart repository (its top-level index.yaml lists the versions it knows). */
  repository: CI_REPOSITORY,
  /** The archive `helm pull` of this exact version fetches. */
  source: `${CI_REPOSITORY}/azuremonitor-containers/azuremonitor-containers-${CI_VERSION}.tgz`,
  version: CI_VERSION,
  imageTag: CI_VERSION,
} as const;

/**
 * The MetalLB chart of edge stamps (stacks/edge.ts): 0.16.1 (27 May 2026), the newest release tag
 * of github.com/metallb/metallb we could read; chart version 0.16.1, appVersion v0.16.1, images
 * quay.io/metallb/controller and quay.io/metallb/speaker tagged with the appVersion.
 */
export const METALLB_CHART = {
  name: "metallb",
  source: "https://metallb.github.io/metallb",
  version: "0.16.1",
} as const;

/**
 * kubereboot/kured chart 6.1.0 (30 Jun 2026) ships kured 1.23.0, its appVersion (image
 * ghcr.io/kubereboot/kured:1.23.0). Read at tag kured-6.1.0 of github.com/kubereboot/charts.
 */
export const KURED_CHART = {
  name: "kured",
  source: "https://kubereboot.github.io/charts",
  version: "6.1.0",
  imageTag: "1.23.0",
} as const;

/**
 * cert-manager chart v1.21.1 (tag v1.21.1 of github.com/cert-manager/cert-manager, 29 Jul 2026, the
 * newest release tag we could read). Its images (controller, webhook, cainjector, acmesolver) are
 * `quay.io/jetstack/cert-manager-<name>` tagged with the appVersion, the same v1.21.1; the chart's
 * top-level `imageRegistry` value (default quay.io) moves all of them to a mirror at once. Unlike
 * the other charts, cert-manager's chart versions carry the leading `v`.
 */
export const CERT_MANAGER_CHART = {
  name: "cert-manager",
  source: "https://charts.jetstack.io",
  version: "v1.21.1",
} as const;

/** Default images of the ratings app (`app.apiImage`, `app.webImage`, `app.mongoImage`). */
export const RATINGS_IMAGES = {
  api: "localhost:5000/ratings/ratings-api:v1.0.0",
  web: "localhost:5000/ratings/ratings-web:v1.0.0",
  /** MongoDB, pinned to a supported major. */
  mongo: "docker.io/library/mongo:7.0.14",
} as const;

/**
 * Default marketplace image of the helper VM (`helperVm.image`): Ubuntu 22.04 LTS as stamps
 * syndicate it. `latest` of this one SKU, because stamps syndicate a single build of it. The
 * generation 1 SKU (`22_04-lts`, not `22_04-lts-gen2`): Azure Stack Hub runs generation 1 VMs only
 * (azure-stack-docs, azure-stack/user/azure-stack-vm-considerations.md, "VHD generation").
 */
export const HELPER_VM_IMAGE = {
  publisher: "Canonical",
  offer: "0001-com-ubuntu-server-jammy",
  sku: "22_04-lts",
  version: "latest",
} as const;

/** A marketplace image as Azure addresses it: publisher, offer, SKU and version. */
export interface MarketplaceImage {
  publisher: string;
  offer: string;
  sku: string;
  version: string;
}

/** aks-engine-azurestack v0.85.0's `AKSUbuntu2204OSImageConfig` (see `NODE_IMAGES`). */
export const AKS_UBUNTU_2204_IMAGE: MarketplaceImage = {
  publisher: "microsoft-aks",
  offer: "aks",
  sku: "aks-engine-azurestack-ubuntu-2204",
  version: "2026.139.1",
};

/**
 * The node image (masters and workers) aks-engine-azurestack v0.85.0 deploys for distro
 * `aks-ubuntu-22.04` on Azure Stack Hub, for each supported Kubernetes version: the release has
 * one Ubuntu 22.04 image for all of them. Where the facts come from (aks-engine-azurestack source,
 * read at the v0.85.0 release commit dd55fe3e4 "release: v0.85.0 CHANGELOG", 2026-05-27):
 * - `pkg/api/azenvtypes.go`, `AKSUbuntu2204OSImageConfig`: publisher microsoft-aks, offer aks,
 *   SKU aks-engine-azurestack-ubuntu-2204, version 2026.139.1 (set by #391 "update golang and image
 *   versions"); `pkg/api/const.go` maps distro "aks-ubuntu-22.04" to it;
 * - `docs/topics/azure-stack.md`, release table row v0.85.0: "AKS Base Ubuntu 22.04-LTS Image Distro
 *   (2026.139.1)" for Kubernetes 1.33.10, 1.34.4 and 1.35.0;
 * - `releases/CHANGELOG-v0.85.0.md`: support for 1.33.10 (#384), 1.34.4 (#387), 1.35.0 (#386).
 * The stand-in binary of the real-engine suite (Azure/aks-engine v0.79.0) is not the source of
 * these values. test/versions.test.ts keeps one entry per supported version.
 */
export const NODE_IMAGES: Readonly<
  Record<(typeof SUPPORTED_KUBERNETES_VERSIONS)[number], MarketplaceImage>
> = {
  "1.33.10": { ...AKS_UBUNTU_2204_IMAGE },
  "1.34.4": { ...AKS_UBUNTU_2204_IMAGE },
  "1.35.0": { ...AKS_UBUNTU_2204_IMAGE },
};
/**
 * Images of the MongoDB backup job (lib/backupJob.ts). The dump runs in the app's own MongoDB
 * image (`app.mongoImage`, which ships mongodump, so the tools match the server); the upload runs
 * in curl's official image (Alpine: POSIX sh, curl, busybox gzip). Exact tag; mirror it for
 * disconnected stamps and set `backup.uploadImage`.
 */
export const BACKUP_IMAGES = {
  upload: "docker.io/curlimages/curl:8.11.1",
} as const;
