/**
 * First preview of a stamp: the Gateway does not exist yet, so its status (the load balancer
 * address NGF writes) is unknown. The Service read must then carry an unknown id, which the engine
 * skips in previews (pkg/resource/deploy/step.go, ReadStep.Apply) instead of failing on a Service
 * that NGF has not created yet.
 */
import * as pulumi from "@pulumi/pulumi";
import { installMocks, Recorded, settle } from "./mocks";

const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9"; // the engine's unknown-value sentinel
const reads: (string | undefined)[] = [];

const recorded: Recorded[] = installMocks({
  preview: true,
  outputs: {
    "kubernetes:core/v1:Service": (a) => {
      reads.push(a.id);
      return {};
    },
  },
});

import * as k8s from "@pulumi/kubernetes";
import { Ingress } from "../components/ingress";

test("the provisioned Service is not read before the Gateway reports an address", async () => {
  const provider = new k8s.Provider("test", { kubeconfig: "{}" });
  const ingress = new Ingress(
    "ingress",
    {
      ingress: {
        chart: "oci://ghcr.io/nginx/charts/nginx-gateway-fabric",
        chartVersion: "2.4.2",
        gatewayApiCrds: "standard-install.yaml",
      },
      stamp: "seattle",
    },
    { providers: { kubernetes: provider } },
  );
  const known = (o: pulumi.Output<unknown>) =>
    (o as unknown as { isKnown: Promise<boolean> }).isKnown;
  expect(await known(ingress.publicIp)).toBe(false);
  await settle();
  // Exactly one read reaches the engine, and its id is unknown: the engine skips it in a preview.
  // No read at all (e.g. a read created inside an apply, which never runs in a first preview) or a
  // read by a known id fails here.
  expect(reads).toEqual([UNKNOWN]);
  const self = recorded.find((x) => x.type === "ash-ha-kubernetes:ingress:Ingress");
  expect(
    recorded
      .filter((x) => x.type === "kubernetes:core/v1:Service")
      .map((x) => ({ name: x.name, id: x.id, parent: x.parent })),
  ).toEqual([{ name: "ingress-lb", id: UNKNOWN, parent: self?.urn }]);
  expect(self?.urn).toBe(
    "urn:pulumi:test::ash-ha-kubernetes::ash-ha-kubernetes:ingress:Ingress::ingress",
  );
});
