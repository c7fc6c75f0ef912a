import * as azure from "./sdk/azureNative";
import * as pulumi from "@pulumi/pulumi";
import type { GlobalOutputValues } from "../stacks/globalOutputs";
import { endpointRouting, EndpointSettings } from "../lib/trafficManager";

export interface TrafficManagerEndpointArgs {
  /** The global stack's outputs (from `readGlobalOutputs`): profile, its group and routing method. */
  global: Pick<
    GlobalOutputValues,
    "trafficManagerProfileName" | "trafficManagerResourceGroup" | "trafficManagerRoutingMethod"
  >;
  /** Stamp name; also the endpoint's name in the profile, so it must be unique across stamps. */
  stamp: string;
  /** What Traffic Manager answers with for this stamp: its ingress public IP or FQDN. */
  target: pulumi.Input<string>;
  /** The stamp's validated `trafficManager` config: endpointLocation, weight, priority. */
  settings: EndpointSettings;
}

/**
 * One stamp's endpoint in the global Traffic Manager profile (an external endpoint pointing at the
 * stamp's ingress). Each stamp registers its own, so the global stack never changes when a stamp
 * is added. The azure-native provider for public Azure comes through `opts`.
 */
export class TrafficManagerEndpoint extends pulumi.ComponentResource {
  /** The endpoint's name in the profile (the stamp name). */
  public readonly endpointName: pulumi.Output<string>;
  /** ARM id of the endpoint. */
  public readonly endpointId: pulumi.Output<string>;

  constructor(
    name: string,
    args: TrafficManagerEndpointArgs,
    opts?: pulumi.ComponentResourceOptions,
  ) {
    super("ash-ha-kubernetes:global:TrafficManagerEndpoint", name, {}, opts);
    const { global, settings, stamp } = args;

    // The profile's routing method decides which of weight/priority the endpoint sets.
    const routing = global.trafficManagerRoutingMethod.apply((method) => {
      try {
        return endpointRouting(method, settings);
      } catch (e) {
        throw new pulumi.ResourceError((e as Error).message, this);
      }
    });

    const endpoint = new azure.trafficmanager.Endpoint(
      `${name}-endpoint`,
      {
        endpointName: stamp,
        endpointType: "ExternalEndpoints",
        profileName: global.trafficManagerProfileName,
        resourceGroupName: global.trafficManagerResourceGroup,
        target: args.target,
        endpointStatus: "Enabled",
        endpointLocation: routing.endpointLocation,
        weight: routing.weight,
        priority: routing.priority,
      },
      { parent: this },
    );

    this.endpointName = endpoint.name.apply((n) => n ?? stamp);
    this.endpointId = endpoint.id;
    this.registerOutputs({ endpointName: this.endpointName, endpointId: this.endpointId });
  }
}
