/** The seattle example stamp under mocks (see stampProgramSpec.ts). */
import { describeStampProgram } from "./stampProgramSpec";

describeStampProgram("seattle", {
  masters: 3,
  pools: { linuxpool: 3 },
  version: "1.34.4",
  fqdn: "sea-ratings.seattle.cloudapp.azurestack.contoso.com",
  allowList: ["10.20.0.0/24", "203.0.113.16/28"],
  globalStack: "contoso/ash-ha-kubernetes/global",
  pullSecretNamespaces: [],
  kured: true,
  tls: { issuer: "letsencrypt", repo: "https://charts.jetstack.io" },
});
