/**
 * One rule for text and numbers at the edge, for forms and socket events alike (issue 13, defect
 * 8): characters no one types are refused, not stored; a number is digits, not whatever
 * `Number()` makes of a string; a form's intent is one of the page's own.
 */
import fc from "fast-check";
import { beforeEach, describe, expect, it } from "vitest";
import { getDb } from "../db/client.server";
import { messageBody } from "~/domain/meetings/room";
import { meetingSchema } from "~/domain/meetings/schemas";
import { asWhole, CONTROL, formId, id, text } from "~/domain/validation";
import { action as councilAction } from "~/routes/councils.$id._index";
import { postMessage } from "~/services/room/commands.server";
import { run } from "~/services/runner/command.server";
import { readForm, type Refusal } from "~/utils/forms.server";
import {
  actorFor,
  cookieFor,
  dbSnapshot,
  makeCommittee,
  makeCommunity,
  makeMeeting,
  makeResident,
  makeUser,
} from "./support/factories";
import { refusal } from "./support/refusal";
import { body, formRequest, run as runRoute } from "./support/remix";

/** What no one types: NUL, ESC, a right-to-left override, an isolate, a byte that was not UTF-8. */
const UNTYPABLE = ["\u0000", "\u001b", "\u202e", "\u2067", "\ufffd"];

describe("text", () => {
  it("refuses the characters no one types, in a form's text and in a room message alike", () => {
    const field = text({ max: 100 });
    for (const c of UNTYPABLE) {
      const typed = `议事${c}会`;
      expect(field.safeParse(typed).success, JSON.stringify(c)).toBe(false);
      const message = messageBody.safeParse(typed);
      expect(message.success, JSON.stringify(c)).toBe(false);
      expect(message.error?.issues[0]?.message).toBe("errors.invalidCharacters");
    }
    expect(messageBody.safeParse("楼道的灯坏了 → 明天修 ✓").success).toBe(true);
  });

  it("accepts any text without those characters, and refuses any with one", () => {
    fc.assert(
      fc.property(fc.string({ unit: "grapheme", maxLength: 40 }), (s) => {
        const parsed = messageBody.safeParse(s);
        const trimmed = s.normalize("NFC").trim();
        if (trimmed === "" || [...trimmed].length > 1000) return;
        expect(parsed.success).toBe(!CONTROL.test(trimmed));
      }),
    );
  });

  it("stores nothing when a room message carries one of them", async () => {
    const community = await makeCommunity();
    const { meetingId } = await makeMeeting(community);
    const resident = await makeResident(community);
    const before = await dbSnapshot();
    for (const c of UNTYPABLE) {
      const e = await refusal(run(postMessage, resident, { meetingId, body: `好${c}` }));
      expect([e.status, e.key]).toEqual([400, "errors.invalidCharacters"]);
    }
    expect(await dbSnapshot()).toEqual(before);
  });
});

describe("numbers", () => {
  it("reads digits only: 0x10, 1e1, 16.0, an empty or blank field are not numbers a page sends", () => {
    for (const schema of [id, formId]) {
      for (const bad of ["0x10", "0b1", "0o7", "1e1", "16.0", "", " ", "-1", "+16", "١٦"]) {
        expect(schema.safeParse(bad).success, bad).toBe(false);
      }
      expect(schema.parse("16")).toBe(16);
      expect(schema.parse(" 16 ")).toBe(16);
      expect(schema.parse(16)).toBe(16);
    }
    expect(asWhole("0x10")).toBe("0x10");
  });

  it("refuses agenda minutes and seats given as 0x10", () => {
    const meeting = {
      topic: "楼道照明",
      description: "晚上楼道太黑",
      startsAt: "2027-01-05T19:00",
      endsAt: "2027-01-05T21:00",
      place: "社区活动室",
      agenda0: "照明",
      agendaMinutes0: "16",
      seats_resident: "16",
    };
    const ok = meetingSchema.parse(meeting);
    expect([ok.agenda[0]?.minutes, ok.seats.resident]).toEqual([16, 16]);
    const minutes = meetingSchema.safeParse({ ...meeting, agendaMinutes0: "0x10" });
    expect(minutes.error?.issues.map((i) => i.message)).toEqual(["meeting:errors.badTimeBox"]);
    const seats = meetingSchema.safeParse({ ...meeting, seats_resident: "0x10" });
    expect(seats.error?.issues.map((i) => i.message)).toEqual(["meeting:errors.badCapacity"]);
  });
});

describe("a form's intent", () => {
  let councilId: number;
  let cookie: string;
  beforeEach(async () => {
    const community = await makeCommunity();
    const { meetingId } = await makeMeeting(community);
    councilId = (await getDb()
      .selectFrom("meetings")
      .select("councilId")
      .where("id", "=", meetingId)
      .executeTakeFirstOrThrow())!.councilId;
    const member = await makeUser();
    await makeCommittee(member, community);
    cookie = await cookieFor(member);
    await actorFor(member);
  });

  it("is one of the page's own, given once: otherwise the council is not touched", async () => {
    const path = `/councils/${councilId}`;
    const before = await dbSnapshot();
    for (const intent of ["bogus", ["edit", "edit"], ["edit", "removeMember"], ""]) {
      const res = await runRoute(
        councilAction,
        formRequest(path, { intent, name: "改了名字", purpose: "议事" }, { Cookie: cookie }),
        { id: String(councilId) },
      );
      expect(res.status, JSON.stringify(intent)).toBe(400);
      expect((await body<Refusal>(res)).errors._form?.key).toBe("errors.badForm");
    }
    expect(await dbSnapshot()).toEqual(before);
  });
});

describe("an oversized body that declares no length", () => {
  it("is read to its end and answered 413 with why, so its sender can read the answer", async () => {
    const CHUNK = new Uint8Array(64 * 1024).fill(0x61);
    const total = 20 * 1024 * 1024;
    let sent = 0;
    // A chunked upload: no Content-Length, 20 MB in pieces.
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent >= total) return controller.close();
        sent += CHUNK.byteLength;
        controller.enqueue(CHUNK);
      },
    });
    const request = new Request("http://localhost/join", {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: stream,
      duplex: "half",
    } as RequestInit);
    const thrown = await readForm(request).then(
      () => null,
      (e: unknown) => e,
    );
    expect(thrown).toBeInstanceOf(Response);
    const res = thrown as Response;
    expect(res.status).toBe(413);
    expect(await res.json()).toEqual({ error: { key: "errors.tooLarge" } });
    expect(sent).toBe(total);
  });
});
