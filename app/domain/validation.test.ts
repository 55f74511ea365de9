import { describe, expect, it } from "vitest";
import { formToObject, keptValues } from "./validation";

describe("formToObject", () => {
  it("keeps single values, repeated values and files apart", () => {
    const f = new FormData();
    f.append("a", "1");
    f.append("b", "x");
    f.append("b", "y");
    f.append("c", new File(["data"], "photo.jpg"));
    expect(formToObject(f)).toEqual({
      a: "1",
      b: ["x", "y"],
      c: { file: true, name: "photo.jpg" },
    });
  });

  it("takes a field named __proto__ as a field, never as the object's prototype", () => {
    const f = new FormData();
    f.append("__proto__", new File(["x"], "intruder"));
    f.append("constructor", "c");
    const out = formToObject(f);
    expect(Object.getPrototypeOf(out)).toBeNull();
    expect((out as Record<string, unknown>).name).toBeUndefined();
    expect(Object.keys(out).sort()).toEqual(["__proto__", "constructor"]);
  });

  it("re-fills only text fields and never passwords", () => {
    expect(keptValues({ a: "1", b: ["x"], password: "secret" }, ["password"])).toEqual({ a: "1" });
  });
});
