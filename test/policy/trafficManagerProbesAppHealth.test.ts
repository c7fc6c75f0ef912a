/** traffic-manager-probes-app-health (policy/rules/trafficManagerProbesAppHealth.ts). */
import { trafficManagerProbesAppHealth as rule } from "../../policy/rules/trafficManagerProbesAppHealth";
import { violations } from "./support";

const TYPE = "azure-native:trafficmanager:Profile";
const profile = (monitorConfig?: Record<string, unknown>) => ({
  trafficRoutingMethod: "Performance",
  dnsConfig: { relativeName: "contoso-ratings", ttl: 30 },
  ...(monitorConfig ? { monitorConfig } : {}),
});

test.each([
  ["HTTP /healthz", { protocol: "HTTP", port: 80, path: "/healthz" }],
  ["HTTPS /api/health", { protocol: "HTTPS", port: 443, path: "/api/health" }],
])("%s passes", (_what, monitor) => {
  expect(violations(rule, TYPE, profile(monitor), "tm")).toEqual([]);
  expect(violations(rule, "azure-native:network:Profile", profile(monitor), "tm")).toEqual([]);
});

test.each([
  [
    "path /",
    profile({ protocol: "HTTP", port: 80, path: "/" }),
    'Traffic Manager profile tm: monitorConfig.path is "/"; probe the app\'s health path ' +
      "(trafficManager.monitor.path, e.g. /healthz), not the ingress root.",
  ],
  [
    "no path",
    profile({ protocol: "HTTPS", port: 443 }),
    "Traffic Manager profile tm: monitorConfig.path is null; probe the app's health path " +
      "(trafficManager.monitor.path, e.g. /healthz), not the ingress root.",
  ],
  [
    "a TCP probe",
    profile({ protocol: "TCP", port: 80 }),
    "Traffic Manager profile tm probes with TCP; use HTTP or HTTPS on the app's health path so a " +
      "stamp whose app is down (e.g. MongoDB unreachable) leaves rotation.",
  ],
  [
    "no monitorConfig",
    profile(),
    "Traffic Manager profile tm has no monitorConfig; probe the app's health path (e.g. /healthz).",
  ],
])("%s fails", (_what, props, message) => {
  expect(violations(rule, TYPE, props, "tm")).toEqual([message]);
});
