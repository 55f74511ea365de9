import { describe, expect, it } from "vitest";
import { fieldErrors } from "../validation";
import { DEFAULT_METHOD } from "./method";
import { computeIndexSchema, publishMethodSchema, TREE_TEXT_MAX } from "./schemas";

const errorsOf = (schema: typeof computeIndexSchema | typeof publishMethodSchema, form: object) => {
  const r = schema.safeParse(form);
  return r.success ? {} : fieldErrors(r.error);
};

describe("the compute form", () => {
  it("takes a month, and empty optional fields as not given", () => {
    expect(computeIndexSchema.parse({ month: " 2026-10 ", reason: "", methodVersion: "" })).toEqual(
      { month: "2026-10" },
    );
    expect(
      computeIndexSchema.parse({ month: "2026-10", reason: " 重算 ", methodVersion: "2" }),
    ).toEqual({ month: "2026-10", reason: "重算", methodVersion: 2 });
  });

  it("refuses a month that is missing, ill-formed or not a month, and a version that is no whole number", () => {
    for (const month of [undefined, "", "2026-00", "2026-13", "26-10", "2026/10", ["2026-10"]]) {
      expect(errorsOf(computeIndexSchema, { month }).month?.key, String(month)).toBe(
        "index:errors.badMonth",
      );
    }
    for (const methodVersion of ["0", "-1", "1.5", "v1", "1e2"]) {
      expect(
        errorsOf(computeIndexSchema, { month: "2026-10", methodVersion }).methodVersion,
      ).toEqual({ key: "index:errors.badMethodVersion" });
    }
  });
});

describe("the publish form", () => {
  it("parses the tree's JSON text into a method, dimensions in order", () => {
    const tree = { dimensions: [...DEFAULT_METHOD.dimensions].reverse() };
    const r = publishMethodSchema.parse({ tree: JSON.stringify(tree), note: "同权" });
    expect(r.tree).toEqual(DEFAULT_METHOD);
    expect(r.version).toBeUndefined();
  });

  it("refuses an empty or oversized tree, text that is not JSON, and a missing note", () => {
    expect(errorsOf(publishMethodSchema, { tree: " ", note: "x" }).tree).toEqual({
      key: "errors.required",
    });
    expect(
      errorsOf(publishMethodSchema, { tree: "x".repeat(TREE_TEXT_MAX + 1), note: "x" }).tree,
    ).toEqual({ key: "errors.tooLong", params: { max: TREE_TEXT_MAX } });
    expect(errorsOf(publishMethodSchema, { tree: "{", note: "x" }).tree).toEqual({
      key: "index:errors.treeNotJson",
    });
    expect(
      errorsOf(publishMethodSchema, { tree: JSON.stringify(DEFAULT_METHOD), note: "" }).note,
    ).toEqual({ key: "errors.required" });
  });

  it("names the first broken rule of the tree, with the node it is about", () => {
    const t = structuredClone(DEFAULT_METHOD);
    t.dimensions[3]!.indicators[0]!.items[2]!.weight = 0.5;
    expect(errorsOf(publishMethodSchema, { tree: JSON.stringify(t), note: "x" }).tree).toEqual({
      key: "index:errors.weightsSum",
      params: { node: "i:needsOnline", sum: 1.1 },
    });
  });
});
