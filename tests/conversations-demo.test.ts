/**
 * The demo's conversation (db/seed-conversations.ts): seeded through the commands, it shows a real
 * opinion map (two or three groups, every voter placed), the committee's moderation at each
 * outcome, and its consensus and divisive statements on the canteen meeting's agenda. On both
 * engines (`TEST_DATABASE_URL=… npx vitest run tests/conversations-demo.test.ts`).
 */
import { beforeAll, describe, expect, it } from "vitest";
import { getDb } from "../db/client.server";
import { seedDemoData } from "../db/seed";
import { ANONYMOUS } from "~/domain/permissions/policy";
import { agendaStatements, conversationPage } from "~/services/conversations/queries.server";
import { exportFile } from "~/services/conversations/export.server";
import { mapsSettled } from "~/services/conversations/map.server";

let conversationId: number;
let meetingId: number;

beforeAll(async () => {
  await seedDemoData(getDb());
  await mapsSettled();
  const c = await getDb()
    .selectFrom("conversations")
    .select(["id", "meetingId"])
    .executeTakeFirstOrThrow();
  conversationId = c.id;
  meetingId = c.meetingId!;
}, 600_000);

describe("the demo conversation", () => {
  it("is open, with a map of two or three groups that places every voter", async () => {
    const page = (await conversationPage(ANONYMOUS, conversationId))!;
    expect(page.conversation.state).toBe("open");
    expect(page.counts.participants).toBe(15);
    expect(page.map.status).toBe("ok");
    if (page.map.status !== "ok") return;
    expect(page.map.k).toBeGreaterThanOrEqual(2);
    expect(page.map.k).toBeLessThanOrEqual(3);
    expect(page.map.points).toHaveLength(15);
    expect(page.map.stale).toBe(false);
    expect(page.map.consensus.length).toBeGreaterThan(0);
  });

  it("has statements at each moderation outcome, the waiting one only for the committee", async () => {
    const statuses = await getDb()
      .selectFrom("statements")
      .select("status")
      .where("conversationId", "=", conversationId)
      .execute();
    const count = (s: string) => statuses.filter((x) => x.status === s).length;
    expect([count("accepted"), count("rejected"), count("pending")]).toEqual([14, 1, 1]);
    expect((await conversationPage(ANONYMOUS, conversationId))!.pending).toEqual([]);
  });

  it("puts the map's consensus and divisive statements on the meeting's agenda", async () => {
    const items = await agendaStatements(meetingId);
    expect(items).toHaveLength(1);
    expect(items[0]!.title).toBe("居民意见");
    const kinds = items[0]!.statements.map((s) => s.kind).sort();
    expect(kinds).toEqual(["consensus", "consensus", "divisive"]);
    for (const s of items[0]!.statements) expect(s.perGroup.length).toBeGreaterThanOrEqual(2);
  });

  it("exports the groups the map found", async () => {
    const rows = (await exportFile(conversationId, "participants-votes.csv"))!
      .split("\n")
      .slice(1)
      .filter((l) => l !== "");
    const groups = new Set(rows.map((l) => l.split(",")[1]).filter((g) => g !== ""));
    expect(groups.size).toBeGreaterThanOrEqual(2);
  });
});
