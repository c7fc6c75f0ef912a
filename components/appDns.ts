import * as azure from "./sdk/azureNative";
import * as pulumi from "@pulumi/pulumi";
import type { DnsConfig } from "../config/certificates";
import { appHostname } from "../config/certificates";
import { DNS_ZONE_CONTRIBUTOR_ROLE } from "../lib/certificates";
import { roleDefinitionId } from "../lib/logsIngestion";

export interface AppDnsArgs {
  /** Resource group of the zone (the global stack's). */
  resourceGroupName: pulumi.Input<string>;
  /** The zone, the app's record and the cert-manager identity (config `dns`). */
  settings: DnsConfig;
  /** The Traffic Manager profile's FQDN the app's CNAME points at. */
  trafficManagerFqdn: pulumi.Input<string>;
  /** Subscription the zone lives in (for the role definition id). */
  subscriptionId: pulumi.Input<string>;
}

/**
 * The app's own name: a public Azure DNS zone, the app's CNAME to the Traffic Manager profile,
 * and "DNS Zone Contributor" for the stamps' cert-manager identity on this zone only (DNS-01
 * challenges write TXT records `_acme-challenge.<name>` there). The zone still has to be
 * delegated at the registrar (its `nameServers`). The azure-native provider comes through `opts`.
 */
export class AppDns extends pulumi.ComponentResource {
  /** The zone's name. */
  public readonly zoneName: pulumi.Output<string>;
  /** The app's hostname, <appRecord>.<zoneName>. */
  public readonly hostname: string;
  /** Name servers to delegate the zone to. */
  public readonly nameServers: pulumi.Output<string[]>;

  constructor(name: string, args: AppDnsArgs, opts?: pulumi.ComponentResourceOptions) {
    super("ash-ha-kubernetes:global:AppDns", name, {}, opts);
    const { settings } = args;
    const child = { parent: this };
    const zone = new azure.dns.Zone(
      `${name}-zone`,
      {
        resourceGroupName: args.resourceGroupName,
        zoneName: settings.zoneName,
        location: "global",
        zoneType: "Public",
      },
      child,
    );
    // The configured name, once the zone exists (the zone's own `name` output is the same).
    const zoneName = zone.id.apply(() => settings.zoneName);
    new azure.dns.RecordSet(
      `${name}-app-cname`,
      {
        resourceGroupName: args.resourceGroupName,
        zoneName: zoneName,
        relativeRecordSetName: settings.appRecord,
        recordType: "CNAME",
        ttl: settings.ttl,
        cnameRecord: { cname: args.trafficManagerFqdn },
      },
      child,
    );
    new azure.authorization.RoleAssignment(
      `${name}-cert-manager`,
      {
        scope: zone.id,
        principalId: settings.certManager.servicePrincipalObjectId,
        principalType: "ServicePrincipal",
        roleDefinitionId: pulumi
          .output(args.subscriptionId)
          .apply((sub) => roleDefinitionId(sub, DNS_ZONE_CONTRIBUTOR_ROLE)),
        description: "Stamps' cert-manager solves ACME DNS-01 challenges in this zone only.",
      },
      child,
    );
    this.zoneName = zoneName;
    this.hostname = appHostname(settings);
    this.nameServers = zone.nameServers;
    this.registerOutputs({ zoneName: this.zoneName, nameServers: this.nameServers });
  }
}
