/**
 * Demo data: a small Hangzhou-like city with people in every role. Loaded by `npm start` into an
 * empty database, or by `npm run db:seed`. The demo accounts share one password, printed in the
 * README; they are for trying Liuhe out and must never exist on a real deployment (SEED_DEMO=false).
 */
import type { Insertable } from "kysely";
import type { DB } from "./client.server";
import type { AreaLevel, AreasTable, MembershipStatus } from "./schema";
import { hashPassword } from "../app/services/password.server";
import { PRIVACY_NOTICE_VERSION } from "../app/domain/accounts/schemas";

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

const LEVELS: AreaLevel[] = ["district", "street", "community", "grid"];

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
        level: LEVELS[depth]!,
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

    for (const [i, [username, name, code, status]] of RESIDENTS.entries()) {
      const userId = await addUser(username, name, 60 - i * 2);
      const communityId = areaIds.get(code)!;
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
  });
}
