/**
 * Demo data: a small Hangzhou-like city with people in every role. Loaded by `npm start` into an
 * empty database, or by `npm run db:seed`. The demo accounts share one password, printed in the
 * README; they are for trying Liuhe out and must never exist on a real deployment (SEED_DEMO=false).
 */
import type { Insertable } from "kysely";
import type { DB } from "./client.server";
import type { AreasTable } from "./schema";
import { indexMonthly } from "../app/services/index/monthly.server";
import { AREA_LEVELS, type MembershipStatus } from "../app/domain/community/rules";
import { type INVITED_SEAT_KINDS } from "../app/domain/meetings/rules";
import { ANONYMOUS } from "../app/domain/permissions/policy";
import { register } from "../app/services/accounts/commands.server";
import {
  appointCommitteeMember,
  decideMembership,
  requestMembership,
} from "../app/services/communities/commands.server";
import {
  createMeeting,
  inviteToSeat,
  moveMeeting,
  rsvp,
} from "../app/services/meetings/commands.server";
import { addCouncilMember, createCouncil } from "../app/services/meetings/councils.server";
import {
  addCommitment,
  updateCommitment,
  writeMinutes,
} from "../app/services/meetings/minutes.server";
import { postMessage, raiseHand } from "../app/services/room/commands.server";
import { pinMessage, setAgendaItem } from "../app/services/room/moderation.server";
import { DAY, DEMO_PASSWORD, HOUR, MINUTE, preparedAhead, seedKit, Timeline } from "./seed-kit";
import { seedLaterProjects, seedProjects } from "./seed-projects";
import { seedVoting } from "./seed-voting";
import { seedAssist } from "./seed-assist";
import { seedNeeds } from "./seed-needs";
import { seedHistory } from "./seed-history";
import { seedConversations } from "./seed-conversations";
import { forgetPlaces } from "../app/services/communities/places.server";

export { DEMO_PASSWORD };

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

/** Invited seat holders (an official, an expert, an organisation, a journalist), by seat kind. */
const GUESTS: Array<[(typeof INVITED_SEAT_KINDS)[number], string, string]> = [
  ["official", "gov-official", "街道城管科 刘科长"],
  ["expert", "expert-chen", "陈教授（城市规划）"],
  ["organisation", "org-yiyang", "夕阳红志愿服务队"],
  ["media", "media-reporter", "杭州日报 记者小周"],
];

const username = (value: string) => ({ kind: "username" as const, value });

/**
 * How many days before the demo's own dates its people signed up and its councils were set up:
 * the year of history (seed-history.ts) needs them there a year ago. Admin, committee and guests
 * moved back with them, in the same order, so every id stays the same.
 */
const YEAR_BACK = 330;

export async function seedDemoData(db: DB): Promise<void> {
  const kit = seedKit(db);
  const { base: now, daysAgo } = kit;
  const tl = new Timeline();

  // The area tree is reference data: no command creates or edits areas (the city's districts,
  // streets, communities and grids are fixed), so it is written as rows.
  const areaIds = new Map<string, number>();
  const areaNames = new Map<string, string>();
  await db.transaction().execute(async (trx) => {
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
      areaNames.set(node.code, node.zh);
      for (const [i, child] of (node.children ?? []).entries()) {
        await insertArea(child, depth + 1, id, i);
      }
    };
    for (const [i, district] of CITY.entries()) await insertArea(district, 0, null, i);
  });
  forgetPlaces(db);

  // Everyone signs up at /join with the demo password. Each registration hashes it anew, as
  // registering does (all at once, ahead of the timeline: see `preparedAhead`); the session it
  // opens has long expired by now (all are over 30 days old).
  const join = (login: string, displayName: string, at: Date) => {
    const input = {
      displayName,
      login: username(login),
      password: DEMO_PASSWORD,
      consent: "yes" as const,
      userAgent: null,
      clientIp: null,
    };
    const cmd = preparedAhead(register, input, ANONYMOUS);
    tl.add(at, `${login} signs up`, (now) => kit.run(cmd, ANONYMOUS, now, input));
  };

  join("admin", "平台管理员", daysAgo(YEAR_BACK + 100));
  tl.add(daysAgo(YEAR_BACK + 100, 1), "admin becomes the first platform admin", () =>
    // The first platform admin: no command makes someone an admin (only an admin could run one,
    // and there is none yet), so the flag is set as a row.
    db.updateTable("users").set({ isAdmin: 1 }).where("username", "=", "admin").execute(),
  );

  /** The community's chair: its first committee member, who runs its council and meetings. */
  const chairOf = new Map<string, string>();
  for (const [i, [login, name, code]] of COMMITTEE.entries()) {
    if (!chairOf.has(code)) chairOf.set(code, login);
    join(login, name, daysAgo(YEAR_BACK + 90 - i));
    tl.add(daysAgo(YEAR_BACK + 80 - i), `${login} appointed to the committee of ${code}`, (now) =>
      kit.run(appointCommitteeMember, "admin", now, {
        login: username(login),
        communityId: areaIds.get(code)!,
      }),
    );
  }

  for (const [, login, name] of GUESTS) join(login, name, daysAgo(YEAR_BACK + 75));

  // Verified residents have lived here a while: the councils have met monthly for the past year
  // (seed-history.ts), so they register YEAR_BACK + 60 − i days ago and are verified two days on.
  // The others signed up as long ago (YEAR_BACK + 60 − 2i days; the order of everyone's sign-up,
  // and so every user's id, is the demo's as before) but asked only lately: 30 − i days ago,
  // declined 28 − i.
  const residentsOf = new Map<string, string[]>();
  for (const [i, [login, name, code, status]] of RESIDENTS.entries()) {
    const verified = status === "verified";
    if (verified) residentsOf.set(code, [...(residentsOf.get(code) ?? []), login]);
    const joined = YEAR_BACK + (verified ? 60 - i : 60 - i * 2);
    const asked = verified ? daysAgo(joined, 10) : daysAgo(30 - i);
    const decided = verified ? daysAgo(joined - 2) : daysAgo(28 - i);
    join(login, name, daysAgo(joined));
    let membershipId = 0;
    tl.add(asked, `${login} asks to join ${code}`, async (now) => {
      membershipId = await kit.run(requestMembership, login, now, {
        communityId: areaIds.get(code)!,
      });
    });
    if (status !== "pending") {
      tl.add(decided, `${login} ${verified ? "verified" : "declined"}`, (now) =>
        kit.run(decideMembership, chairOf.get(code)!, now, {
          membershipId,
          decision: verified ? "verify" : "decline",
          reason: verified ? "" : "地址与本社区不符 / The address is not in this community",
        }),
      );
    }
  }

  const communityCodes = [...chairOf.keys()];
  for (const [ci, code] of communityCodes.entries()) {
    const communityId = areaIds.get(code)!;
    const chair = chairOf.get(code)!;
    const residents = residentsOf.get(code) ?? [];
    const areaName = areaNames.get(code)!;
    let councilId = 0;
    tl.add(daysAgo(YEAR_BACK + 70), `council of ${code}: create`, async (now) => {
      councilId = await kit.run(createCouncil, chair, now, {
        areaId: communityId,
        name: `${areaName}我们圆桌会`,
        purpose:
          "居民、社区、部门、专家和社会组织围坐一桌，商量小区里的大事小情，定下的事情有人管、有期限、有回音。",
      });
      await kit.run(addCouncilMember, chair, now, { councilId, login: username(chair) });
    });
    // Two residents join the council once the committee has verified them.
    for (const login of residents.slice(0, 2)) {
      const i = RESIDENTS.findIndex(([l]) => l === login);
      tl.add(daysAgo(60 - i - 2, 60), `council of ${code}: ${login} joins`, (now) =>
        kit.run(addCouncilMember, chair, now, { councilId, login: username(login) }),
      );
    }

    /**
     * A meeting the chair schedules a week before it starts, with invitations to every guest seat
     * two days later, the official's RSVP two days after that, and the residents' the next day.
     * Upcoming meetings were scheduled two weeks ago instead: every step must lie in the past, and
     * the service window signed 陈桂芳 up for one 13 days ago (seed-assist.ts).
     */
    const meeting = (
      topic: string,
      description: string,
      startDays: number,
      agenda: Array<[string, number]>,
    ) => {
      const what = `${areaName} ${topic}`;
      const ref = { id: 0, items: [] as number[], what };
      const start = new Date(now - startDays * DAY);
      const created = startDays >= 0 ? startDays + 7 : 14;
      tl.add(daysAgo(created), `${what}: create`, async (at) => {
        ref.id = await kit.run(createMeeting, chair, at, {
          councilId,
          topic,
          description,
          startsAt: start.toISOString(),
          endsAt: new Date(start.getTime() + 2 * HOUR).toISOString(),
          place: `${areaName}党群服务中心二楼议事厅`,
          isPublic: true,
          agenda: agenda.map(([title, minutes]) => ({ title, minutes })),
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
      for (const [kind, login] of GUESTS) {
        tl.add(daysAgo(created - 2), `${what}: ${login} invited`, (at) =>
          kit.run(inviteToSeat, chair, at, { meetingId: ref.id, login: username(login), kind }),
        );
      }
      tl.add(daysAgo(created - 4), `${what}: gov-official RSVPs`, (at) =>
        kit.run(rsvp, "gov-official", at, { meetingId: ref.id }),
      );
      for (const login of residents) {
        tl.add(daysAgo(created - 5), `${what}: ${login} RSVPs`, (at) =>
          kit.run(rsvp, login, at, { meetingId: ref.id }),
        );
      }
      return ref;
    };
    const move = (
      ref: { id: number; what: string },
      to: "live" | "closed" | "published",
      at: Date,
    ) =>
      tl.add(at, `${ref.what}: ${to}`, (when) =>
        kit.run(moveMeeting, chair, when, { meetingId: ref.id, to }),
      );

    // A past meeting with published minutes and commitments at every status.
    const pastDays = 30 + ci;
    const past = meeting(
      "老旧小区加装电梯怎么推进",
      "三幢、五幢居民提出加装电梯。议一议意见征集、费用分摊和施工期间的出行安排。",
      pastDays,
      [
        ["征集各楼层居民意见", 30],
        ["费用分摊方案", 40],
        ["施工期间出行安排", 20],
      ],
    );
    move(past, "live", daysAgo(pastDays));
    move(past, "closed", daysAgo(pastDays, 120));
    const minutesText: Array<[string, string]> = [
      ["三幢同意率 92%，五幢 78%，低层住户担心采光和噪音。", "三幢先行，五幢继续沟通。"],
      ["按楼层系数分摊，一楼不出资，政府补贴每台 20 万元。", "采用楼层系数方案，报街道备案。"],
      [
        "施工期约 60 天，设临时助行通道，为行动不便的老人安排志愿者。",
        "夕阳红志愿服务队负责结对帮扶。",
      ],
    ];
    const written = daysAgo(pastDays - 2);
    for (const [k, [summary, decisions]] of minutesText.entries()) {
      tl.add(written, `${past.what}: minutes of item ${k + 1}`, (now) =>
        kit.run(writeMinutes, chair, now, {
          meetingId: past.id,
          agendaItemId: past.items[k]!,
          summary,
          decisions,
        }),
      );
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
      const due = new Date(now + dueIn * DAY);
      let commitmentId = 0;
      tl.add(written, `${past.what}: commitment ${what}`, async (at) => {
        commitmentId = await kit.run(addCommitment, chair, at, {
          meetingId: past.id,
          agendaItemId: past.items[1] ?? null,
          ownerLogin: null,
          what,
          ownerKind,
          ownerName,
          dueDate: new Intl.DateTimeFormat("en-CA", { timeZone: "Asia/Shanghai" }).format(due),
        });
      });
      if (status !== "open") {
        tl.add(daysAgo(10), `${past.what}: commitment ${what} ${status}`, (at) =>
          kit.run(updateCommitment, chair, at, {
            commitmentId,
            status,
            note:
              status === "done"
                ? "材料已提交，街道已受理。"
                : status === "dropped"
                  ? "小区内无合适场地，改为与周边商场协商。"
                  : "设计单位已现场勘察。",
          }),
        );
      }
    }
    move(past, "published", daysAgo(pastDays - 2, 30));

    // A live meeting: the room opened a quarter of an hour ago, messages on the first two agenda
    // items, the chair's opening words pinned, hands raised.
    const live = meeting(
      "小区停车难，夜间停车怎么排",
      "晚上车位不够，消防通道被占。议一议错峰停车、共享车位和收费标准。",
      0,
      [
        ["现状与居民反映", 20],
        ["错峰共享车位方案", 40],
        ["收费与管理", 30],
      ],
    );
    const minutesAgo = (m: number) => new Date(now - m * MINUTE);
    move(live, "live", minutesAgo(14));
    const speakers = [chair, ...residents, "gov-official"];
    const lines = [
      "各位好，今天主要商量夜间停车的问题，请大家有序发言。",
      "我家楼下消防通道天天被占，救护车都进不来，太危险了。",
      "附近写字楼晚上车位空着，能不能谈一个错峰共享？",
      "共享可以，收费要公开透明，老人开车少的不能多收。",
      "街道这边可以牵头和写字楼物业沟通，下周给答复。",
      "建议先试点三个月，效果好再推广。",
    ];
    let opening = 0;
    for (const [k, body] of lines.entries()) {
      const speaker = speakers[k % speakers.length]!;
      tl.add(minutesAgo((lines.length - k) * 2), `${live.what}: ${speaker} speaks`, async (at) => {
        const m = await kit.run(postMessage, speaker, at, { meetingId: live.id, body });
        if (k === 0) opening = m.id;
      });
    }
    tl.add(minutesAgo(10), `${live.what}: opening words pinned`, (at) =>
      kit.run(pinMessage, chair, at, { meetingId: live.id, messageId: opening }),
    );
    tl.add(minutesAgo(9), `${live.what}: second agenda item`, (at) =>
      kit.run(setAgendaItem, chair, at, { meetingId: live.id, agendaItemId: live.items[1]! }),
    );
    for (const [k, login] of residents.slice(0, 2).entries()) {
      tl.add(minutesAgo(5 - k), `${live.what}: ${login} raises a hand`, (at) =>
        kit.run(raiseHand, login, at, { meetingId: live.id }),
      );
    }

    // Upcoming meetings with RSVPs.
    meeting(
      "垃圾分类督导志愿者招募",
      "每天早晚高峰需要督导志愿者。议一议排班、培训和积分奖励。",
      -(7 + ci),
      [
        ["排班需求", 20],
        ["培训安排", 20],
        ["积分兑换", 20],
      ],
    );
    meeting(
      "社区食堂试运营意见征集",
      "社区食堂试运营一个月，请大家说说菜价、口味和老年人送餐。",
      -(14 + ci),
      [
        ["试运营情况通报", 15],
        ["居民意见", 45],
      ],
    );
  }
  await tl.play();
  await seedProjects(db);
  await seedVoting(db);
  await seedAssist(db);
  // Last, so that the ids of everything above stay as they were before these were added.
  await seedLaterProjects(db);
  await seedNeeds(db);
  await seedHistory(db, now);
  // 六和指数: the monthly job, run as it would have run on the 2nd of each of the last 12 months,
  // computes each month that is over once (on the demo's data of that month).
  const today = new Date(now);
  for (let back = 11; back >= 0; back--) {
    await indexMonthly(
      db,
      new Date(Date.UTC(today.getUTCFullYear(), today.getUTCMonth() - back, 2)),
    );
  }
  // 意见征集: last of all, so that no id above moves (db/seed-conversations.ts).
  await seedConversations(db, kit);
}
