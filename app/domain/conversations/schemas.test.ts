import { describe, expect, it } from "vitest";
import { fieldErrors } from "../validation";
import {
  attachSchema,
  conversationSchema,
  moderateSchema,
  submitSchema,
  voteSchema,
} from "./schemas";

const errorsOf = (r: { success: boolean; error?: unknown }) =>
  r.success ? {} : fieldErrors(r.error as Parameters<typeof fieldErrors>[0]);

const form = (over: Record<string, unknown> = {}) => ({
  councilId: "3",
  meetingId: "",
  question: "小区停车怎么排？",
  description: "",
  opensAt: "2026-12-01T09:00",
  closesAt: "2026-12-08T18:00",
  eligibility: "residents",
  seeds: "夜间应开放写字楼车位\n\n  消防通道必须清空  \n夜间应开放写字楼车位",
  ...over,
});

describe("conversation form", () => {
  it("reads China time, the checkbox and one seed statement a line", () => {
    const v = conversationSchema.parse(form({ premoderation: "yes" }));
    expect(v.opensAt).toBe("2026-12-01T01:00:00.000Z");
    expect(v.meetingId).toBeNull();
    expect(v.premoderation).toBe(true);
    // Blank lines dropped, lines trimmed, the repeated one once.
    expect(v.seeds).toEqual(["夜间应开放写字楼车位", "消防通道必须清空"]);
    expect(conversationSchema.parse(form()).premoderation).toBe(false);
  });

  it("refuses a window that closes before it opens, and seats without a meeting", () => {
    expect(errorsOf(conversationSchema.safeParse(form({ closesAt: "2026-12-01T08:00" })))).toEqual({
      closesAt: { key: "conversations:errors.closesBeforeOpens" },
    });
    expect(errorsOf(conversationSchema.safeParse(form({ eligibility: "seats" })))).toEqual({
      eligibility: { key: "conversations:errors.seatsNeedMeeting" },
    });
    expect(
      conversationSchema.safeParse(form({ eligibility: "seats", meetingId: "9" })).success,
    ).toBe(true);
  });

  it("refuses a seed line over 140 characters, naming the line", () => {
    const long = "长".repeat(141);
    expect(errorsOf(conversationSchema.safeParse(form({ seeds: `短的\n${long}` })))).toEqual({
      seeds: { key: "conversations:errors.seedTooLong", params: { line: 2, max: 140 } },
    });
  });
});

describe("statement form", () => {
  it("takes 140 characters after trimming, refuses 141 and an empty one", () => {
    const ok = submitSchema.parse({ conversationId: "1", body: `  ${"议".repeat(140)}  ` });
    expect([...ok.body].length).toBe(140);
    expect(
      errorsOf(submitSchema.safeParse({ conversationId: "1", body: "议".repeat(141) })),
    ).toEqual({ body: { key: "errors.tooLong", params: { max: 140 } } });
    expect(errorsOf(submitSchema.safeParse({ conversationId: "1", body: "   " }))).toEqual({
      body: { key: "errors.required" },
    });
  });

  it("takes only the three answers", () => {
    expect(voteSchema.parse({ conversationId: "1", statementId: "2", vote: "pass" }).vote).toBe(
      "pass",
    );
    expect(voteSchema.safeParse({ conversationId: "1", statementId: "2", vote: "1" }).success).toBe(
      false,
    );
  });

  it("asks a reason to reject", () => {
    expect(errorsOf(moderateSchema.safeParse({ statementId: "1", decision: "reject" }))).toEqual({
      reason: { key: "conversations:errors.reasonRequired" },
    });
    expect(moderateSchema.safeParse({ statementId: "1", decision: "accept" }).success).toBe(true);
  });

  it("attaches one or more statements, each once", () => {
    const v = attachSchema.parse({
      agendaItemId: "4",
      statementIds: ["1", "2", "1"],
      kind: "consensus",
    });
    expect(v.statementIds).toEqual([1, 2]);
    expect(errorsOf(attachSchema.safeParse({ agendaItemId: "4", kind: "consensus" }))).toEqual({
      statementIds: { key: "conversations:errors.noStatementsPicked" },
    });
  });
});
