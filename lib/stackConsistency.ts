/**
 * The Traffic Manager rules that span stack files: what one stack's config validation cannot see
 * because it needs the global stack's settings and the other stamps'. Pure: it takes the parsed
 * `config:` maps of the `Pulumi.<stack>.yaml` files (scripts/check-stacks.ts reads them) and
 * returns one sentence per problem, naming the file, the key, the value and what to do.
 *
 * Edge stamps (kind `edge`) register their endpoint like stamps and are checked like them; one
 * without `trafficManager` registers no endpoint and is left out.
 *
 * Rules (Azure facts in docs/global.md, "Traffic Manager rules across stacks"):
 * - Priority routing: every stamp sets `trafficManager.priority`, and no two stamps of one profile
 *   share one (Traffic Manager refuses the second endpoint);
 * - Performance routing: every stamp sets `trafficManager.endpointLocation`;
 * - a stamp's `ingress.hostname` is what the global probe sends as Host
 *   (`trafficManager.monitor.hostHeader`), else the probes match no route;
 * - hostnames and host headers are DNS names (they become HTTP header lines and route hostnames);
 * - a global stack with `dns` probes HTTPS with Host <appRecord>.<zoneName> (its program fills the
 *   host header in when unset), so every endpoint of it sets `certificates`; and `certificates`
 *   with an ACME issuer needs a global stack with `dns` (the DNS-01 zone and its credential).
 */
import { DNS_LABEL, FQDN, LOCATION } from "../config/fields";
import { isPlainObject, show } from "../config/issues";

/** One stack file: its name (`Pulumi.<stack>.yaml`), stack name and raw `config:` map. */
export interface StackDoc {
  file: string;
  stack: string;
  /** The `config:` map as YAML parses it: `<project>:<key>` -> value. */
  config: Record<string, unknown>;
}

const ROUTING_DEFAULT = "Performance";
const DNS_NAME = "must be a DNS name such as ratings.contoso.com";

interface GlobalView {
  doc: StackDoc;
  routingMethod: unknown;
  /** The probe's Host header when it is a valid DNS name; undefined when unset or invalid. */
  hostHeader?: string;
  /** Set when the host header is not a DNS name (reported once, on the global stack). */
  badHostHeader?: boolean;
  /** <dns.appRecord>.<dns.zoneName> when the global stack sets a valid `dns`: the app is HTTPS-only. */
  tlsName?: string;
}

function objectAt(doc: StackDoc, project: string, key: string): Record<string, unknown> {
  const value = doc.config[`${project}:${key}`];
  return isPlainObject(value) ? value : {};
}

/** The global stack a stamp's `trafficManager.globalStack` names: `global` or `org/project/global`. */
function globalStackName(ref: unknown, project: string): string | { problem: string } {
  const parts = typeof ref === "string" ? ref.split("/") : [];
  if (parts.length === 1 && parts[0] !== "") return parts[0];
  if (parts.length === 3 && parts.every((p) => p !== "") && parts[1] === project) return parts[2];
  return {
    problem: `must name a global stack of project ${project}: "<stack>" or "<organization>/${project}/<stack>"`,
  };
}

/** Every cross-stack Traffic Manager problem of the stack files of one project. */
export function checkStacks(project: string, docs: StackDoc[]): string[] {
  const problems: string[] = [];
  const kindOf = (d: StackDoc) => d.config[`${project}:kind`];
  const globals = new Map<string, GlobalView>();
  for (const doc of docs.filter((d) => kindOf(d) === "global")) {
    const tm = objectAt(doc, project, "trafficManager");
    const monitor = isPlainObject(tm.monitor) ? tm.monitor : {};
    const view: GlobalView = { doc, routingMethod: tm.routingMethod ?? ROUTING_DEFAULT };
    if (monitor.hostHeader !== undefined) {
      if (typeof monitor.hostHeader === "string" && FQDN.test(monitor.hostHeader)) {
        view.hostHeader = monitor.hostHeader;
      } else {
        view.badHostHeader = true;
        problems.push(
          `${doc.file}: trafficManager.monitor.hostHeader: ${show(monitor.hostHeader)} ${DNS_NAME}`,
        );
      }
    }
    const dns = objectAt(doc, project, "dns");
    const { appRecord, zoneName } = dns;
    if (typeof appRecord === "string" && DNS_LABEL.test(appRecord)) {
      if (typeof zoneName === "string" && FQDN.test(zoneName)) {
        view.tlsName = `${appRecord}.${zoneName}`.toLowerCase();
        // The global program sends the app's name as Host when no header is set (config/global.ts).
        if (monitor.hostHeader === undefined) view.hostHeader = view.tlsName;
      }
    }
    globals.set(doc.stack, view);
  }

  const byProfile = new Map<string, { doc: StackDoc; priority: unknown }[]>();
  const hasEndpoint = (d: StackDoc) =>
    kindOf(d) === "stamp" ||
    (kindOf(d) === "edge" && d.config[`${project}:trafficManager`] !== undefined);
  for (const doc of docs.filter(hasEndpoint)) {
    const tm = objectAt(doc, project, "trafficManager");
    const ref = tm.globalStack ?? "global";
    const name = globalStackName(ref, project);
    if (typeof name !== "string") {
      problems.push(`${doc.file}: trafficManager.globalStack: ${show(ref)} ${name.problem}`);
      continue;
    }
    const global = globals.get(name);
    if (!global) {
      problems.push(
        `${doc.file}: trafficManager.globalStack: ${show(ref)} names no global stack here (no Pulumi.${name}.yaml of kind global); fix the name or add the global stack's file, so priorities, locations and the probe's Host header can be checked`,
      );
      continue;
    }
    const profile = `the global profile (${global.doc.file}) routes by ${String(global.routingMethod)}`;
    if (global.routingMethod === "Priority") {
      if (tm.priority === undefined) {
        problems.push(
          `${doc.file}: trafficManager.priority: is missing; ${profile}, so every stamp must set its own priority: set a whole number 1-1000 (lower wins) that no other stamp uses`,
        );
      } else {
        byProfile.set(name, [...(byProfile.get(name) ?? []), { doc, priority: tm.priority }]);
      }
    }
    if (global.routingMethod === "Performance") {
      const location = tm.endpointLocation;
      if (location === undefined || location === "") {
        problems.push(
          `${doc.file}: trafficManager.endpointLocation: is missing; ${profile}, which needs the Azure region nearest each stamp: set it, e.g. westeurope`,
        );
      } else if (typeof location !== "string" || !LOCATION.test(location)) {
        problems.push(
          `${doc.file}: trafficManager.endpointLocation: ${show(location)} must be an Azure region such as westeurope`,
        );
      }
    }
    problems.push(...hostnameProblems(doc, objectAt(doc, project, "ingress").hostname, global));
    problems.push(...tlsProblems(doc, doc.config[`${project}:certificates`], global));
  }

  for (const [name, stamps] of byProfile) {
    const global = globals.get(name)!;
    for (const { doc, priority } of stamps) {
      const others = stamps.filter((s) => s.doc !== doc && s.priority === priority);
      if (others.length === 0) continue;
      problems.push(
        `${doc.file}: trafficManager.priority: ${show(priority)} is also the priority of ${others.map((s) => s.doc.file).join(", ")}; Traffic Manager refuses two endpoints with the same priority in one profile (${global.doc.file} routes by Priority): give every stamp its own priority (1-1000, lower wins)`,
      );
    }
  }
  return problems;
}

function hostnameProblems(doc: StackDoc, hostname: unknown, global: GlobalView): string[] {
  if (hostname === undefined || hostname === "") return [];
  if (typeof hostname !== "string" || !FQDN.test(hostname)) {
    return [`${doc.file}: ingress.hostname: ${show(hostname)} ${DNS_NAME}`];
  }
  if (global.badHostHeader) return [];
  const header = global.hostHeader;
  if (header !== undefined && header.toLowerCase() === hostname.toLowerCase()) return [];
  const what = `${doc.file}: ingress.hostname: ${show(hostname)} is not what the probes ask for`;
  if (header === undefined) {
    return [
      `${what}: ${global.doc.file} sets no trafficManager.monitor.hostHeader, so the probes carry the endpoint's address as Host and match no route; set trafficManager.monitor.hostHeader: ${hostname} in ${global.doc.file}`,
    ];
  }
  return [
    `${what}: the probes send Host ${show(header)} (trafficManager.monitor.hostHeader in ${global.doc.file}), which this stamp's routes do not answer; serve ${header} here too (every stamp of a profile serves the one name users resolve), or change the host header if every stamp moves to ${hostname}`,
  ];
}

/** `certificates` of an endpoint stack against its global stack's `dns` (see the module comment). */
function tlsProblems(doc: StackDoc, certificates: unknown, global: GlobalView): string[] {
  const set = isPlainObject(certificates) && Object.keys(certificates).length > 0;
  if (global.tlsName && !set) {
    return [
      `${doc.file}: certificates: is missing; ${global.doc.file} sets dns, so Traffic Manager probes every endpoint over HTTPS for ${global.tlsName}: set certificates (and ingress.hostname: ${global.tlsName}) so this stamp serves it`,
    ];
  }
  if (!set || global.tlsName) return [];
  const issuer = isPlainObject(certificates.issuer) ? certificates.issuer : {};
  if (issuer.type === "ca") return [];
  return [
    `${doc.file}: certificates.issuer.type: ${show(issuer.type)} solves DNS-01 in the global stack's zone, but ${global.doc.file} sets no dns: set dns there (zone, app record, cert-manager identity) or use issuer type ca`,
  ];
}
