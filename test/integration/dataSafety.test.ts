/**
 * Data-safety guards through the real engine on the local control plane (docs/data-safety.md): a
 * local-kind stack with `app.protectStatefulResources: true` refuses, at preview, the changes that
 * would lose MongoDB's data, grows the volume claim in place, and cannot be destroyed while
 * protected.
 */
import { kubectlJson, LocalStack, show } from "./harness";

const stack = new LocalStack("it-data-safety", { app: { protectStatefulResources: true } });
const ns = stack.namespace;

function config(...args: string[]) {
  const r = stack.pulumi("config", ...args);
  if (r.code !== 0) throw new Error(`pulumi config ${args.join(" ")}: ${show(r)}`);
}

beforeAll(() => stack.init());
afterAll(() => {
  config("set", "--path", "app.protectStatefulResources", "false");
  stack.pulumi("up", "--yes", "--skip-preview");
  stack.pulumi("destroy", "--yes", "--skip-preview");
  stack.dispose();
});

test("a protected local stack deploys", () => {
  const up = stack.pulumi("up", "--yes", "--skip-preview");
  expect({ code: up.code, output: up.code === 0 ? "" : show(up) }).toEqual({ code: 0, output: "" });
});

test.each([
  ["app.namespace", "ratings-elsewhere"],
  ["app.storageClass", "some-other-class"],
])("changing %s is refused at preview, naming the key", (key, value) => {
  config("set", "--path", key, value);
  try {
    const preview = stack.pulumi("preview");
    expect(preview.code).not.toBe(0);
    expect(preview.stdout + preview.stderr).toContain(key);
  } finally {
    if (key === "app.namespace") config("set", "--path", key, ns);
    else config("rm", "--path", key);
  }
  expect(stack.pulumi("preview", "--expect-no-changes").code).toBe(0);
});

test("growing app.mongoStorageSize updates the claim in place, replacing nothing", () => {
  config("set", "--path", "app.mongoStorageSize", "16Gi");
  const preview = stack.pulumi("preview", "--diff");
  expect(preview.code).toBe(0);
  expect(preview.stdout).not.toMatch(/replace/i);
  const up = stack.pulumi("up", "--yes", "--skip-preview");
  expect({ code: up.code, output: up.code === 0 ? "" : show(up) }).toEqual({ code: 0, output: "" });
  const pvc = kubectlJson<{ spec: { resources: { requests: { storage: string } } } }>([
    "-n",
    ns,
    "get",
    "pvc",
    "data-ratings-mongodb-0",
  ]);
  expect(pvc.spec.resources.requests.storage).toBe("16Gi");
});

test("shrinking app.mongoStorageSize is refused at preview", () => {
  config("set", "--path", "app.mongoStorageSize", "4Gi");
  try {
    const preview = stack.pulumi("preview");
    expect(preview.code).not.toBe(0);
    expect(preview.stdout + preview.stderr).toContain("app.mongoStorageSize");
  } finally {
    config("set", "--path", "app.mongoStorageSize", "16Gi");
  }
});

test("destroy stops while the stack is protected", () => {
  const destroy = stack.pulumi("destroy", "--yes", "--skip-preview");
  expect(destroy.code).not.toBe(0);
  expect(destroy.stdout + destroy.stderr).toMatch(/protect/i);
  expect(kubectlJson<{ items: unknown[] }>(["-n", ns, "get", "statefulsets"]).items).toHaveLength(
    1,
  );
});
