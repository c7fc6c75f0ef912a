import * as r from "../lib/ratings";

describe("labels and selectors", () => {
  test.each(["web", "api", "mongodb"] as const)(
    "%s: pod labels contain the selector, selector has no version",
    (tier) => {
      const selector = r.selectorLabels(tier);
      expect(r.labels(tier, "seattle")).toMatchObject(selector);
      expect(Object.keys(selector).sort()).toEqual([
        "app.kubernetes.io/name",
        "app.kubernetes.io/part-of",
      ]);
      expect(selector["app.kubernetes.io/name"]).toBe(`ratings-${tier}`);
    },
  );

  test("tiers never share a selector", () => {
    const names = (["web", "api", "mongodb"] as const).map((t) =>
      JSON.stringify(r.selectorLabels(t)),
    );
    expect(new Set(names).size).toBe(3);
  });
});

describe("connection strings", () => {
  test.each([
    [
      "ratings",
      "abc",
      "mongodb://ratings:abc@ratings-mongodb-0.ratings-mongodb.ratings.svc.cluster.local:27017/ratingsdb?authSource=ratingsdb",
    ],
    [
      "team-a",
      "p@ss/word",
      "mongodb://ratings:p%40ss%2Fword@ratings-mongodb-0.ratings-mongodb.team-a.svc.cluster.local:27017/ratingsdb?authSource=ratingsdb",
    ],
  ])("namespace %s, password %s", (ns, pw, uri) => {
    expect(r.mongoUri(ns, pw)).toBe(uri);
  });

  test("the web tier calls the API service", () => {
    expect(r.apiUrl("ratings")).toBe("http://ratings-api.ratings.svc.cluster.local:80");
  });

  test("the MongoDB init script reads credentials from the environment only", () => {
    expect(r.MONGO_INIT_SCRIPT).toContain("process.env.MONGO_APP_PASSWORD");
    expect(r.MONGO_INIT_SCRIPT).not.toMatch(/pwd: "/);
  });
});

describe("probes", () => {
  test.each([
    ["api", "/healthz", 3000],
    ["web", "/", 8080],
  ] as const)("%s probes %s on %d", (tier, path, port) => {
    const p = r.httpProbes(tier);
    expect(p.readinessProbe.httpGet).toEqual({ path, port });
    expect(p.livenessProbe.httpGet).toEqual({ path, port });
  });
});

describe("autoscaler", () => {
  test.each([
    [{ minReplicas: 1, maxReplicas: 10, cpuUtilizationPercent: 80 }],
    [{ minReplicas: 2, maxReplicas: 6, cpuUtilizationPercent: 60 }],
  ])("targets ratings-web with %j", (a) => {
    const spec = r.webAutoscalerSpec(a);
    expect(spec.scaleTargetRef).toEqual({
      apiVersion: "apps/v1",
      kind: "Deployment",
      name: "ratings-web",
    });
    expect([spec.minReplicas, spec.maxReplicas]).toEqual([a.minReplicas, a.maxReplicas]);
    expect(spec.metrics[0].resource.target).toEqual({
      type: "Utilization",
      averageUtilization: a.cpuUtilizationPercent,
    });
  });
});

describe("network policies", () => {
  const byName = (gw?: string) =>
    Object.fromEntries(r.networkPolicies(gw).map((p) => [p.name, p.spec]));
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  type Any = any;

  test("default deny covers ingress and egress of every pod", () => {
    expect(byName()["default-deny"]).toEqual({
      podSelector: {},
      policyTypes: ["Ingress", "Egress"],
    });
  });

  test.each([
    ["ratings-web", "web", 8080],
    ["ratings-api", "api", 3000],
  ] as const)("%s accepts the gateway namespace on its port", (name, _tier, port) => {
    const spec = byName("nginx-gateway")[name] as Any;
    const rules = spec.ingress as Any[];
    expect(
      rules.some(
        (rule) =>
          rule.from.some(
            (f: Any) =>
              f.namespaceSelector?.matchLabels["kubernetes.io/metadata.name"] === "nginx-gateway",
          ) && rule.ports[0].port === port,
      ),
    ).toBe(true);
  });

  test("without a gateway nothing outside the namespace reaches web", () => {
    expect((byName()["ratings-web"] as Any).ingress).toEqual([]);
  });

  test("only the API reaches MongoDB, only web (and the gateway) reach the API", () => {
    const mongo = byName("gw")["ratings-mongodb"] as Any;
    expect(mongo.ingress).toEqual([
      {
        from: [{ podSelector: { matchLabels: r.selectorLabels("api") } }],
        ports: [{ protocol: "TCP", port: 27017 }],
      },
    ]);
    const api = byName("gw")["ratings-api"] as Any;
    expect(api.ingress[0].from[0]).toEqual({
      podSelector: { matchLabels: r.selectorLabels("web") },
    });
    expect(api.egress).toEqual([
      {
        to: [{ podSelector: { matchLabels: r.selectorLabels("mongodb") } }],
        ports: [{ protocol: "TCP", port: 27017 }],
      },
    ]);
  });

  test("DNS egress to kube-system on port 53 over UDP and TCP", () => {
    const dns = byName()["allow-dns-egress"] as Any;
    expect(dns.egress[0].ports).toEqual([
      { protocol: "UDP", port: 53 },
      { protocol: "TCP", port: 53 },
    ]);
  });
});
