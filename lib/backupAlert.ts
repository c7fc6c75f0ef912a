/**
 * The Traffic Manager endpoint alert's criteria, pure. The metric, its dimension and aggregation
 * are Azure Monitor's "Supported metrics for Microsoft.Network/trafficManagerProfiles":
 * `ProbeAgentCurrentEndpointStateByProfileResourceId` is 1 while an endpoint's probe status is
 * Online and 0 otherwise, dimension `EndpointName`, default aggregation Maximum, grain PT1M.
 */

export const ENDPOINT_STATE_METRIC = "ProbeAgentCurrentEndpointStateByProfileResourceId";
export const TRAFFIC_MANAGER_NAMESPACE = "Microsoft.Network/trafficManagerProfiles";

/**
 * Fires per endpoint (every EndpointName value, `*`) when the endpoint's state stayed below 1
 * during the whole window: Maximum < 1 means not a single Online sample.
 */
export function endpointAlertCriteria() {
  return {
    odataType: "Microsoft.Azure.Monitor.SingleResourceMultipleMetricCriteria" as const,
    allOf: [
      {
        criterionType: "StaticThresholdCriterion" as const,
        name: "endpoint-not-online",
        metricName: ENDPOINT_STATE_METRIC,
        metricNamespace: TRAFFIC_MANAGER_NAMESPACE,
        dimensions: [{ name: "EndpointName", operator: "Include", values: ["*"] }],
        operator: "LessThan",
        threshold: 1,
        timeAggregation: "Maximum",
      },
    ],
  };
}

/** The action group's short name (at most 12 characters, shown in e-mails and SMS). */
export function actionGroupShortName(profileName: string): string {
  return `tm-${profileName}`.slice(0, 12).replace(/-+$/, "");
}
