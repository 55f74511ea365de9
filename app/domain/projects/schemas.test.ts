import { describe, expect, it } from "vitest";
import type { z } from "zod";
import {
  commentSchema,
  organisationSchema,
  projectSchema,
  ratingSchema,
  reasonSchema,
  thresholdSchema,
  updateSchema,
  yuan,
} from "./schemas";

/** The issues of a refused parse as [path, key, params], or null when it was accepted. */
function issues(schema: z.ZodTypeAny, input: unknown) {
  const r = schema.safeParse(input);
  if (r.success) return null;
  return r.error.issues.map((i) => [
    i.path.join("."),
    i.message,
    ...(i.code === "custom" && i.params ? [i.params] : []),
  ]);
}

const form = {
  title: "三幢楼道扶手",
  summary: "为三幢楼道加装扶手，方便老人上下楼",
  description: "三幢住着二十多位八十岁以上的老人，楼道没有扶手，上下楼很危险。",
  communityId: "7",
  gridId: "",
  place: "三幢",
  organisationId: "",
  category: "elderlyCare",
  beneficiaries: "三幢老人",
  startsOn: "2026-03-01",
  endsOn: "2026-06-30",
  itemLabel: ["不锈钢扶手", "安装人工", ""],
  itemAmount: ["1200", "800", ""],
};

const budget = (labels: string | string[], amounts: string | string[]) =>
  issues(projectSchema, { ...form, itemLabel: labels, itemAmount: amounts });

describe("projectSchema", () => {
  it("reads a valid form into items and a total, leaving out the spare rows", () => {
    const p = projectSchema.parse(form);
    expect(p.items).toEqual([
      { label: "不锈钢扶手", amount: 1200 },
      { label: "安装人工", amount: 800 },
    ]);
    expect(p.total).toBe(2000);
    expect(p).toMatchObject({
      communityId: 7,
      gridId: null,
      organisationId: null,
      place: "三幢",
      startsOn: "2026-03-01",
      endsOn: "2026-06-30",
    });
    expect(p).not.toHaveProperty("itemLabel");
    expect(p).not.toHaveProperty("itemAmount");
  });

  it("adds every row into the total, wherever the blank rows stand", () => {
    const p = projectSchema.parse({
      ...form,
      itemLabel: ["", "扶手", "  ", "人工", "灯", ""],
      itemAmount: ["", "1,200", " ", " 800 ", "35", ""],
    });
    expect(p.items.map((i) => i.amount)).toEqual([1200, 800, 35]);
    expect(p.total).toBe(2035);
  });

  it("takes a single row sent as plain strings", () => {
    const p = projectSchema.parse({ ...form, itemLabel: "扶手", itemAmount: "500" });
    expect(p.items).toEqual([{ label: "扶手", amount: 500 }]);
    expect(p.total).toBe(500);
  });

  it.each([
    ["12.5", "decimal"],
    ["-3", "negative"],
    ["0", "zero"],
    ["1e3", "exponent"],
    ["abc", "letters"],
    ["１２", "full-width digits"],
    ["", "missing, with a label"],
    ["0x10", "hexadecimal"],
    ["12元", "with a unit"],
  ])("refuses the amount %j (%s), naming the row", (amount) => {
    expect(budget(["扶手", "人工"], ["100", amount])).toEqual([
      ["budget", "project:errors.itemAmount", { row: 2, max: 1_000_000 }],
    ]);
  });

  it("refuses an amount without a label", () => {
    expect(budget(["扶手", ""], ["100", "50"])).toEqual([
      ["budget", "project:errors.itemLabel", { row: 2 }],
    ]);
  });

  it("refuses an item over the per-item limit, and a total over the project limit", () => {
    expect(budget(["扶手"], ["1000001"])).toEqual([
      ["budget", "project:errors.itemTooBig", { row: 1, max: 1_000_000 }],
    ]);
    expect(budget(["扶手"], ["1000000"])).toBeNull();
    const labels = Array.from({ length: 6 }, (_, i) => `项目${i}`);
    expect(
      budget(
        labels,
        labels.map(() => "1000000"),
      ),
    ).toEqual([["budget", "project:errors.totalTooBig", { max: 5_000_000 }]]);
    expect(
      budget(
        labels.slice(0, 5),
        labels.slice(0, 5).map(() => "1000000"),
      ),
    ).toBeNull();
  });

  it("refuses a budget with no rows filled in", () => {
    expect(budget(["", ""], ["", ""])).toEqual([["budget", "project:errors.noBudget"]]);
    expect(budget([], [])).toEqual([["budget", "project:errors.noBudget"]]);
  });

  it("takes 20 items and refuses 21", () => {
    const rows = (n: number) => Array.from({ length: n }, (_, i) => `第${i + 1}项`);
    expect(
      budget(
        rows(20),
        rows(20).map(() => "10"),
      ),
    ).toBeNull();
    expect(
      budget(
        rows(21),
        rows(21).map(() => "10"),
      ),
    ).toEqual([["budget", "project:errors.tooManyItems", { max: 20 }]]);
    // A form cannot send that many rows, even blank: it was not our form.
    expect(budget(rows(26).fill(""), rows(26).fill(""))).toEqual([["budget", "errors.badForm"]]);
  });

  it("refuses label and amount lists of different lengths", () => {
    expect(budget(["扶手", "人工"], ["100"])).toEqual([["budget", "errors.badForm"]]);
    expect(budget(["扶手"], ["100", ""])).toEqual([["budget", "errors.badForm"]]);
  });

  it("refuses an end before the start, and takes a one-day project", () => {
    expect(issues(projectSchema, { ...form, endsOn: "2026-02-28" })).toEqual([
      ["endsOn", "project:errors.endBeforeStart"],
    ]);
    expect(issues(projectSchema, { ...form, endsOn: "2026-03-01" })).toBeNull();
  });

  it.each(["2026-02-30", "2026-13-01", "2026-2-3", "2026/03/01", "tomorrow", "2026-03-01T08:00"])(
    "refuses the date %j",
    (d) => {
      expect(issues(projectSchema, { ...form, startsOn: d })).toEqual([
        ["startsOn", "project:errors.badDate"],
      ]);
    },
  );

  it("takes 29 February in a leap year only, and asks for a missing date", () => {
    expect(issues(projectSchema, { ...form, startsOn: "2028-02-29", endsOn: "2028-03-01" })).toBe(
      null,
    );
    expect(issues(projectSchema, { ...form, startsOn: "2027-02-29" })).toEqual([
      ["startsOn", "project:errors.badDate"],
    ]);
    expect(issues(projectSchema, { ...form, endsOn: "  " })).toEqual([
      ["endsOn", "errors.required"],
    ]);
  });

  it("reads the optional grid and organisation, refusing junk", () => {
    expect(projectSchema.parse({ ...form, gridId: "9", organisationId: "4" })).toMatchObject({
      gridId: 9,
      organisationId: 4,
    });
    expect(issues(projectSchema, { ...form, gridId: "abc" })).toEqual([
      ["gridId", "errors.invalidType"],
    ]);
    expect(issues(projectSchema, { ...form, organisationId: "-1" })).toEqual([
      ["organisationId", "errors.invalidType"],
    ]);
  });

  it("refuses an unknown category and a repeated single field", () => {
    expect(issues(projectSchema, { ...form, category: "parking" })).toEqual([
      ["category", "project:errors.badCategory"],
    ]);
    expect(issues(projectSchema, { ...form, title: ["a", "b"] })).toEqual([
      ["title", "errors.invalidType"],
    ]);
  });
});

describe("yuan", () => {
  it("reads whole yuan, with thousands separators and spaces", () => {
    expect(yuan().parse("1,000")).toBe(1000);
    expect(yuan().parse(" 35 ")).toBe(35);
  });

  it("takes zero only when asked to, and applies its own maximum", () => {
    expect(issues(yuan(), "0")).toEqual([["", "project:errors.amountWhole"]]);
    expect(yuan({ allowZero: true }).parse("0")).toBe(0);
    expect(issues(yuan({ max: 10 }), "11")).toEqual([
      ["", "project:errors.amountTooBig", { max: 10 }],
    ]);
    expect(issues(yuan(), "")).toEqual([["", "errors.required"]]);
  });
});

const org = {
  name: "阳光养老服务社",
  tier: "registered",
  registrationNumber: "",
  services: "elderlyCare",
  communities: "3",
  description: "为社区老人提供助餐、陪伴和文化活动",
  contact: "",
};

describe("organisationSchema", () => {
  it("takes services and communities as one string or several, without repeats", () => {
    expect(organisationSchema.parse(org)).toMatchObject({
      services: ["elderlyCare"],
      communities: [3],
      registrationNumber: null,
      contact: null,
    });
    expect(
      organisationSchema.parse({
        ...org,
        services: ["elderlyCare", "culture", "elderlyCare"],
        communities: ["3", "4", "3"],
      }),
    ).toMatchObject({ services: ["elderlyCare", "culture"], communities: [3, 4] });
  });

  it("asks for at least one service and one community, and refuses unknown ones", () => {
    const { services: _s, communities: _c, ...rest } = org;
    expect(issues(organisationSchema, rest)).toEqual([
      ["services", "project:errors.pickService"],
      ["communities", "project:errors.pickCommunity"],
    ]);
    expect(issues(organisationSchema, { ...org, services: ["elderlyCare", "karaoke"] })).toEqual([
      ["services.1", "project:errors.badCategory"],
    ]);
    expect(issues(organisationSchema, { ...org, communities: ["3", "x"] })).toEqual([
      ["communities.1", "errors.invalidType"],
    ]);
    const many = Array.from({ length: 31 }, (_, i) => String(i + 1));
    expect(issues(organisationSchema, { ...org, communities: many })).toEqual([
      ["communities", "errors.invalidType"],
    ]);
  });

  it("refuses an unknown tier and a short description", () => {
    expect(issues(organisationSchema, { ...org, tier: "company" })).toEqual([
      ["tier", "project:errors.badTier"],
    ]);
    expect(issues(organisationSchema, { ...org, description: "很好" })).toEqual([
      ["description", "errors.tooShort", { min: 10 }],
    ]);
  });
});

describe("thresholdSchema", () => {
  it.each([
    [undefined, null],
    ["", null],
    ["  ", null],
    ["1", 1],
    [" 50 ", 50],
    ["10000", 10000],
  ])("reads %j as %j", (threshold, expected) => {
    expect(thresholdSchema.parse({ threshold }).threshold).toBe(expected);
  });

  it.each(["0", "10001", "1.5", "-1", "abc", "１０", "1e2"])("refuses %j", (threshold) => {
    expect(issues(thresholdSchema, { threshold })).toEqual([
      ["threshold", "project:errors.badThreshold"],
    ]);
  });
});

describe("ratingSchema", () => {
  it("reads scores 1 to 5 as numbers", () => {
    expect(["1", "2", "3", "4", "5"].map((score) => ratingSchema.parse({ score }).score)).toEqual([
      1, 2, 3, 4, 5,
    ]);
  });

  it.each(["0", "6", "x", "3.0", "", 3, undefined])("refuses %j", (score) => {
    expect(issues(ratingSchema, { score })).toEqual([["score", "project:errors.badScore"]]);
  });
});

describe("updateSchema", () => {
  const update = { body: "扶手已经装好一半", spent: "600", onDate: "2026-04-01" };

  it("takes a report with nothing spent yet", () => {
    expect(updateSchema.parse({ ...update, spent: "0" })).toEqual({ ...update, spent: 0 });
  });

  it("lets one report spend up to the project maximum, not more", () => {
    expect(updateSchema.parse({ ...update, spent: "5000000" }).spent).toBe(5_000_000);
    expect(issues(updateSchema, { ...update, spent: "5000001" })).toEqual([
      ["spent", "project:errors.amountTooBig", { max: 5_000_000 }],
    ]);
    expect(issues(updateSchema, { ...update, spent: "-5" })).toEqual([
      ["spent", "project:errors.amountWhole"],
    ]);
    expect(issues(updateSchema, { ...update, onDate: "2026-04-31" })).toEqual([
      ["onDate", "project:errors.badDate"],
    ]);
  });
});

describe("reasonSchema and commentSchema", () => {
  it("asks a reason of a few characters, at most 500", () => {
    expect(issues(reasonSchema, { reason: " 不 " })).toEqual([
      ["reason", "errors.tooShort", { min: 2 }],
    ]);
    expect(issues(reasonSchema, { reason: "" })).toEqual([["reason", "errors.required"]]);
    expect(issues(reasonSchema, { reason: "长".repeat(501) })).toEqual([
      ["reason", "errors.tooLong", { max: 500 }],
    ]);
    expect(reasonSchema.parse({ reason: "预算\n不清楚" }).reason).toBe("预算\n不清楚");
  });

  it("reads a comment and an optional parent", () => {
    expect(commentSchema.parse({ body: " 支持！ ", parentId: "" })).toEqual({
      body: "支持！",
      parentId: null,
    });
    expect(commentSchema.parse({ body: "同意", parentId: "12" }).parentId).toBe(12);
    expect(issues(commentSchema, { body: "", parentId: "" })).toEqual([
      ["body", "errors.required"],
    ]);
    expect(issues(commentSchema, { body: "长".repeat(1001) })).toEqual([
      ["body", "errors.tooLong", { max: 1000 }],
    ]);
  });
});
