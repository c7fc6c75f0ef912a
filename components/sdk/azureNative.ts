/**
 * The parts of @pulumi/azure-native this program uses, imported by submodule. The package root
 * requires the index of every Azure service (about 0.25-0.5 s on 2 cores, bench/results.md);
 * these submodules take a few ms each. Use as `import * as azure from "./sdk/azureNative"`, with
 * the same names as the root (`azure.Provider`, `azure.trafficmanager.Endpoint`, ...). A module
 * that only needs the provider imports `@pulumi/azure-native/provider` directly.
 */
export { Provider } from "@pulumi/azure-native/provider";
export * as authorization from "@pulumi/azure-native/authorization";
export * as dns from "@pulumi/azure-native/dns";
export * as monitor from "@pulumi/azure-native/monitor";
export * as operationalinsights from "@pulumi/azure-native/operationalinsights";
export * as operationsmanagement from "@pulumi/azure-native/operationsmanagement";
export * as resources from "@pulumi/azure-native/resources";
export * as storage from "@pulumi/azure-native/storage";
export * as trafficmanager from "@pulumi/azure-native/trafficmanager";
