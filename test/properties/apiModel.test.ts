/**
 * Round trips of the aks-engine cluster definition (lib/apiModel.ts): what `npm run render` writes
 * as apimodel.json and reads back to plan the next change (scripts/render.ts
 * `clusterSpecOfApiModel`) must give back the cluster config it was built from, for any valid
 * cluster config; redaction changes the secret and nothing else.
 */
import fc from "fast-check";
import { buildApiModel, redactApiModel, releaseOf, SECRET_PLACEHOLDER } from "../../lib/apiModel";
import { clusterSpec, planClusterChange } from "../../lib/clusterPlan";
import { SUPPORTED_KUBERNETES_VERSIONS } from "../../lib/versions";
import { clusterSpecOfApiModel } from "../../scripts/render";
import { stampConfig } from "../stampConfigs";
import { configureProperties } from "../support/properties";

configureProperties();

/** A valid `cluster` config: 3 or 5 masters, one to three pools, within the 50-node ceiling. */
const cluster = fc.record({
  dnsPrefix: fc.stringMatching(/^[a-z][a-z0-9-]{1,12}[a-z0-9]$/),
  kubernetesVersion: fc.constantFrom(...SUPPORTED_KUBERNETES_VERSIONS),
  masterCount: fc.constantFrom(3, 5),
  masterVmSize: fc.constantFrom("Standard_DS2_v2", "Standard_DS3_v2"),
  networkPlugin: fc.constantFrom("kubenet", "azure"),
  pools: fc.uniqueArray(
    fc.record({
      name: fc.stringMatching(/^[a-z][a-z0-9]{0,11}$/),
      count: fc.integer({ min: 3, max: 12 }),
      vmSize: fc.constantFrom("Standard_DS2_v2", "Standard_DS3_v2", "Standard_F8s_v2"),
    }),
    { minLength: 1, maxLength: 3, selector: (p) => p.name },
  ),
});
/** Secrets and keys that cannot appear in a definition by chance. */
const secret = fc.stringMatching(/^[A-Za-z0-9+/]{24,40}$/).map((s) => `sp-${s}`);
const sshKey = fc
  .stringMatching(/^[A-Za-z0-9+/]{40,60}$/)
  .map((k) => `  ssh-ed25519 AAAA${k} admin@example\n`);

test("apimodel.json read back gives the cluster spec it was built from: the next plan is no action", () => {
  fc.assert(
    fc.property(cluster, secret, sshKey, (c, sp, key) => {
      const config = stampConfig("seattle", { cluster: c });
      const model = buildApiModel(config, { sshPublicKey: key, servicePrincipalSecret: sp });
      const written = JSON.parse(JSON.stringify(redactApiModel(model), null, 2));
      const spec = clusterSpecOfApiModel(written);
      // The node image generation is not part of the definition (the provider keeps it in state).
      expect({ ...spec, nodeImageGeneration: 0 }).toEqual(clusterSpec(config));
      expect(spec).toMatchObject({ masterCount: c.masterCount, pools: c.pools });
      expect(planClusterChange(spec, clusterSpec(config))).toEqual({ kind: "none" });
      expect(written.properties.orchestratorProfile.orchestratorRelease).toBe(
        releaseOf(c.kubernetesVersion),
      );
      expect(written.properties.linuxProfile.ssh.publicKeys).toEqual([{ keyData: key.trim() }]);
    }),
    { numRuns: 60 },
  );
});

test("redaction replaces the service principal secret and changes nothing else", () => {
  fc.assert(
    fc.property(cluster, secret, (c, sp) => {
      const config = stampConfig("seattle", { cluster: c });
      const model = buildApiModel(config, {
        sshPublicKey: "ssh-ed25519 AAAA",
        servicePrincipalSecret: sp,
      });
      const before = JSON.stringify(model);
      const redacted = redactApiModel(model);
      expect(JSON.stringify(redacted)).not.toContain(sp);
      expect(redacted.properties.servicePrincipalProfile.secret).toBe(SECRET_PLACEHOLDER);
      expect({
        ...redacted,
        properties: {
          ...redacted.properties,
          servicePrincipalProfile: { ...redacted.properties.servicePrincipalProfile, secret: sp },
        },
      }).toEqual(model);
      expect(JSON.stringify(model)).toBe(before); // the input is not changed
    }),
    { numRuns: 60 },
  );
});
