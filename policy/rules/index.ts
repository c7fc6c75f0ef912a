/**
 * The rules of the policy pack, one per file, as plain policy objects: `policy/index.ts` hands them
 * to a `PolicyPack` (which starts the policy server), and the tests under test/policy/ call their
 * `validateResource` / `validateStack` directly with fake arguments. Rules match resources by type
 * token, never by importing the provider SDKs, so loading the pack stays cheap. What they share is
 * in ./helpers.ts (input reading, pod templates) and ./clusterSize.ts (the cluster contract).
 *
 * What each rule can and cannot see is documented in docs/policy.md.
 */
import { containersHaveRequestsAndLimits } from "./containersHaveRequestsAndLimits";
import { imagesPinned } from "./imagesPinned";
import { mastersThreeOrFive } from "./mastersThreeOrFive";
import { networkPoliciesEnforced } from "./networkPoliciesEnforced";
import { noPlaintextSecrets } from "./noPlaintextSecrets";
import { oneLoadBalancerPerStack } from "./oneLoadBalancerPerStack";
import { sshNotWorldOpen } from "./sshNotWorldOpen";
import { statefulDataProtected } from "./statefulDataProtected";
import { trafficManagerProbesAppHealth } from "./trafficManagerProbesAppHealth";
import { workersAtLeastThree } from "./workersAtLeastThree";

export { known, POD_SPEC_PATHS } from "./helpers";
export { clusterSize } from "./clusterSize";
export type { ClusterSize } from "./clusterSize";
export * from "./containersHaveRequestsAndLimits";
export * from "./imagesPinned";
export * from "./mastersThreeOrFive";
export * from "./networkPoliciesEnforced";
export * from "./noPlaintextSecrets";
export * from "./oneLoadBalancerPerStack";
export * from "./sshNotWorldOpen";
export * from "./statefulDataProtected";
export * from "./trafficManagerProbesAppHealth";
export * from "./workersAtLeastThree";

/** Every rule of the pack, in the order the CLI lists them. */
export const policies = [
  sshNotWorldOpen,
  mastersThreeOrFive,
  workersAtLeastThree,
  oneLoadBalancerPerStack,
  containersHaveRequestsAndLimits,
  imagesPinned,
  noPlaintextSecrets(),
  trafficManagerProbesAppHealth,
  statefulDataProtected,
  networkPoliciesEnforced,
];
