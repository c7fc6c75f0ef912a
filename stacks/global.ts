import * as azure from "@pulumi/azure-native";
import type { GlobalConfig } from "../config";

/**
 * The `global` stack: public Azure, explicit provider (ambient pipeline credentials). It owns the
 * Traffic Manager profile and Log Analytics; those components are added on top of this provider.
 */
export function globalStack(config: GlobalConfig) {
  new azure.Provider("global-azure", { location: config.azure.location });
  return {
    kind: config.kind,
    location: config.azure.location,
    trafficManagerFqdn: `${config.trafficManager.dnsName}.trafficmanager.net`,
  };
}
