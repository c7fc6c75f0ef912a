/**
 * helperVm.image: generation 1 images only (Azure Stack Hub runs no other), and the Traffic
 * Manager endpoint's priority without a default. One row per rule with the exact message.
 */
import { parseConfig, StampConfig } from "../../config";
import { HELPER_VM_IMAGE } from "../../lib/versions";
import { problemsOf, stamp } from "./support";

const WHY = "Azure Stack Hub supports generation 1 VMs only";
const image = (patch: Record<string, string>) =>
  stamp({ helperVm: { image: { ...HELPER_VM_IMAGE, ...patch } } });
function parsed(raw: ReturnType<typeof stamp>): StampConfig {
  return parseConfig("seattle", raw.config, raw.secretKeys).config as StampConfig;
}

describe("helperVm.image: generation 1 only", () => {
  test("the default is Canonical's generation 1 Ubuntu 22.04 SKU", () => {
    expect(parsed(stamp()).helperVm.image).toEqual({
      publisher: "Canonical",
      offer: "0001-com-ubuntu-server-jammy",
      sku: "22_04-lts",
      version: "latest",
    });
  });

  test.each<[string, Record<string, string>]>([
    ["22_04-lts pinned to a build", { sku: "22_04-lts", version: "22.04.202404090" }],
    ["20_04-lts of focal", { offer: "0001-com-ubuntu-server-focal", sku: "20_04-lts" }],
    ["server-gen1 of the 24.04 offer", { offer: "ubuntu-24_04-lts", sku: "server-gen1" }],
    ["another publisher's plain SKU", { publisher: "Contoso", offer: "hardened", sku: "2204" }],
  ])("accepted: %s", (_name, patch) => {
    expect(problemsOf("seattle", image(patch))).toEqual([]);
  });

  test.each<[string, Record<string, string>, string]>([
    [
      "the old default 22_04-lts-gen2",
      { sku: "22_04-lts-gen2" },
      `helperVm.image.sku: "22_04-lts-gen2" is a generation 2 image (the SKU ends in -gen2); ${WHY}: use the generation 1 SKU, e.g. 22_04-lts`,
    ],
    [
      "-GEN2 in capitals",
      { sku: "22_04-LTS-GEN2" },
      `helperVm.image.sku: "22_04-LTS-GEN2" is a generation 2 image (the SKU ends in -gen2); ${WHY}: use the generation 1 SKU, e.g. 22_04-lts`,
    ],
    [
      "a bare gen2 SKU (SUSE style)",
      { publisher: "SUSE", offer: "sles-15-sp5", sku: "gen2" },
      `helperVm.image.sku: "gen2" is a generation 2 image (the SKU ends in -gen2); ${WHY}: use the generation 1 SKU, e.g. 22_04-lts`,
    ],
    [
      "an Arm64 SKU",
      { sku: "22_04-lts-arm64" },
      `helperVm.image.sku: "22_04-lts-arm64" is an Arm64 image (generation 2 only); ${WHY}, on x64: use the generation 1 SKU, e.g. 22_04-lts`,
    ],
    [
      "a confidential-VM SKU",
      { sku: "22_04-lts-cvm" },
      `helperVm.image.sku: "22_04-lts-cvm" is a confidential-VM image (generation 2 only); ${WHY}: use the generation 1 SKU, e.g. 22_04-lts`,
    ],
    [
      "server of the 24.04 offer (generation 2; server-gen1 is generation 1)",
      { offer: "ubuntu-24_04-lts", sku: "server" },
      `helperVm.image.sku: "server" is a generation 2 image (in Canonical's ubuntu-24_04-lts offer only SKUs ending in -gen1 are generation 1); ${WHY}: use e.g. server-gen1, or offer 0001-com-ubuntu-server-jammy with SKU 22_04-lts`,
    ],
  ])("refused: %s", (_name, patch, message) => {
    expect(problemsOf("seattle", image(patch))).toEqual([message]);
  });
});

describe("trafficManager.priority: no default", () => {
  const tm = () => JSON.parse(stamp().config["ash-ha-kubernetes:trafficManager"]);

  test("unset stays unset (the stamp program refuses it under Priority routing)", () => {
    const raw = stamp();
    raw.config["ash-ha-kubernetes:trafficManager"] = JSON.stringify({
      ...tm(),
      priority: undefined,
    });
    expect(parsed(raw).trafficManager.priority).toBeUndefined();
  });

  test("an explicit priority is kept", () => {
    expect(
      parsed(stamp({ trafficManager: { ...tm(), priority: 7 } })).trafficManager.priority,
    ).toBe(7);
  });
});
