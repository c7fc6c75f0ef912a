/**
 * Schemas of the in-cluster layer, shared by stamps and the local stack: the ratings app, the
 * ingress (NGINX Gateway Fabric) and the monitoring agent. Pure. Defaults of pins come from
 * lib/versions.ts.
 */
import { isIPv4, isIPv6 } from "node:net";
import { z } from "zod";
import {
  CONTAINER_INSIGHTS_CHART,
  FLUENT_BIT_CHART,
  GATEWAY_API_CRDS,
  NGF_CHART,
  RATINGS_IMAGES,
} from "../lib/versions";
import {
  chartVersion,
  checkChartPin,
  FQDN,
  imageRef,
  imageRegistry,
  imageTag,
  K8S_NAME,
  nonEmpty,
  sha256Digest,
} from "./fields";
import { MAX_TOKEN_GENERATION } from "../lib/clusterAccess";
import { imagePullSecret } from "./pullSecrets";
import {
  AUTOSCALING_RANGE,
  FLUENT_BIT_DOMAIN,
  MONITORING_PULL_SECRET,
  refinement,
  superRefinement,
} from "./rules";

/** Kubernetes-side settings shared by stamps and the local stack. */
export const appSchema = z
  .strictObject({
    /** Namespace of the ratings app. Defaults to "ratings". */
    namespace: z.string().regex(K8S_NAME, "must be a lowercase DNS-1123 label").default("ratings"),
    /** Image of ratings-api, pinned. */
    apiImage: imageRef.default(RATINGS_IMAGES.api),
    /** Image of ratings-web, pinned. */
    webImage: imageRef.default(RATINGS_IMAGES.web),
    /** MongoDB image, pinned to a supported major. */
    mongoImage: imageRef.default(RATINGS_IMAGES.mongo),
    /** Secret: docker config JSON for the registry of the app's images; every app pod references it. */
    imagePullSecret,
    /** ratings-api replicas. Defaults to 2. */
    apiReplicas: z.number().int().min(1).max(20).default(2),
    /** Horizontal pod autoscaler of ratings-web. Defaults to 1..10 replicas at 80 % CPU. */
    webAutoscaling: z
      .strictObject({
        minReplicas: z.number().int().min(1).default(1),
        maxReplicas: z.number().int().min(1).max(100).default(10),
        cpuUtilizationPercent: z.number().int().min(10).max(100).default(80),
      })
      .prefault({})
      .refine(AUTOSCALING_RANGE.holds, refinement(AUTOSCALING_RANGE)),
    /** Size of MongoDB's persistent volume. Defaults to 8Gi. */
    mongoStorageSize: z
      .string()
      .regex(/^[1-9]\d*(Mi|Gi|Ti)$/, "must be a Kubernetes quantity such as 8Gi")
      .default("8Gi"),
    /**
     * Storage class of MongoDB's volume. Defaults to the class the program creates (reclaim policy
     * Retain, expandable: lib/dataSafety.ts); a class set here wins and should be both too.
     * Changing it after the first deployment is refused at preview (docs/data-safety.md).
     */
    storageClass: z.string().regex(K8S_NAME, "must be a storage class name").optional(),
    /**
     * Protects the stateful objects (the cluster's resource group and cluster resource, the app
     * namespace, MongoDB's StatefulSet and StorageClass) from deletion and replacement. Defaults to
     * true on stamps and false on the local stack, which demos and tests destroy.
     */
    protectStatefulResources: z.boolean().optional(),
    /**
     * Changes of app.namespace or app.storageClass approved after following the procedure in
     * docs/data-safety.md, each exactly as the refusal names it (e.g. "app.namespace: ratings -> shop").
     * Defaults to none.
     */
    approvedStatefulChanges: z
      .array(
        z
          .string()
          .regex(
            /^app\.(namespace|storageClass): \S+ -> \S+$/,
            'must be a change as the refusal names it, e.g. "app.namespace: ratings -> shop"',
          ),
      )
      .default([]),
  })
  .prefault({});

export const ingressSchema = z
  .strictObject({
    /** NGINX Gateway Fabric chart: oci:// reference, http(s) chart repository URL or nginx-gateway-fabric-<chartVersion>.tgz archive (path or URL). */
    chart: nonEmpty.default(NGF_CHART.source),
    /** Exact chart version; the NGF images are pinned to the same version (NGF's appVersion). Defaults to 2.4.2. */
    chartVersion: chartVersion(NGF_CHART.version).default(NGF_CHART.version),
    /** SHA-256 of the chart archive `chart` names (`sha256sum <name>-<version>.tgz`); required for a verified install (docs/in-cluster.md "Pinned downloads"). */
    chartSha256: sha256Digest.optional(),
    /** Gateway API standard-channel CRDs: a manifest URL or a local file. Defaults to v1.4.1, the version NGF 2.4.x expects. */
    gatewayApiCrds: nonEmpty.default(GATEWAY_API_CRDS),
    /** SHA-256 of that manifest (`curl -fsSL <url> | sha256sum`); required, the file is refused when it differs (docs/in-cluster.md "Pinned downloads"). */
    gatewayApiCrdsSha256: sha256Digest.optional(),
    /** Registry mirroring ghcr.io, paths kept (<registry>/nginx/nginx-gateway-fabric[/nginx]); unset pulls from ghcr.io. */
    imageRegistry: imageRegistry.optional(),
    /** Secret: docker config JSON for that registry; NGF's control and data plane pods reference it. */
    imagePullSecret,
    /** Fixed load balancer IP of the one LoadBalancer service; unset lets the cloud pick. */
    loadBalancerIp: z
      .string()
      .refine((v) => isIPv4(v) || isIPv6(v), "must be an IP address")
      .optional(),
    /** Hostname the routes answer to; unset answers any host. */
    hostname: z.string().regex(FQDN, "must be a DNS name such as ratings.contoso.com").optional(),
    /** Kubernetes TLS secret (in the gateway's namespace) for an HTTPS listener. */
    tlsSecretName: z.string().regex(K8S_NAME, "must be a secret name").optional(),
  })
  .superRefine(checkChartPin(NGF_CHART.name))
  .prefault({});

export const monitoringSchema = z
  .strictObject({
    /** fluentBit (default, supported), containerInsights (retired Helm onboarding) or none. */
    mode: z.enum(["fluentBit", "containerInsights", "none"]).default("fluentBit"),
    /** Outbound proxy for the agent, e.g. http://proxy.contoso.local:3128 (no credentials in it). */
    proxy: z
      .string()
      .regex(/^https?:\/\/[^\s]+$/, "must be an http(s) proxy URL")
      .refine(
        (v) => !/^https?:\/\/[^/]*@/.test(v),
        "must not contain credentials (config values are plain text); allow the cluster's egress addresses on the proxy instead",
      )
      .optional(),
    /** Log Analytics domain: opinsights.azure.com (public), .us or .cn for sovereign clouds. */
    domain: z
      .enum(["opinsights.azure.com", "opinsights.azure.us", "opinsights.azure.cn"])
      .default("opinsights.azure.com"),
    /** Registry mirroring the agent images, upstream paths kept; unset pulls from upstream. */
    imageRegistry: imageRegistry.optional(),
    /** Secret: docker config JSON for that registry; Fluent Bit's pods reference it (mode fluentBit only). */
    imagePullSecret,
    /** fluent/fluent-bit chart and the Fluent Bit image tag (the chart's appVersion). */
    fluentBit: z
      .strictObject({
        /** Chart source. Defaults to the chart repository https://fluent.github.io/helm-charts. */
        chart: nonEmpty.default(FLUENT_BIT_CHART.source),
        /** Exact chart version. Defaults to 0.57.9. */
        chartVersion: chartVersion(FLUENT_BIT_CHART.version).default(FLUENT_BIT_CHART.version),
        /** SHA-256 of the chart archive `chart` names (`sha256sum <name>-<version>.tgz`); required for a verified install (docs/in-cluster.md "Pinned downloads"). */
        chartSha256: sha256Digest.optional(),
        /** Fluent Bit image tag, the chart's appVersion. Defaults to 5.0.9. */
        imageTag: imageTag.default(FLUENT_BIT_CHART.imageTag),
      })
      .superRefine(checkChartPin(FLUENT_BIT_CHART.name))
      .prefault({}),
    /** azuremonitor-containers chart and the ama-logs image tag. */
    containerInsights: z
      .strictObject({
        /** Chart source. Defaults to the 3.1.27 archive under https://microsoft.github.io/charts/repo (docs/monitoring.md). */
        chart: nonEmpty.default(CONTAINER_INSIGHTS_CHART.source),
        /** Exact chart version. Defaults to 3.1.27. */
        chartVersion: chartVersion(CONTAINER_INSIGHTS_CHART.version).default(
          CONTAINER_INSIGHTS_CHART.version,
        ),
        /** SHA-256 of the chart archive `chart` names (`sha256sum <name>-<version>.tgz`); required for a verified install (docs/in-cluster.md "Pinned downloads"). */
        chartSha256: sha256Digest.optional(),
        /** ama-logs image tag (the chart's amalogs.image.tag). Defaults to 3.1.27. */
        imageTag: imageTag.default(CONTAINER_INSIGHTS_CHART.imageTag),
      })
      .superRefine(checkChartPin(CONTAINER_INSIGHTS_CHART.name, CONTAINER_INSIGHTS_CHART))
      .prefault({}),
  })
  .superRefine(superRefinement(FLUENT_BIT_DOMAIN))
  .superRefine(superRefinement(MONITORING_PULL_SECRET))
  .prefault({});

const TOKEN_GENERATION = `must be a whole number from 1 to ${MAX_TOKEN_GENERATION}`;

/** Least privilege in the cluster (lib/clusterAccess.ts, docs/decisions.md). */
export const accessSchema = z
  .strictObject({
    /**
     * Rotation generation of the viewer's and deployer's token Secrets: raise it by one and run
     * `pulumi up` with the admin identity to issue new tokens and revoke the old ones. Defaults to 1.
     */
    tokenGeneration: z
      .number()
      .refine((n) => Number.isInteger(n) && n >= 1 && n <= MAX_TOKEN_GENERATION, TOKEN_GENERATION)
      .default(1),
  })
  .prefault({});

export type AppConfig = z.infer<typeof appSchema>;
export type AccessConfig = z.infer<typeof accessSchema>;
export type IngressConfig = z.infer<typeof ingressSchema>;
export type MonitoringConfig = z.infer<typeof monitoringSchema>;
