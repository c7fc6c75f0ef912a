/**
 * The secret `imagePullSecret` keys of the in-cluster sections (`app`, `ingress`, `monitoring`,
 * `nodeReboots`, `certificates`): a docker config JSON each, set with
 * `pulumi config set --secret --path <section>.imagePullSecret < config.json`. Pulumi then marks
 * the whole section secret (an object holding a secure value is a secure value:
 * `object.Secure` in sdk/go/common/resource/config/object.go of pulumi/pulumi v3.259.0) and hands
 * the program its decrypted JSON. `takePullSecrets` takes each value out of the raw config before
 * the schemas see it, so no problem message can show it, checks it, and puts a `Secret` in its
 * place. Pure.
 */
import { z } from "zod";
import { dockerConfigProblem, PULL_SECRET_SECTIONS } from "../lib/pullSecrets";
import { isPlainObject } from "./issues";
import { Secret } from "./secret";

/** The schema field: a `Secret` put there by `takePullSecrets`, never a plain value. */
export const imagePullSecret = z
  .instanceof(Secret, {
    message: "must be a secret config value (pulumi config set --secret --path ...)",
  })
  .optional();

/** Where each section's pull secret is used, for the problem of a section that takes none. */
const USED_BY: Record<string, readonly string[]> = {
  app: ["stamp", "local", "edge"],
  ingress: ["stamp", "edge"],
  monitoring: ["stamp", "edge"],
  nodeReboots: ["stamp"],
  certificates: ["stamp", "edge"],
};

/**
 * Replaces every `<section>.imagePullSecret` of `values` (the decoded config, modified in place)
 * by a `Secret`, or removes it and returns the problem: not set as a secret, or not a usable
 * docker config JSON. Sections of other stack kinds are left to the schemas.
 * @param secretKeys the sections (key without project prefix) Pulumi marks secret
 */
export function takePullSecrets(
  values: Record<string, unknown>,
  secretKeys: (key: string) => boolean,
  kind: string,
): string[] {
  const problems: string[] = [];
  for (const section of PULL_SECRET_SECTIONS) {
    const object = values[section];
    if (!isPlainObject(object) || !("imagePullSecret" in object)) continue;
    const key = `${section}.imagePullSecret`;
    const value = object.imagePullSecret;
    delete object.imagePullSecret;
    if (!USED_BY[section].includes(kind)) continue; // the schema refuses the section itself
    if (!secretKeys(section)) {
      problems.push(
        `${key}: is stored in plaintext; set it with \`pulumi config set --secret --path ${key} < config.json\` so it is encrypted`,
      );
      continue;
    }
    // The JSON text, or the same JSON as a structured value if it reached the program parsed.
    const text = isPlainObject(value) ? JSON.stringify(value) : value;
    if (typeof text !== "string") {
      problems.push(
        `${key}: [secret] must be a docker config JSON (pulumi config set --secret --path ${key} < config.json)`,
      );
      continue;
    }
    const problem = dockerConfigProblem(text);
    if (problem) {
      problems.push(`${key}: [secret] ${problem}`);
      continue;
    }
    object.imagePullSecret = new Secret(text);
  }
  return problems;
}
