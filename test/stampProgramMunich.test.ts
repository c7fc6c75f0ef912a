/** The munich example stamp (disconnected, ADFS, 5 masters) under mocks (see stampProgramSpec.ts). */
import { describeStampProgram } from "./stampProgramSpec";

describeStampProgram("munich", {
  masters: 5,
  pools: { workers: 4 },
  version: "1.33.10",
  fqdn: "muc-ratings.munich.cloudapp.ash.fabrikam.de",
  allowList: ["172.16.40.0/24"],
  globalStack: "contoso/ash-ha-kubernetes/global",
  pullSecretNamespaces: ["cert-manager", "monitoring", "nginx-gateway", "ratings"],
  kured: false,
  tls: {
    issuer: "ca",
    repo: "https://charts.fabrikam.de/jetstack",
    imageRegistry: "registry.fabrikam.de/quay",
    pullSecret: true,
  },
});
