/**
 * Demo data: a small Hangzhou-like city with people in every role. Loaded by `npm start` into an
 * empty database, or by `npm run db:seed`. The demo accounts share one password, printed in the
 * README; they are for trying Liuhe out and must never exist on a real deployment (SEED_DEMO=false).
 */
import type { Insertable } from "kysely";
import type { DB } from "./client.server";
import type { AreasTable } from "./schema";
import { AREA_LEVELS, type MembershipStatus } from "../app/domain/community/rules";
import { hashPassword } from "../app/services/accounts/password.server";
import { PRIVACY_NOTICE_VERSION } from "../app/domain/accounts/schemas";
import { seedProjects } from "./seed-projects";
import { seedVoting } from "./seed-voting";
import { seedAssist } from "./seed-assist";

export const DEMO_PASSWORD = "liuhe-demo";

interface AreaSeed {
  code: string;
  zh: string;
  en: string;
  children?: AreaSeed[];
}

const GRIDS = (code: string): AreaSeed[] =>
  [1, 2, 3].map((n) => ({
    code: `${code}-g${n}`,
    zh: `第${"一二三"[n - 1]}网格`,
    en: `Grid ${n}`,
  }));

const community = (code: string, zh: string, en: string): AreaSeed => ({
  code,
  zh,
  en,
  children: GRIDS(code),
});

export const CITY: AreaSeed[] = [
  {
    code: "shangcheng",
    zh: "上城区",
    en: "Shangcheng District",
    children: [
      {
        code: "hubin",
        zh: "湖滨街道",
        en: "Hubin Subdistrict",
        children: [
          community("dongpo", "东坡路社区", "Dongpo Road Community"),
          community("qingnian", "青年路社区", "Qingnian Road Community"),
        ],
      },
      {
        code: "qingbo",
        zh: "清波街道",
        en: "Qingbo Subdistrict",
        children: [
          community("qingbomen", "清波门社区", "Qingbomen Community"),
          community("laodong", "劳动路社区", "Laodong Road Community"),
        ],
      },
    ],
  },
  {
    code: "xihu",
    zh: "西湖区",
    en: "Xihu District",
    children: [
      {
        code: "beishan",
        zh: "北山街道",
        en: "Beishan Subdistrict",
        children: [
          community("baoshishan", "宝石山社区", "Baoshishan Community"),
          community("geling", "葛岭社区", "Geling Community"),
        ],
      },
      {
        code: "xixi",
        zh: "西溪街道",
        en: "Xixi Subdistrict",
        children: [
          community("huayuan", "花园新村社区", "Huayuan Xincun Community"),
          community("wensan", "文三路社区", "Wensan Road Community"),
        ],
      },
    ],
  },
];

/** Committee members, one or two per community; the first of 东坡路 is the demo account. */
const COMMITTEE: Array<[string, string, string]> = [
  ["committee", "李建国", "dongpo"],
  ["committee2", "陈美华", "dongpo"],
  ["c-qingnian", "张卫东", "qingnian"],
  ["c-qingbomen", "周丽娟", "qingbomen"],
  ["c-laodong", "吴国强", "laodong"],
  ["c-baoshishan", "郑晓燕", "baoshishan"],
  ["c-geling", "孙志明", "geling"],
  ["c-huayuan", "刘桂芳", "huayuan"],
  ["c-wensan", "黄德明", "wensan"],
];

/** Residents: [username, display name, community, status]. */
const RESIDENTS: Array<[string, string, string, MembershipStatus]> = [
  ["resident", "王秀英", "dongpo", "verified"],
  ["newcomer", "赵小川", "dongpo", "pending"],
  ["laozhang", "张德福", "dongpo", "verified"],
  ["xiaolin", "林晓", "dongpo", "verified"],
  ["mali", "马丽", "dongpo", "pending"],
  ["hejun", "何军", "qingnian", "verified"],
  ["songmei", "宋梅", "qingnian", "verified"],
  ["tangwei", "唐伟", "qingbomen", "verified"],
  ["fengying", "冯英", "qingbomen", "pending"],
  ["xuhua", "徐华", "laodong", "verified"],
  ["gaoyan", "高燕", "baoshishan", "verified"],
  ["luoping", "罗平", "geling", "verified"],
  ["zhengkai", "郑凯", "huayuan", "verified"],
  ["hanxue", "韩雪", "huayuan", "declined"],
  ["yuanfang", "袁芳", "wensan", "verified"],
];

export async function isDatabaseEmpty(db: DB): Promise<boolean> {
  const row = await db.selectFrom("areas").select("id").limit(1).executeTakeFirst();
  return row === undefined;
}

export async function seedDemoData(db: DB): Promise<void> {
  // One hash for all demo accounts: hashing each would add seconds to every fresh start.
  const passwordHash = await hashPassword(DEMO_PASSWORD);
  const now = Date.now();
  const daysAgo = (d: number) => new Date(now - d * 86_400_000).toISOString();

  await db.transaction().execute(async (trx) => {
    const areaIds = new Map<string, number>();
    const insertArea = async (
      node: AreaSeed,
      depth: number,
      parentId: number | null,
      sort: number,
    ) => {
      const values: Insertable<AreasTable> = {
        parentId,
        level: AREA_LEVELS[depth]!,
        code: node.code,
        nameZh: node.zh,
        nameEn: node.en,
        sort,
      };
      const { id } = await trx
        .insertInto("areas")
        .values(values)
        .returning("id")
        .executeTakeFirstOrThrow();
      areaIds.set(node.code, id);
      for (const [i, child] of (node.children ?? []).entries()) {
        await insertArea(child, depth + 1, id, i);
      }
    };
    for (const [i, district] of CITY.entries()) await insertArea(district, 0, null, i);

    const addUser = async (
      username: string,
      displayName: string,
      createdDaysAgo: number,
      isAdmin = 0,
    ) => {
      const { id } = await trx
        .insertInto("users")
        .values({
          displayName,
          username,
          phone: null,
          passwordHash,
          isAdmin,
          consentVersion: PRIVACY_NOTICE_VERSION,
          consentedAt: daysAgo(createdDaysAgo),
          createdAt: daysAgo(createdDaysAgo),
        })
        .returning("id")
        .executeTakeFirstOrThrow();
      return id;
    };

    const adminId = await addUser("admin", "平台管理员", 120, 1);
    const committeeIds = new Map<string, number>();
    for (const [i, [username, name, code]] of COMMITTEE.entries()) {
      const userId = await addUser(username, name, 100 - i);
      const communityId = areaIds.get(code)!;
      if (!committeeIds.has(code)) committeeIds.set(code, userId);
      await trx
        .insertInto("committeeMembers")
        .values({ userId, communityId, appointedBy: adminId, appointedAt: daysAgo(90 - i) })
        .execute();
      await trx
        .insertInto("auditLog")
        .values({
          at: daysAgo(90 - i),
          actorId: adminId,
          action: "committee.appoint",
          areaId: communityId,
          subjectType: "user",
          subjectId: userId,
          details: JSON.stringify({ displayName: name }),
        })
        .execute();
    }

    const residentsOf = new Map<string, number[]>();
    for (const [i, [username, name, code, status]] of RESIDENTS.entries()) {
      const userId = await addUser(username, name, 60 - i * 2);
      const communityId = areaIds.get(code)!;
      if (status === "verified") residentsOf.set(code, [...(residentsOf.get(code) ?? []), userId]);
      const deciderId = committeeIds.get(code)!;
      const decided = status !== "pending";
      const reason =
        status === "declined" ? "地址与本社区不符 / The address is not in this community" : null;
      const { id } = await trx
        .insertInto("memberships")
        .values({
          userId,
          communityId,
          status,
          requestedAt: daysAgo(30 - i),
          decidedAt: decided ? daysAgo(28 - i) : null,
          decidedBy: decided ? deciderId : null,
          decisionReason: reason,
        })
        .returning("id")
        .executeTakeFirstOrThrow();
      if (decided) {
        await trx
          .insertInto("auditLog")
          .values({
            at: daysAgo(28 - i),
            actorId: deciderId,
            action: "membership.decide",
            areaId: communityId,
            subjectType: "membership",
            subjectId: id,
            details: JSON.stringify({ status, reason, displayName: name }),
          })
          .execute();
      }
    }

    // Guests who hold invited seats: an official, an expert, an organisation, a journalist.
    const guests = {
      official: await addUser("gov-official", "街道城管科 刘科长", 80),
      expert: await addUser("expert-chen", "陈教授（城市规划）", 80),
      organisation: await addUser("org-yiyang", "夕阳红志愿服务队", 80),
      media: await addUser("media-reporter", "杭州日报 记者小周", 80),
    };

    const communityCodes = [...new Set(COMMITTEE.map(([, , c]) => c))];
    for (const [ci, code] of communityCodes.entries()) {
      const communityId = areaIds.get(code)!;
      const chair = committeeIds.get(code)!;
      const residents = residentsOf.get(code) ?? [];
      const area = await trx
        .selectFrom("areas")
        .select(["nameZh"])
        .where("id", "=", communityId)
        .executeTakeFirstOrThrow();
      const { id: councilId } = await trx
        .insertInto("councils")
        .values({
          areaId: communityId,
          name: `${area.nameZh}我们圆桌会`,
          purpose:
            "居民、社区、部门、专家和社会组织围坐一桌，商量小区里的大事小情，定下的事情有人管、有期限、有回音。",
          createdBy: chair,
          createdAt: daysAgo(80),
          updatedAt: daysAgo(80),
        })
        .returning("id")
        .executeTakeFirstOrThrow();
      for (const userId of [chair, ...residents.slice(0, 2)]) {
        await trx
          .insertInto("councilMembers")
          .values({ councilId, userId, addedAt: daysAgo(80) })
          .execute();
      }

      const meeting = async (
        topic: string,
        description: string,
        startDays: number,
        status: "scheduled" | "live" | "closed" | "published",
        agenda: Array<[string, number]>,
      ) => {
        const start = new Date(now - startDays * 86_400_000);
        const { id } = await trx
          .insertInto("meetings")
          .values({
            councilId,
            topic,
            description,
            startsAt: start.toISOString(),
            endsAt: new Date(start.getTime() + 2 * 3_600_000).toISOString(),
            place: `${area.nameZh}党群服务中心二楼议事厅`,
            status,
            isPublic: 1,
            roomOpen: status === "scheduled" || status === "live" ? 1 : 0,
            createdBy: chair,
            createdAt: daysAgo(Math.max(startDays + 7, 1)),
            currentAgendaItemId: null,
            floorUserId: null,
            floorUntil: null,
          })
          .returning("id")
          .executeTakeFirstOrThrow();
        const items: number[] = [];
        for (const [p, [title, minutes]] of agenda.entries()) {
          const row = await trx
            .insertInto("agendaItems")
            .values({ meetingId: id, position: p + 1, title, minutes })
            .returning("id")
            .executeTakeFirstOrThrow();
          items.push(row.id);
        }
        await trx
          .insertInto("seatKinds")
          .values({ meetingId: id, kind: "resident", capacity: 30 })
          .execute();
        for (const kind of ["official", "expert", "organisation", "media"] as const) {
          await trx.insertInto("seatKinds").values({ meetingId: id, kind, capacity: 2 }).execute();
          await trx
            .insertInto("seatInvites")
            .values({
              meetingId: id,
              userId: guests[kind],
              kind,
              invitedBy: chair,
              invitedAt: daysAgo(startDays + 5),
            })
            .execute();
        }
        for (const userId of residents) {
          await trx
            .insertInto("rsvps")
            .values({ meetingId: id, userId, kind: "resident", createdAt: daysAgo(startDays + 2) })
            .execute();
        }
        await trx
          .insertInto("rsvps")
          .values({
            meetingId: id,
            userId: guests.official,
            kind: "official",
            createdAt: daysAgo(startDays + 3),
          })
          .execute();
        return { id, items };
      };

      // A past meeting with published minutes and commitments at every status.
      const past = await meeting(
        "老旧小区加装电梯怎么推进",
        "三幢、五幢居民提出加装电梯。议一议意见征集、费用分摊和施工期间的出行安排。",
        30 + ci,
        "published",
        [
          ["征集各楼层居民意见", 30],
          ["费用分摊方案", 40],
          ["施工期间出行安排", 20],
        ],
      );
      const minutesText: Array<[string, string]> = [
        ["三幢同意率 92%，五幢 78%，低层住户担心采光和噪音。", "三幢先行，五幢继续沟通。"],
        ["按楼层系数分摊，一楼不出资，政府补贴每台 20 万元。", "采用楼层系数方案，报街道备案。"],
        [
          "施工期约 60 天，设临时助行通道，为行动不便的老人安排志愿者。",
          "夕阳红志愿服务队负责结对帮扶。",
        ],
      ];
      for (const [k, itemId] of past.items.entries()) {
        await trx
          .insertInto("minutes")
          .values({
            meetingId: past.id,
            agendaItemId: itemId,
            summary: minutesText[k]![0],
            decisions: minutesText[k]![1],
            updatedBy: chair,
            updatedAt: daysAgo(28 + ci),
          })
          .execute();
      }
      const commitments: Array<
        [
          string,
          "person" | "department" | "organisation",
          string,
          number,
          "open" | "in_progress" | "done" | "dropped",
        ]
      > = [
        [
          "向街道提交三幢加装电梯备案材料",
          "person",
          "社区居委会 " + (COMMITTEE.find(([, , cc]) => cc === code)?.[1] ?? ""),
          -20,
          "done",
        ],
        ["联系设计单位出具五幢采光评估", "department", "街道城管科", -3, "in_progress"],
        ["组织志愿者与行动不便老人结对", "organisation", "夕阳红志愿服务队", 14, "open"],
        ["在小区设临时停车点", "department", "物业公司", 10, "dropped"],
        ["公示费用分摊明细", "person", "社区居委会", -5, "open"],
      ];
      for (const [what, ownerKind, ownerName, dueIn, status] of commitments) {
        const due = new Date(now + dueIn * 86_400_000);
        const { id: cid } = await trx
          .insertInto("commitments")
          .values({
            meetingId: past.id,
            agendaItemId: past.items[1] ?? null,
            what,
            ownerKind,
            ownerName,
            dueDate: new Intl.DateTimeFormat("en-CA", { timeZone: "Asia/Shanghai" }).format(due),
            status,
            createdBy: chair,
            createdAt: daysAgo(28 + ci),
          })
          .returning("id")
          .executeTakeFirstOrThrow();
        if (status !== "open") {
          await trx
            .insertInto("commitmentUpdates")
            .values({
              commitmentId: cid,
              status,
              note:
                status === "done"
                  ? "材料已提交，街道已受理。"
                  : status === "dropped"
                    ? "小区内无合适场地，改为与周边商场协商。"
                    : "设计单位已现场勘察。",
              createdBy: chair,
              createdAt: daysAgo(10),
            })
            .execute();
        }
      }

      // A live meeting with messages and hands raised.
      const live = await meeting(
        "小区停车难，夜间停车怎么排",
        "晚上车位不够，消防通道被占。议一议错峰停车、共享车位和收费标准。",
        0,
        "live",
        [
          ["现状与居民反映", 20],
          ["错峰共享车位方案", 40],
          ["收费与管理", 30],
        ],
      );
      await trx
        .updateTable("meetings")
        .set({ currentAgendaItemId: live.items[1]! })
        .where("id", "=", live.id)
        .execute();
      const speakers = [chair, ...residents, guests.official];
      const lines = [
        "各位好，今天主要商量夜间停车的问题，请大家有序发言。",
        "我家楼下消防通道天天被占，救护车都进不来，太危险了。",
        "附近写字楼晚上车位空着，能不能谈一个错峰共享？",
        "共享可以，收费要公开透明，老人开车少的不能多收。",
        "街道这边可以牵头和写字楼物业沟通，下周给答复。",
        "建议先试点三个月，效果好再推广。",
      ];
      for (const [k, body] of lines.entries()) {
        await trx
          .insertInto("roomMessages")
          .values({
            meetingId: live.id,
            userId: speakers[k % speakers.length]!,
            body,
            agendaItemId: k < 2 ? live.items[0]! : live.items[1]!,
            createdAt: new Date(now - (lines.length - k) * 120_000).toISOString(),
            hiddenAt: null,
            hiddenBy: null,
            hiddenReason: null,
            pinnedAt: k === 0 ? new Date(now - 600_000).toISOString() : null,
          })
          .execute();
      }
      for (const [k, userId] of residents.slice(0, 2).entries()) {
        await trx
          .insertInto("speakerQueue")
          .values({
            meetingId: live.id,
            userId,
            raisedAt: new Date(now - (5 - k) * 60_000).toISOString(),
          })
          .execute();
      }

      // Upcoming meetings with RSVPs.
      await meeting(
        "垃圾分类督导志愿者招募",
        "每天早晚高峰需要督导志愿者。议一议排班、培训和积分奖励。",
        -(7 + ci),
        "scheduled",
        [
          ["排班需求", 20],
          ["培训安排", 20],
          ["积分兑换", 20],
        ],
      );
      await meeting(
        "社区食堂试运营意见征集",
        "社区食堂试运营一个月，请大家说说菜价、口味和老年人送餐。",
        -(14 + ci),
        "scheduled",
        [
          ["试运营情况通报", 15],
          ["居民意见", 45],
        ],
      );
    }
  });
  await seedProjects(db);
  await seedVoting(db);
  await seedAssist(db);
}
