import { describe, expect, it } from "vitest";
import {
  isNeedCategory,
  isPrivateByDefault,
  NEED_CATEGORIES,
  PRIVATE_BY_DEFAULT,
} from "./categories";
import { needCategory } from "./schemas";

describe("need categories", () => {
  it("are the issue's list, in this order, as stable Open311 service codes", () => {
    // Written out by hand: these codes leave the platform (service_code), so a change must fail here.
    expect([...NEED_CATEGORIES]).toEqual([
      "environmentSanitation",
      "repairsFacilities",
      "safetyHazard",
      "neighbourDispute",
      "elderlyDisabilityCare",
      "propertyManagement",
      "trafficParking",
      "other",
    ]);
    for (const c of NEED_CATEGORIES) expect(c).toMatch(/^[a-z][A-Za-z]*$/);
  });

  it("keep a neighbour dispute private by default, and nothing else", () => {
    expect(NEED_CATEGORIES.filter(isPrivateByDefault)).toEqual(["neighbourDispute"]);
    expect([...PRIVATE_BY_DEFAULT]).toEqual(["neighbourDispute"]);
  });

  it("refuse anything not on the list with one message", () => {
    for (const c of NEED_CATEGORIES) {
      expect(needCategory.parse(c)).toBe(c);
      expect(isNeedCategory(c)).toBe(true);
    }
    for (const bad of ["", "Other", "noise", "constructor", "__proto__", 1, null, undefined, []]) {
      const r = needCategory.safeParse(bad);
      expect(r.success).toBe(false);
      expect(r.error?.issues.map((i) => i.message)).toEqual(["need:errors.unknownCategory"]);
      expect(isNeedCategory(bad)).toBe(false);
    }
  });
});
