/**
 * The generated @pulumi/azurestack SDK and the version pins: what `npm run toolchain` produced
 * must be what `pulumi install` gives users, and the npm and Go pins must agree.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { parse } from "yaml";
import { ROOT } from "./stackFiles";

const read = (p: string) => fs.readFileSync(path.join(ROOT, p), "utf8");
const goRequire = (module: string, dep: string) =>
  new RegExp(`${dep.replace(/[./]/g, "\\$&")} (v[^\\s]+)`).exec(
    read(`toolchain/modules/${module}/go.mod`),
  )?.[1];

describe("@pulumi/azurestack", () => {
  const sdk = JSON.parse(read("sdks/azurestack/package.json"));

  test("is generated from the Pulumi.yaml packages entry with registry parameterization", () => {
    const project = parse(read("Pulumi.yaml"));
    expect(project.packages.azurestack).toEqual({
      source: "terraform-provider",
      parameters: ["hashicorp/azurestack", "1.0.0"],
    });
    expect(sdk.name).toBe("@pulumi/azurestack");
    expect(sdk.pulumi).toMatchObject({
      resource: true,
      name: "terraform-provider",
      parameterization: { name: "azurestack", version: "1.0.0" },
    });
    const value = JSON.parse(Buffer.from(sdk.pulumi.parameterization.value, "base64").toString());
    expect(value).toEqual({
      remote: { url: "registry.opentofu.org/hashicorp/azurestack", version: "1.0.0" },
    });
  });

  test("is linked into package.json and resolves to the generated SDK", () => {
    const pkg = JSON.parse(read("package.json"));
    expect(pkg.dependencies["@pulumi/azurestack"]).toBe("file:sdks/azurestack");
    expect(fs.realpathSync(path.join(ROOT, "node_modules/@pulumi/azurestack"))).toBe(
      path.join(ROOT, "sdks/azurestack"),
    );
  });

  test.each([
    ["Provider", "pulumi:providers:azurestack"],
    ["ResourceGroup", "azurestack:index/resourceGroup:ResourceGroup"],
    ["VirtualNetwork", "azurestack:index/virtualNetwork:VirtualNetwork"],
    ["PublicIp", "azurestack:index/publicIp:PublicIp"],
    ["NetworkInterface", "azurestack:index/networkInterface:NetworkInterface"],
    ["LinuxVirtualMachine", "azurestack:index/linuxVirtualMachine:LinuxVirtualMachine"],
  ])("exposes %s as %s", (name, token) => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const azurestack = require("@pulumi/azurestack");
    expect(azurestack[name]?.__pulumiType).toBe(
      token.startsWith("pulumi:providers:") ? "azurestack" : token,
    );
  });
});

describe("version pins agree between npm and the Go-built toolchain", () => {
  const pkg = JSON.parse(read("package.json"));

  test("@pulumi/pulumi matches the Pulumi CLI and the language host", () => {
    const version = `v${pkg.dependencies["@pulumi/pulumi"]}`;
    expect(goRequire("pulumi", "github.com/pulumi/pulumi/pkg/v3")).toBe(version);
    expect(goRequire("pulumi", "github.com/pulumi/pulumi/sdk/v3")).toBe(version);
    expect(read("toolchain/modules/pulumi/build.conf")).toContain(`version.Version=${version}`);
    expect(goRequire("pulumi-language-nodejs", "github.com/pulumi/pulumi/sdk/v3")).toBe(version);
  });

  test("Node 22 everywhere", () => {
    expect(pkg.engines.node).toBe(">=22 <23");
    expect(pkg.devDependencies.node).toMatch(/^22\./);
    expect(read(".nvmrc").trim()).toBe(pkg.devDependencies.node);
  });

  test("terraform-provider-azurestack matches the Pulumi.yaml parameters", () => {
    const project = parse(read("Pulumi.yaml"));
    expect(
      goRequire(
        "terraform-provider-azurestack",
        "github.com/hashicorp/terraform-provider-azurestack",
      ),
    ).toBe(`v${project.packages.azurestack.parameters[1]}`);
  });

  test("npm dependencies are pinned exactly", () => {
    for (const [name, version] of Object.entries<string>({
      ...pkg.dependencies,
      ...pkg.devDependencies,
    })) {
      expect({ name, version }).toEqual({
        name,
        version: expect.stringMatching(/^(\d+\.\d+\.\d+|file:.+)$/),
      });
    }
  });
});
