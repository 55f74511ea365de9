/**
 * A year of the demo's history, so the 六和指数's trends and rankings mean something on first
 * start (issue 17, item 6): every community's council met once a month over the past year,
 * its residents signed up for the meetings and spoke in the rooms, an invited official came to
 * some, and the commitments made were kept on time, kept late or dropped.
 *
 * Played through the commands with a moving fixed clock, like the rest of the demo, and loaded
 * after everything else (before the index's monthly job), so the ids of the demo's own meetings,
 * projects and polls stay as they were. The people are the demo's own: `seedDemoData` registers
 * them and verifies its residents a year ago for this. Who took part varies from month to month
 * and community to community, by a fixed rule (`pick`), so the demo is the same every time and
 * the communities differ.
 */
import type { DB } from "./client.server";
import {
  createMeeting,
  inviteToSeat,
  moveMeeting,
  rsvp,
} from "../app/services/meetings/commands.server";
import {
  addCommitment,
  updateCommitment,
  writeMinutes,
} from "../app/services/meetings/minutes.server";
import { postMessage } from "../app/services/room/commands.server";
import { DAY, HOUR, seedKit, Timeline } from "./seed-kit";

const username = (value: string) => ({ kind: "username" as const, value });

/** The monthly meetings: how many months back the first and the last one took place. */
const FIRST_MONTHS_BACK = 12;
const LAST_MONTHS_BACK = 1;

/** What the councils met about, month by month (topic, description, agenda, a commitment). */
const TOPICS: Array<{
  topic: string;
  description: string;
  agenda: Array<[string, number]>;
  commitments: Array<
    [what: string, ownerKind: "person" | "department" | "organisation", owner: string]
  >;
}> = [
  {
    topic: "楼道堆物清理",
    description: "楼道里堆放杂物，影响消防安全。议一议清理时间和长期管理办法。",
    agenda: [
      ["现状通报", 15],
      ["清理安排", 30],
    ],
    commitments: [
      ["组织楼道堆物集中清理日", "person", "社区居委会"],
      ["在各楼道张贴消防提示", "department", "物业公司"],
    ],
  },
  {
    topic: "小区绿化补种",
    description: "去年冬天冻死了一批绿植，议一议补种品种和居民认养。",
    agenda: [
      ["补种方案", 30],
      ["居民认养绿地", 20],
    ],
    commitments: [
      ["提交绿化补种清单", "department", "街道城管科"],
      ["发布认养报名通知", "person", "社区居委会"],
    ],
  },
  {
    topic: "老年助餐点服务时间",
    description: "助餐点中午排队长，议一议延长供餐时间和送餐上门。",
    agenda: [
      ["就餐情况", 20],
      ["送餐上门安排", 30],
    ],
    commitments: [
      ["与助餐点协商延长供餐半小时", "organisation", "夕阳红志愿服务队"],
      ["统计需要送餐的高龄老人", "person", "社区居委会"],
    ],
  },
  {
    topic: "电动自行车充电难",
    description: "楼道飞线充电屡禁不止，议一议集中充电棚的选址和收费。",
    agenda: [
      ["安全隐患通报", 15],
      ["充电棚选址", 40],
    ],
    commitments: [
      ["出具充电棚选址方案", "department", "街道城管科"],
      ["开展飞线充电入户宣传", "person", "社区居委会"],
    ],
  },
  {
    topic: "暑期青少年活动安排",
    description: "暑假孩子们没处去，议一议开放活动室和志愿者陪伴。",
    agenda: [
      ["活动需求", 20],
      ["志愿者排班", 30],
    ],
    commitments: [
      ["开放社区活动室并公布时间", "person", "社区居委会"],
      ["招募大学生志愿者", "organisation", "夕阳红志愿服务队"],
    ],
  },
  {
    topic: "小区路灯维修",
    description: "几处路灯坏了很久，夜里出行不安全。议一议报修和巡查。",
    agenda: [
      ["损坏情况", 15],
      ["报修与巡查", 30],
    ],
    commitments: [
      ["报修损坏路灯", "department", "物业公司"],
      ["建立夜间巡查登记", "person", "社区居委会"],
    ],
  },
  {
    topic: "宠物文明饲养公约",
    description: "遛狗不牵绳、粪便不清理引起邻里矛盾。议一议宠物公约。",
    agenda: [
      ["居民反映", 20],
      ["公约条款", 40],
    ],
    commitments: [
      ["起草宠物文明饲养公约", "person", "社区居委会"],
      ["设置宠物粪便收集点", "department", "物业公司"],
    ],
  },
  {
    topic: "防汛防台准备",
    description: "汛期将至，议一议地下车库挡水板、应急物资和独居老人联络。",
    agenda: [
      ["隐患排查", 20],
      ["应急联络", 30],
    ],
    commitments: [
      ["检查地下车库挡水设施", "department", "物业公司"],
      ["建立独居老人应急联络表", "organisation", "夕阳红志愿服务队"],
    ],
  },
  {
    topic: "小区公共收益公开",
    description: "电梯广告和停车费收益怎么用，议一议公开方式和使用方向。",
    agenda: [
      ["收益情况", 20],
      ["使用方向", 40],
    ],
    commitments: [
      ["公示上半年公共收益明细", "department", "物业公司"],
      ["征集收益使用建议", "person", "社区居委会"],
    ],
  },
];

const SAYINGS = [
  "这个事情拖了很久了，希望这次能定下来。",
  "我同意先试行，效果好再长期做。",
  "费用要公开，大家心里才踏实。",
  "能不能请物业也来说明一下？",
  "老年人的需求要多考虑一些。",
  "我愿意当志愿者，周末有空。",
];

/**
 * A fixed, uneven choice: whether the n-th candidate takes part in month `m` of community `c`.
 * Communities differ in how keen they are (`c`), and each month is a little different.
 */
const pick = (c: number, m: number, n: number) => (c * 7 + m * 3 + n * 5) % 10 < 4 + (c % 4);

/**
 * How a commitment ended: kept by its due date, kept late, dropped, or (for the last months) still
 * open. Varies with the community, so the communities' 承诺兑现 figures differ.
 */
function fate(c: number, m: number, k: number): "onTime" | "late" | "dropped" | "open" {
  if (m <= 2 && k === 1) return "open";
  const r = (c * 3 + m * 5 + k * 7) % 10;
  if (r < 5 + (c % 3)) return "onTime";
  if (r < 9) return "late";
  return "dropped";
}

const chinaDate = (d: Date) =>
  new Intl.DateTimeFormat("en-CA", { timeZone: "Asia/Shanghai" }).format(d);

export async function seedHistory(db: DB, base = Date.now()): Promise<void> {
  const kit = seedKit(db, base);
  const tl = new Timeline();

  const councils = await db
    .selectFrom("councils")
    .innerJoin("areas", "areas.id", "councils.areaId")
    .select(["councils.id", "councils.areaId", "areas.nameZh"])
    .where("areas.level", "=", "community")
    .orderBy("councils.id")
    .execute();
  const seenCommunity = new Set<number>();
  let c = 0;
  for (const council of councils) {
    if (seenCommunity.has(council.areaId)) continue;
    seenCommunity.add(council.areaId);
    const chair = await db
      .selectFrom("committeeMembers")
      .innerJoin("users", "users.id", "committeeMembers.userId")
      .select("users.username")
      .where("committeeMembers.communityId", "=", council.areaId)
      .orderBy("committeeMembers.userId")
      .executeTakeFirst();
    if (!chair?.username) continue;
    const residents = await db
      .selectFrom("memberships")
      .innerJoin("users", "users.id", "memberships.userId")
      .select(["users.username", "memberships.decidedAt"])
      .where("memberships.communityId", "=", council.areaId)
      .where("memberships.status", "=", "verified")
      .orderBy("memberships.id")
      .execute();
    const ci = c++;
    for (let m = FIRST_MONTHS_BACK; m >= LAST_MONTHS_BACK; m--) {
      const plan = TOPICS[(m + ci) % TOPICS.length]!;
      // On the 8th to the 15th of the month (a different day for each community), at 19:00 China
      // time; scheduled a week ahead. Calendar months, so that every month of the index has one.
      const today = new Date(base);
      const start = new Date(Date.UTC(today.getUTCFullYear(), today.getUTCMonth() - m, 8 + ci, 11));
      const startDays = (base - start.getTime()) / DAY;
      const what = `${council.nameZh} ${plan.topic} (${m} months back)`;
      const ref = { id: 0, items: [] as number[] };
      tl.add(kit.daysAgo(startDays + 7), `${what}: create`, async (at) => {
        ref.id = await kit.run(createMeeting, chair.username!, at, {
          councilId: council.id,
          topic: plan.topic,
          description: plan.description,
          startsAt: start.toISOString(),
          endsAt: new Date(start.getTime() + 2 * HOUR).toISOString(),
          place: `${council.nameZh}党群服务中心二楼议事厅`,
          isPublic: true,
          agenda: plan.agenda.map(([title, minutes]) => ({ title, minutes })),
          seats: { resident: 30, official: 2, expert: 2, organisation: 2, media: 2 },
        });
        const items = await db
          .selectFrom("agendaItems")
          .select("id")
          .where("meetingId", "=", ref.id)
          .orderBy("position")
          .execute();
        ref.items = items.map((r) => r.id);
      });
      // The street's official comes to every other meeting (a seat of another kind).
      if ((m + ci) % 2 === 0) {
        tl.add(kit.daysAgo(startDays + 6), `${what}: official invited`, (at) =>
          kit.run(inviteToSeat, chair.username!, at, {
            meetingId: ref.id,
            login: username("gov-official"),
            kind: "official",
          }),
        );
        tl.add(kit.daysAgo(startDays + 5), `${what}: official RSVPs`, (at) =>
          kit.run(rsvp, "gov-official", at, { meetingId: ref.id }),
        );
      }
      const signUpAt = kit.daysAgo(startDays + 3);
      const coming = residents.filter(
        (r, n) =>
          r.username !== null &&
          r.decidedAt !== null &&
          r.decidedAt < signUpAt.toISOString() &&
          pick(ci, m, n),
      );
      for (const r of coming) {
        tl.add(signUpAt, `${what}: ${r.username} RSVPs`, (at) =>
          kit.run(rsvp, r.username!, at, { meetingId: ref.id }),
        );
      }
      tl.add(start, `${what}: live`, (at) =>
        kit.run(moveMeeting, chair.username!, at, { meetingId: ref.id, to: "live" }),
      );
      for (const [k, r] of coming.slice(0, 3).entries()) {
        tl.add(kit.daysAgo(startDays, 20 + k * 7), `${what}: ${r.username} speaks`, (at) =>
          kit.run(postMessage, r.username!, at, {
            meetingId: ref.id,
            body: SAYINGS[(m + ci + k) % SAYINGS.length]!,
          }),
        );
      }
      tl.add(kit.daysAgo(startDays, 110), `${what}: closed`, (at) =>
        kit.run(moveMeeting, chair.username!, at, { meetingId: ref.id, to: "closed" }),
      );
      const written = kit.daysAgo(startDays - 2);
      for (const [k, [title]] of plan.agenda.entries()) {
        tl.add(written, `${what}: minutes of item ${k + 1}`, (at) =>
          kit.run(writeMinutes, chair.username!, at, {
            meetingId: ref.id,
            agendaItemId: ref.items[k]!,
            summary: `${title}：与会居民充分发表了意见。`,
            decisions: "按会议商定的方案推进，结果向居民公示。",
          }),
        );
      }
      for (const [k, [text, ownerKind, owner]] of plan.commitments.entries()) {
        const end = fate(ci, m, k);
        // Due two or three weeks after the meeting; one still open is not yet due (the demo's
        // own past meeting has the overdue one).
        const dueDays = end === "open" ? -(7 + 7 * k) : startDays - 14 - 7 * k;
        let commitmentId = 0;
        tl.add(written, `${what}: commitment ${text}`, async (at) => {
          commitmentId = await kit.run(addCommitment, chair.username!, at, {
            meetingId: ref.id,
            agendaItemId: ref.items[k] ?? null,
            ownerLogin: null,
            what: text,
            ownerKind,
            ownerName: owner,
            dueDate: chinaDate(kit.daysAgo(dueDays)),
          });
        });
        if (end === "open") continue;
        // Kept a few days before the due date, or a week and a half after it; dropped midway.
        const doneDays =
          end === "onTime" ? dueDays + 3 : end === "late" ? dueDays - 10 : dueDays + 6;
        tl.add(kit.daysAgo(Math.max(doneDays, 1)), `${what}: commitment ${text} ${end}`, (at) =>
          kit.run(updateCommitment, chair.username!, at, {
            commitmentId,
            status: end === "dropped" ? "dropped" : "done",
            note:
              end === "dropped"
                ? "条件不具备，经议事会同意不再推进。"
                : end === "late"
                  ? "比约定时间晚完成，已向居民说明原因。"
                  : "已按时完成，结果已公示。",
          }),
        );
      }
      tl.add(kit.daysAgo(startDays - 2, 30), `${what}: published`, (at) =>
        kit.run(moveMeeting, chair.username!, at, { meetingId: ref.id, to: "published" }),
      );
    }
  }
  await tl.play();
}
