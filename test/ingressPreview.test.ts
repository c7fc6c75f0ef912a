/**
 * First preview of a stamp: the Gateway does not exist yet, so its status (the load balancer
 * address NGF writes) is unknown. The Service read must then carry an unknown id, which the engine
 * skips in previews (pkg/resource/deploy/step.go, ReadStep.Apply) instead of failing on a Service
 * that NGF has not created yet.
 */
import * as pulumi from "@pulumi/pulumi";
import { installMocks } from "./mocks";

const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9"; // the engine's unknown-value sentinel
const reads: (string | undefined)[] = [];

installMocks({
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
  await new Promise((res) => setTimeout(res, 50));
  expect(reads.length).toBeLessThanOrEqual(1);
  expect(reads.every((id) => id === undefined || id === UNKNOWN)).toBe(true);
});
