import { ALPHABET, provider } from "../../providers/generatedPassword";

describe("GeneratedPassword provider", () => {
  test.each([16, 32, 64])(
    "creates %d characters from the alphabet, different every time",
    async (length) => {
      const a = (await provider.create({ length })) as { id: string; outs: { result: string } };
      const b = (await provider.create({ length })) as { id: string; outs: { result: string } };
      expect(a.outs.result).toHaveLength(length);
      expect([...a.outs.result].every((c) => ALPHABET.includes(c))).toBe(true);
      expect(a.outs.result).not.toBe(b.outs.result);
      expect(a.id).not.toBe(b.id);
    },
  );

  test.each([
    [32, 32, { changes: false, replaces: [] }],
    [32, 40, { changes: true, replaces: ["length"] }],
  ])("diff %d -> %d", async (before, after, expected) => {
    const diff = await provider.diff!("id", { length: before, result: "x" }, { length: after });
    expect(diff).toMatchObject(expected);
  });

  test("read keeps the stored password (nothing outside state to drift)", async () => {
    const props = { length: 32, result: "abc" };
    expect(await provider.read!("id", props)).toEqual({ id: "id", props });
  });
});
