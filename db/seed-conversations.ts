/**
 * Demo data for 意见征集 (conversations, issue 18), loaded after everything else by
 * `seedDemoData` so that no earlier id moves.
 *
 * 东坡路社区's committee asks, before the 社区食堂 round table (the upcoming meeting
 * "社区食堂试运营意见征集"), what residents think of the canteen's trial month: twelve seed
 * statements, open from six days ago for another eight. Premoderation is on: residents' own
 * statements wait for the committee, which accepts most, rejects one with its reason, and leaves
 * the last waiting in the queue. The community's fifteen verified residents answer through the
 * commands, each at their own moments, along three leanings (older residents who want cheap meals
 * and delivery, working families who want longer hours and ordering ahead, and a few in between),
 * with passes and some answers of their own, so that the map has real groups. The map is computed
 * once at the end, as the recompute would, and the chair attaches its two most agreed statements
 * and its most divisive one to the meeting's "居民意见" item.
 */
import type { DB } from "./client.server";
import type { VoteChoice } from "../app/domain/conversations/rules";
import {
  attachStatements,
  createConversation,
  moderateStatement,
  submitStatement,
  voteStatement,
} from "../app/services/conversations/commands.server";
import {
  mapChanged,
  recomputeMap,
  scheduleMaps,
  storedMap,
} from "../app/services/conversations/map.server";
import { seedKit, Timeline, type SeedKit } from "./seed-kit";

const QUESTION = "社区食堂试运营一个月，怎样办得更好？";
const DESCRIPTION =
  "社区食堂在党群服务中心一楼试运营一个月了。请对下面的观点表个态：同意、不同意，或者跳过。" +
  "也可以写下您自己的观点（一条只说一件事，不超过 140 字）。结果会带到 12 月中旬的圆桌会上。";

/**
 * The seed statements, each with how the three leanings tend to answer it (1 agree, -1 disagree,
 * 0 pass): [older residents, working families, in between].
 */
const SEEDS: Array<[string, [number, number, number]]> = [
  ["午餐价格应控制在 15 元以内", [1, -1, 1]],
  ["八十岁以上老人应享受助餐补贴", [1, 1, 1]],
  ["行动不便的老人应能预约送餐上门", [1, 1, 1]],
  ["食堂晚上应营业到八点，方便上班族", [-1, 1, 0]],
  ["应开通手机小程序提前点餐", [-1, 1, 1]],
  ["菜品应少油少盐，照顾慢性病老人", [1, -1, 0]],
  ["食堂可以交给专业餐饮公司市场化运营", [-1, 1, 0]],
  ["每周应公示菜单和食材来源", [1, 1, 1]],
  ["应保留现金付款，不要只收手机支付", [1, -1, 1]],
  ["周末也应开放", [-1, 1, 1]],
  ["可以招募居民志愿者帮厨，降低成本", [1, -1, 0]],
  ["价格可以按市场调整，保证菜的质量", [-1, 1, -1]],
];

/** Residents' own statements: [who, text, leaning answers, the committee's decision]. */
const WRITTEN: Array<
  [string, string, [number, number, number], "accept" | "reject" | "wait", string?]
> = [
  ["xiaolin", "希望增加儿童餐，放学后孩子可以来吃饭", [0, 1, 1], "accept"],
  ["laozhang", "取餐窗口旁边应放几把椅子给老人歇脚", [1, 0, 1], "accept"],
  [
    "dongpo-r7",
    "隔壁小区的食堂比我们便宜多了，谁在中间赚钱？",
    [0, 0, 0],
    "reject",
    "未说明具体建议；价格问题已有观点可表态。",
  ],
  ["dongpo-r3", "食堂门口的电动车应该规范停放", [0, 0, 0], "wait"],
];

/** The residents who answer, with their leaning (0 older, 1 working families, 2 in between). */
const VOTERS: Array<[string, 0 | 1 | 2]> = [
  ["resident", 0],
  ["laozhang", 0],
  ["xiaolin", 1],
  ["dongpo-r1", 0],
  ["dongpo-r2", 0],
  ["dongpo-r3", 1],
  ["dongpo-r4", 0],
  ["dongpo-r5", 1],
  ["dongpo-r6", 0],
  ["dongpo-r7", 1],
  ["dongpo-r8", 2],
  ["dongpo-r9", 1],
  ["dongpo-r10", 2],
  ["dongpo-r11", 1],
  ["dongpo-r12", 2],
];

/** A fixed pseudo-random stream, so that the demo is the same every time. */
function stream(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

const choiceOf = (v: number): VoteChoice => (v > 0 ? "agree" : v < 0 ? "disagree" : "pass");

export async function seedConversations(db: DB, kit: SeedKit = seedKit(db)): Promise<void> {
  const { daysAgo } = kit;
  const tl = new Timeline();
  const chair = "committee";
  const councilId = (
    await db
      .selectFrom("councils")
      .innerJoin("areas", "areas.id", "councils.areaId")
      .select("councils.id")
      .where("areas.code", "=", "dongpo")
      .orderBy("councils.id")
      .executeTakeFirstOrThrow()
  ).id;
  const meeting = await db
    .selectFrom("meetings")
    .select("id")
    .where("councilId", "=", councilId)
    .where("topic", "=", "社区食堂试运营意见征集")
    .executeTakeFirstOrThrow();
  const item = await db
    .selectFrom("agendaItems")
    .select("id")
    .where("meetingId", "=", meeting.id)
    .where("title", "=", "居民意见")
    .executeTakeFirstOrThrow();

  // The votes below are computed into the map once, at the end, on this database: the timers a
  // vote sets would compute it on the app's database instead, mid-seed.
  scheduleMaps(false);
  try {
    let conversationId = 0;
    /** Statement id → how the leanings answer it. */
    const leanings = new Map<number, [number, number, number]>();
    tl.add(daysAgo(6, -30), "conversation: create", async (now) => {
      ({ conversationId } = await kit.run(createConversation, chair, now, {
        councilId,
        meetingId: meeting.id,
        question: QUESTION,
        description: DESCRIPTION,
        opensAt: daysAgo(6).toISOString(),
        closesAt: daysAgo(-8).toISOString(),
        eligibility: "residents",
        premoderation: true,
        seeds: SEEDS.map(([body]) => body),
      }));
      const rows = await db
        .selectFrom("statements")
        .select("id")
        .where("conversationId", "=", conversationId)
        .orderBy("id")
        .execute();
      rows.forEach((r, i) => leanings.set(r.id, SEEDS[i]![1]));
    });

    for (const [k, [login, body, lean, decision, reason]] of WRITTEN.entries()) {
      let statementId = 0;
      tl.add(daysAgo(5 - k, 60), `conversation: ${login} writes`, async (now) => {
        ({ statementId } = await kit.run(submitStatement, login, now, { conversationId, body }));
      });
      if (decision !== "wait") {
        tl.add(
          daysAgo(5 - k, 180),
          `conversation: statement of ${login} moderated`,
          async (now) => {
            await kit.run(moderateStatement, chair, now, {
              statementId,
              decision,
              reason: reason ?? "",
            });
            if (decision === "accept") leanings.set(statementId, lean);
          },
        );
      }
    }

    // Each resident comes back on two or three days and answers what the page shows them next
    // (here: every accepted statement then, in order), mostly along their leaning.
    for (const [i, [login, leaning]] of VOTERS.entries()) {
      const random = stream(1000 + i);
      for (const [visit, day] of [5.5 - (i % 3), 3 - (i % 2), 0.5].entries()) {
        tl.add(
          daysAgo(day, i * 7),
          `conversation: ${login} answers (visit ${visit + 1})`,
          async (now) => {
            const voter = await kit.actorOf(login);
            const answered = new Set(
              (
                await db
                  .selectFrom("statementVotes")
                  .select("statementId")
                  .where("conversationId", "=", conversationId)
                  .where("userId", "=", voter.userId!)
                  .execute()
              ).map((v) => v.statementId),
            );
            for (const [statementId, lean] of leanings) {
              if (answered.has(statementId)) continue;
              // Some leave a statement for later, some pass, a few answer against their leaning.
              const roll = random();
              if (roll < 0.12) continue;
              let v = lean[leaning];
              if (roll > 0.9) v = v === 0 ? 1 : -v;
              else if (roll > 0.82) v = 0;
              await kit.run(voteStatement, voter, now, {
                conversationId,
                statementId,
                vote: choiceOf(v),
              });
            }
          },
        );
      }
    }
    // One change of mind: 张德福 comes round on ordering ahead, once his grandson shows him.
    tl.add(daysAgo(0.2), "conversation: laozhang changes a vote", async (now) => {
      const [, , , , online] = [...leanings.keys()];
      await kit.run(voteStatement, "laozhang", now, {
        conversationId,
        statementId: online!,
        vote: "agree",
      });
    });
    await tl.play();

    // The map, as the recompute would have made it after the last vote.
    await mapChanged(conversationId, db);
    await recomputeMap(conversationId, { db, now: new Date(kit.base) });
    const map = (await storedMap(conversationId, db))?.map;
    if (map?.status === "ok") {
      const consensus = map.consensus.slice(0, 2).map((s) => s.statement);
      const divisive = map.divisive.slice(0, 1).map((s) => s.statement);
      const at = new Date(kit.base - 30 * 60_000);
      if (consensus.length > 0) {
        await kit.run(attachStatements, chair, at, {
          agendaItemId: item.id,
          statementIds: consensus,
          kind: "consensus",
        });
      }
      if (divisive.length > 0 && !consensus.includes(divisive[0]!)) {
        await kit.run(attachStatements, chair, at, {
          agendaItemId: item.id,
          statementIds: divisive,
          kind: "divisive",
        });
      }
    }
  } finally {
    scheduleMaps(true);
  }
}
