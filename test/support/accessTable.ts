/**
 * One table of API requests and whether the viewer and the deployer may make them, for the stack
 * `it-access` (stamp it-access, app namespace ratings-it-access). test/clusterAccess.test.ts checks
 * it against the model in lib/clusterAccess.ts (`permits`), test/integration/clusterAccess.test.ts
 * against a real API server with the roles deployed (`kubectl auth can-i --as`), so the model and
 * RBAC cannot drift apart.
 */
import type { AccessRequest, AccessSettings, Identity } from "../../lib/clusterAccess";
import { mongoStorageClass } from "../../lib/dataSafety";

export const TABLE_STACK = "it-access";
export const APP_NS = `ratings-${TABLE_STACK}`;
export const ACCESS_NS = `ashk8s-access-${TABLE_STACK}`;
export const TABLE_SETTINGS: AccessSettings = {
  stamp: TABLE_STACK,
  namespaces: [APP_NS],
  storageClasses: [mongoStorageClass("local", TABLE_STACK).name],
  tokenGeneration: 1,
};
const SC = TABLE_SETTINGS.storageClasses[0];

/** [identity, request, allowed] */
export type AccessRow = [Identity, AccessRequest, boolean];

const r = (
  verb: string,
  group: string,
  resource: string,
  namespace?: string,
  name?: string,
): AccessRequest => ({ verb, group, resource, namespace, name });

export const ACCESS_TABLE: AccessRow[] = [
  // The viewer reads what the program deploys, everywhere, and nothing else.
  ["viewer", r("get", "apps", "deployments", APP_NS, "ratings-api"), true],
  ["viewer", r("list", "", "pods", "kube-system"), true],
  ["viewer", r("watch", "", "configmaps", APP_NS), true],
  ["viewer", r("get", "", "namespaces", undefined, APP_NS), true],
  ["viewer", r("list", "rbac.authorization.k8s.io", "clusterroles"), true],
  ["viewer", r("get", "storage.k8s.io", "storageclasses", undefined, SC), true],
  ["viewer", r("get", "", "secrets", APP_NS, "ratings-mongodb-credentials"), false],
  ["viewer", r("list", "", "secrets", "kube-system"), false],
  ["viewer", r("get", "", "secrets", ACCESS_NS, "deployer-token-g1"), false],
  ["viewer", r("patch", "apps", "deployments", APP_NS, "ratings-api"), false],
  ["viewer", r("create", "", "configmaps", APP_NS), false],
  ["viewer", r("delete", "", "pods", APP_NS, "x"), false],
  ["viewer", r("create", "", "serviceaccounts/token", ACCESS_NS, "viewer"), false],
  ["viewer", r("get", "", "pods/log", APP_NS, "x"), false],
  ["viewer", r("create", "", "pods/exec", APP_NS, "x"), false],
  // The deployer changes its app namespace and reads like the viewer.
  ["deployer", r("create", "apps", "deployments", APP_NS), true],
  ["deployer", r("patch", "apps", "statefulsets", APP_NS, "ratings-mongodb"), true],
  ["deployer", r("delete", "", "services", APP_NS, "ratings-web"), true],
  ["deployer", r("create", "", "secrets", APP_NS), true],
  ["deployer", r("get", "", "secrets", APP_NS, "ratings-mongodb-credentials"), true],
  ["deployer", r("patch", "", "persistentvolumeclaims", APP_NS, "x"), true],
  ["deployer", r("create", "networking.k8s.io", "networkpolicies", APP_NS), true],
  ["deployer", r("create", "gateway.networking.k8s.io", "httproutes", APP_NS), true],
  ["deployer", r("list", "", "pods", "kube-system"), true],
  ["deployer", r("patch", "", "namespaces", undefined, APP_NS), true],
  ["deployer", r("patch", "storage.k8s.io", "storageclasses", undefined, SC), true],
  ["deployer", r("get", "", "secrets", ACCESS_NS, "viewer-token-g1"), true],
  // ... and nothing outside it.
  ["deployer", r("create", "", "configmaps", "kube-system"), false],
  ["deployer", r("create", "", "configmaps", "default"), false],
  ["deployer", r("get", "", "secrets", "kube-system", "x"), false],
  ["deployer", r("list", "", "secrets", ACCESS_NS), false],
  ["deployer", r("patch", "", "secrets", ACCESS_NS, "viewer-token-g1"), false],
  ["deployer", r("create", "", "namespaces"), false],
  ["deployer", r("patch", "", "namespaces", undefined, "kube-system"), false],
  ["deployer", r("delete", "", "namespaces", undefined, APP_NS), false],
  ["deployer", r("delete", "storage.k8s.io", "storageclasses", undefined, SC), false],
  ["deployer", r("create", "storage.k8s.io", "storageclasses"), false],
  ["deployer", r("create", "rbac.authorization.k8s.io", "clusterroles"), false],
  ["deployer", r("create", "rbac.authorization.k8s.io", "roles", APP_NS), false],
  ["deployer", r("create", "rbac.authorization.k8s.io", "rolebindings", APP_NS), false],
  ["deployer", r("create", "apiextensions.k8s.io", "customresourcedefinitions"), false],
  ["deployer", r("create", "", "pods/exec", APP_NS, "x"), false],
  ["deployer", r("create", "", "serviceaccounts/token", ACCESS_NS, "deployer"), false],
  [
    "deployer",
    r("create", "admissionregistration.k8s.io", "validatingwebhookconfigurations"),
    false,
  ],
  // Stamps: the viewer reads cert-manager's kinds (a stamp's TLS), read-only; the deployer writes
  // the backup CronJob in its namespace only.
  ["viewer", r("get", "cert-manager.io", "certificates", "nginx-gateway", "app-tls"), true],
  ["viewer", r("list", "cert-manager.io", "clusterissuers"), true],
  ["viewer", r("create", "cert-manager.io", "certificates", "nginx-gateway"), false],
  ["deployer", r("patch", "cert-manager.io", "clusterissuers", undefined, "letsencrypt"), false],
  ["viewer", r("create", "batch", "cronjobs", APP_NS), false],
  ["deployer", r("create", "batch", "cronjobs", APP_NS), true],
  ["deployer", r("patch", "batch", "cronjobs", APP_NS, "mongodb-backup"), true],
  ["deployer", r("create", "batch", "cronjobs", "default"), false],
];
