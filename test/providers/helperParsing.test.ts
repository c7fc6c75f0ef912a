/**
 * The provider's pure helpers: `mask` (providers/helperSsh.ts) over secrets and their base64
 * forms, `parseHelperReport` over a script's stdout, and `observeNodes` over `kubectl get nodes`
 * JSON (master label variants, pools by label or name, version skew).
 */
import { MARK, observeNodes, parseHelperReport } from "../../providers/helperCommands";
import { mask } from "../../providers/helperSsh";

describe("mask", () => {
  const secret = "Sp-Secret-9f8e7d6c";
  const b64 = Buffer.from(secret).toString("base64");

  test("replaces every occurrence of a secret and of its base64 form", () => {
    expect(mask(`a ${secret} b ${secret} c ${b64}`, [secret])).toBe(
      "a [secret] b [secret] c [secret]",
    );
  });

  test("handles several secrets, a multi-line one by its lines' text, and leaves other text alone", () => {
    const pem = "-----BEGIN PRIVATE KEY-----\nQUJDREVG\n-----END PRIVATE KEY-----";
    expect(mask(`x ${pem} y Sp-Other`, [secret, pem, "Sp-Other"])).toBe("x [secret] y [secret]");
    expect(mask("nothing to hide", [secret])).toBe("nothing to hide");
  });

  test("an empty secret masks nothing (it would match everywhere)", () => {
    expect(mask("line", ["", secret])).toBe("line");
  });

  test("regular-expression characters in a secret are literal", () => {
    expect(mask("a.b*c a-b-c", ["a.b*c"])).toBe("[secret] a-b-c");
  });

  test.each([0, 1, 2])(
    "the secret inside a longer base64 text is found at byte offset %i (mod 3)",
    (k) => {
      const embedded = Buffer.from(`${"x".repeat(k + 3)}${secret}yz`).toString("base64");
      const masked = mask(embedded, [secret]);
      expect(masked).toContain("[secret]");
      // What is left cannot give the secret back: at most two characters next to it.
      expect(masked.replace("[secret]", "").length).toBeLessThan(embedded.length - 20);
    },
  );

  test("short secrets are masked as text and standalone base64 only (no false positives)", () => {
    const embedded = Buffer.from("xabcdefg").toString("base64");
    expect(mask(embedded, ["abc"])).toBe(embedded);
    expect(mask(`abc ${Buffer.from("abc").toString("base64")}`, ["abc"])).toBe("[secret] [secret]");
  });
});

describe("parseHelperReport", () => {
  const report = (nodes: string, kubeconfig: string, archive: string) =>
    [
      "noise before",
      MARK.nodes,
      nodes,
      MARK.kubeconfig,
      Buffer.from(kubeconfig).toString("base64"),
      MARK.archive,
      archive,
      MARK.end,
      "noise after",
    ].join("\n");

  test("reads the three sections, decoding the kubeconfig", () => {
    expect(parseHelperReport(report('{"items": []}', "apiVersion: v1\n", "H4sIAA=="))).toEqual({
      nodesJson: '{"items": []}',
      kubeconfig: "apiVersion: v1\n",
      outputArchive: "H4sIAA==",
    });
  });

  test.each([MARK.nodes, MARK.kubeconfig, MARK.archive, MARK.end])(
    "a missing %s is an error naming a section",
    (marker) => {
      const text = report("{}", "k", "a").replace(marker, "");
      expect(() => parseHelperReport(text)).toThrow(
        /^the helper's output lacks the section === ashk8s:/,
      );
    },
  );

  test("an empty output (the connection dropped before the report) is an error", () => {
    expect(() => parseHelperReport("")).toThrow(
      `the helper's output lacks the section ${MARK.nodes}`,
    );
  });
});

describe("observeNodes", () => {
  const node = (name: string, labels: Record<string, string> | undefined, version?: string) => ({
    metadata: { name, ...(labels ? { labels } : {}) },
    ...(version ? { status: { nodeInfo: { kubeletVersion: version } } } : {}),
  });
  const observe = (...items: ReturnType<typeof node>[]) => observeNodes(JSON.stringify({ items }));

  test("masters by any of the label variants or the aks-engine name", () => {
    expect(
      observe(
        node("a", { "kubernetes.io/role": "master" }, "v1.34.4"),
        node("b", { "node-role.kubernetes.io/control-plane": "" }, "v1.34.4"),
        node("c", { "node-role.kubernetes.io/master": "" }, "v1.34.4"),
        node("k8s-master-12345678-0", undefined, "v1.34.4"),
      ),
    ).toEqual({ masterCount: 4, pools: {}, kubernetesVersion: "1.34.4" });
  });

  test("workers by the agentpool label, else by the aks-engine name; others are not counted", () => {
    expect(
      observe(
        node("worker-x", { agentpool: "linuxpool", "kubernetes.io/role": "agent" }, "v1.34.4"),
        node("k8s-linuxpool-12345678-1", undefined, "v1.34.4"),
        node("k8s-gpupool-12345678-0", {}, "v1.34.4"),
        node("some-other-node", {}, "v1.34.4"),
      ),
    ).toEqual({ masterCount: 0, pools: { linuxpool: 2, gpupool: 1 }, kubernetesVersion: "1.34.4" });
  });

  test("version skew (a half-finished upgrade) reports the lowest version, numerically", () => {
    expect(
      observe(
        node("k8s-master-1-0", { "kubernetes.io/role": "master" }, "v1.34.10"),
        node("k8s-linuxpool-1-0", { agentpool: "linuxpool" }, "v1.34.9"),
        node("k8s-linuxpool-1-1", { agentpool: "linuxpool" }, "v1.33.12"),
      ).kubernetesVersion,
    ).toBe("1.33.12");
  });

  test("build suffixes are dropped; nodes without a version are skipped; no nodes -> empty", () => {
    expect(
      observe(
        node("k8s-master-1-0", { "kubernetes.io/role": "master" }, "v1.34.4+azs"),
        node("k8s-master-1-1", { "kubernetes.io/role": "master" }, "v1.34.5-rc.1"),
        node("k8s-master-1-2", { "kubernetes.io/role": "master" }),
      ),
    ).toEqual({ masterCount: 3, pools: {}, kubernetesVersion: "1.34.4" });
    expect(observe()).toEqual({ masterCount: 0, pools: {}, kubernetesVersion: "" });
  });

  test("output that is not JSON is an error", () => {
    expect(() => observeNodes("error: the server could not be reached")).toThrow(SyntaxError);
  });
});
