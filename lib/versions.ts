/**
 * Pinned versions that the program itself depends on, kept in one place.
 * Go-built tools are pinned in toolchain/modules/<tool>/go.mod; npm packages in package.json;
 * test/versions.test.ts checks that the two agree.
 */

/** The aks-engine-azurestack release the cluster definition is written for. */
export const AKS_ENGINE_VERSION = "v0.85.0";

/**
 * Kubernetes versions that aks-engine-azurestack v0.85.0 supports on Azure Stack Hub
 * (`aks-engine-azurestack get-versions --azure-env AzureStackCloud`; checked against the real
 * binary in test/aksEngineBinary.test.ts).
 */
export const SUPPORTED_KUBERNETES_VERSIONS = ["1.33.10", "1.34.4", "1.35.0"] as const;

/** Default Kubernetes version for new clusters: the newest patch of the middle minor. */
export const DEFAULT_KUBERNETES_VERSION = "1.34.4";

/** The Ubuntu 22.04 base image distro aks-engine-azurestack v0.85.0 expects in the marketplace. */
export const AKS_ENGINE_DISTRO = "aks-ubuntu-22.04";
