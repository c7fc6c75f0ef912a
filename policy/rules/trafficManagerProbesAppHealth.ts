/** traffic-manager-probes-app-health: Traffic Manager probes the app's health path over HTTP(S). */
import type {
  ReportViolation,
  ResourceValidationArgs,
  ResourceValidationPolicy,
} from "@pulumi/policy";
import { at, isObject, str } from "./helpers";

/** azure-native v3's Traffic Manager profile and its older `network` module token (an alias). */
const TM_PROFILE_TYPE = /^azure-native:(trafficmanager|network)(\/v[0-9a-z]+)?:Profile$/;

export const trafficManagerProbesAppHealth: ResourceValidationPolicy = {
  name: "traffic-manager-probes-app-health",
  description:
    "Traffic Manager probes an application health path over HTTP(S) (e.g. /healthz), not the proxy's /.",
  enforcementLevel: "mandatory",
  validateResource: (args: ResourceValidationArgs, report: ReportViolation) => {
    if (!TM_PROFILE_TYPE.test(args.type)) return;
    const monitor = args.props.monitorConfig;
    const protocol = str(at(monitor, ["protocol"]))?.toUpperCase();
    const path = str(at(monitor, ["path"]))?.trim();
    const where = `Traffic Manager profile ${args.name}`;
    if (!isObject(monitor)) {
      report(`${where} has no monitorConfig; probe the app's health path (e.g. /healthz).`);
    } else if (protocol !== "HTTP" && protocol !== "HTTPS") {
      report(
        `${where} probes with ${protocol ?? "no protocol"}; use HTTP or HTTPS on the app's health path ` +
          "so a stamp whose app is down (e.g. MongoDB unreachable) leaves rotation.",
      );
    } else if (!path || path === "/" || !path.startsWith("/")) {
      report(
        `${where}: monitorConfig.path is ${JSON.stringify(path ?? null)}; probe the app's health path ` +
          "(trafficManager.monitor.path, e.g. /healthz), not the ingress root.",
      );
    }
  },
};
