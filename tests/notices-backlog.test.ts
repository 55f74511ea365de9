/**
 * A backlog of notices written and delivered at once: the needs' timed work after a long stop (or
 * on imported data) raises thousands of overdue needs in one run, two notices each. The outbox is
 * written and claimed a chunk at a time; in one statement it passed SQLite's limit of bound values
 * ("too many SQL variables") and failed the whole job, every minute, for good (seen with the
 * needs benchmark's 100,000 needs: 13,073 raised in one run).
 */
import { afterEach, describe, expect, it } from "vitest";
import { getDb } from "../db/client.server";
import { transaction } from "../db/portable";
import type { NoticeDraft } from "~/domain/notices/kinds";
import {
  deliverOutbox,
  setImmediateDelivery,
  writeOutbox,
} from "~/services/notices/delivery.server";
import { makeCommunity } from "./support/factories";

afterEach(() => setImmediateDelivery(true));

describe("a backlog of notices", () => {
  it("is written in one transaction and delivered, however long", async () => {
    // A community with no residents: every notice is for nobody, so delivering is cheap to check.
    const community = await makeCommunity("backlog");
    const draft = (i: number): NoticeDraft => ({
      kind: "vote.opened",
      subject: { type: "poll", id: 1_000_000 + i },
      params: { title: `表决 ${i}`, closesAt: new Date().toISOString() },
      recipients: { community, who: "verified" },
    });
    setImmediateDelivery(false);
    const n = 5_000; // 40,000 bound values in one statement: past SQLite's 32,766
    const ids = await transaction(getDb(), (trx) =>
      writeOutbox(
        trx,
        Array.from({ length: n }, (_, i) => draft(i)),
        null,
        new Date().toISOString(),
      ),
    );
    expect(ids).toHaveLength(n);
    expect(new Set(ids).size).toBe(n);
    // Delivered a claim at a time: every row ends delivered.
    await deliverOutbox(ids.slice(0, 1_200));
    const left = await getDb()
      .selectFrom("noticeOutbox")
      .select((eb) => eb.fn.countAll<number | string>().as("n"))
      .where("id", "in", ids.slice(0, 1_200))
      .where("deliveredAt", "is", null)
      .executeTakeFirstOrThrow();
    expect(Number(left.n)).toBe(0);
  });
});
