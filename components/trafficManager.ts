import * as azure from "./sdk/azureNative";
import * as pulumi from "@pulumi/pulumi";
import type { GlobalConfig } from "../config";
import { monitorConfig } from "../lib/trafficManager";

export interface TrafficManagerArgs {
  /** Resource group the profile lives in (the global stack's group). */
  resourceGroupName: pulumi.Input<string>;
  /**
   * Validated profile settings: `dnsName` (the relative DNS name, also the profile's name),
   * `routingMethod`, `ttl` and the probe settings in `monitor`.
   */
  settings: GlobalConfig["trafficManager"];
  /** Tags for the profile. Defaults to none. */
  tags?: Record<string, string>;
}

/**
 * The Traffic Manager profile in front of every stamp. It holds no endpoints: each stamp registers
 * its own (`TrafficManagerEndpoint`), so adding a stamp never changes this stack. The azure-native
 * provider comes through `opts`.
 */
export class TrafficManager extends pulumi.ComponentResource {
  /** Profile name; stamps register their endpoint under it. */
  public readonly profileName: pulumi.Output<string>;
  /** Resource group of the profile. */
  public readonly resourceGroupName: pulumi.Output<string>;
  /** Public FQDN users reach: <dnsName>.trafficmanager.net. */
  public readonly fqdn: pulumi.Output<string>;
  /** The profile's routing method, for the stamps' endpoint settings. */
  public readonly routingMethod: pulumi.Output<string>;

  constructor(name: string, args: TrafficManagerArgs, opts?: pulumi.ComponentResourceOptions) {
    super("ash-ha-kubernetes:global:TrafficManager", name, {}, opts);
    const { settings } = args;

    const profile = new azure.trafficmanager.Profile(
      `${name}-profile`,
      {
        // The relative DNS name is globally unique anyway; using it as the name makes the
        // profile easy to find and keeps the stamps' endpoint paths stable.
        profileName: settings.dnsName,
        resourceGroupName: args.resourceGroupName,
        location: "global",
        profileStatus: "Enabled",
        trafficRoutingMethod: settings.routingMethod,
        dnsConfig: { relativeName: settings.dnsName, ttl: settings.ttl },
        monitorConfig: monitorConfig(settings.monitor),
        tags: args.tags,
      },
      { parent: this },
    );

    this.profileName = profile.name.apply((n) => n ?? settings.dnsName);
    this.resourceGroupName = pulumi.output(args.resourceGroupName);
    this.fqdn = profile.dnsConfig.apply((dns) => {
      if (!dns?.fqdn) {
        throw new pulumi.ResourceError(
          `Traffic Manager returned no FQDN for profile "${settings.dnsName}"; check the profile in the Azure portal`,
          this,
        );
      }
      return dns.fqdn;
    });
    this.routingMethod = profile.trafficRoutingMethod.apply((m) => m ?? settings.routingMethod);

    this.registerOutputs({
      profileName: this.profileName,
      resourceGroupName: this.resourceGroupName,
      fqdn: this.fqdn,
      routingMethod: this.routingMethod,
    });
  }
}
