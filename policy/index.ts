/**
 * The policy pack: `pulumi preview --policy-pack policy` (and `up`) runs this file. Constructing the
 * PolicyPack starts the policy server, so tests import ./rules (one file per rule) instead. The
 * pack's version is the `version` of policy/package.json (read by @pulumi/policy from the working
 * directory).
 */
import { PolicyPack } from "@pulumi/policy";
import { policies } from "./rules";

new PolicyPack("ash-ha-kubernetes", { policies });
