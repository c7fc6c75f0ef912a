/* eslint-disable @typescript-eslint/no-namespace -- namespaces give `k8s.core.v1.Secret` as type and value */
/**
 * The parts of @pulumi/kubernetes this program uses, imported by API version. The package root
 * requires every API group and version (about 0.05-0.15 s on 2 cores, bench/results.md); these
 * take a few ms. Use as `import * as k8s from "./sdk/kubernetes"`, with the root's names
 * (`k8s.Provider`, `k8s.core.v1.Secret`, `k8s.helm.v4.Chart`, `k8s.types.input...`).
 *
 * Resource references the engine returns for types of versions not loaded here (e.g. a Helm
 * chart's children) come back as URNs instead of resource objects; the program reads none.
 */
import * as appsV1 from "@pulumi/kubernetes/apps/v1";
import * as autoscalingV2 from "@pulumi/kubernetes/autoscaling/v2";
import * as batchV1 from "@pulumi/kubernetes/batch/v1";
import * as coreV1 from "@pulumi/kubernetes/core/v1";
import * as helmV4 from "@pulumi/kubernetes/helm/v4";
import * as networkingV1 from "@pulumi/kubernetes/networking/v1";
import * as policyV1 from "@pulumi/kubernetes/policy/v1";
import * as rbacV1 from "@pulumi/kubernetes/rbac/v1";
import * as storageV1 from "@pulumi/kubernetes/storage/v1";
import * as yamlV2 from "@pulumi/kubernetes/yaml/v2";

export { Provider } from "@pulumi/kubernetes/provider";
export type * as types from "@pulumi/kubernetes/types";
export * as apiextensions from "@pulumi/kubernetes/apiextensions";
export namespace apps {
  export import v1 = appsV1;
}
export namespace autoscaling {
  export import v2 = autoscalingV2;
}
export namespace batch {
  export import v1 = batchV1;
}
export namespace core {
  export import v1 = coreV1;
}
export namespace helm {
  export import v4 = helmV4;
}
export namespace networking {
  export import v1 = networkingV1;
}
export namespace policy {
  export import v1 = policyV1;
}
export namespace rbac {
  export import v1 = rbacV1;
}
export namespace storage {
  export import v1 = storageV1;
}
export namespace yaml {
  export import v2 = yamlV2;
}
