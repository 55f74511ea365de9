/**
 * Demo data for 民情 (needs), loaded after everything else by `seedDemoData` so no earlier id moves.
 *
 * Every street gets its command room (one staff member) and its handling units: the four platforms
 * and one department, with members; every community a 网格员 for its three grids. Then needs at
 * every step of the loop, reported over the past weeks by the demo residents and moved on by the
 * people whose step it was, at the moments the demo says: some closed and answered, one sent back
 * as not satisfied (re-handled), one merged, one turned away, a private neighbour dispute, and
 * some left waiting past their deadlines, so the boards show red and the command room's desk has
 * work on first start.
 *
 * Demo logins (password `liuhe-demo`): `gridworker` (东坡路社区's grids), `dispatcher` (湖滨街道's
 * command room), `unit-service` (湖滨街道's 便民服务平台 and 综治工作平台), `unit-enforce` (its 综合
 * 执法平台 and 市场监管平台).
 */
import type { DB } from "./client.server";
import { ANONYMOUS } from "../app/domain/permissions/policy";
import type { NeedCategory } from "../app/domain/needs/categories";
import { PLATFORMS, type Platform } from "../app/domain/needs/rules";
import { register } from "../app/services/accounts/commands.server";
import { meToo, reportNeed, takeNeedStep } from "../app/services/needs/commands.server";
import { intakeNeed, issueIntakeKey } from "../app/services/needs/intake.server";
import {
  addUnitMember,
  appointCommandRoom,
  appointGridWorker,
  createUnit,
} from "../app/services/needs/staff.server";
import { DEMO_PASSWORD, made, preparedAhead, seedKit, Timeline } from "./seed-kit";

const username = (value: string) => ({ kind: "username" as const, value });

/** Per street: its command room's staff, its units' members, and its department. */
const STREETS: Array<{
  code: string;
  room: [string, string];
  service: [string, string];
  enforce: [string, string];
  department: string;
}> = [
  {
    code: "hubin",
    room: ["dispatcher", "钱志强"],
    service: ["unit-service", "许文静"],
    enforce: ["unit-enforce", "蒋立新"],
    department: "湖滨街道城建办",
  },
  {
    code: "qingbo",
    room: ["room-qingbo", "邹海波"],
    service: ["svc-qingbo", "韩雪"],
    enforce: ["enf-qingbo", "杨帆"],
    department: "清波街道城建办",
  },
  {
    code: "beishan",
    room: ["room-beishan", "朱丽"],
    service: ["svc-beishan", "秦刚"],
    enforce: ["enf-beishan", "尤佳"],
    department: "北山街道城建办",
  },
  {
    code: "xixi",
    room: ["room-xixi", "许强"],
    service: ["svc-xixi", "何静"],
    enforce: ["enf-xixi", "吕斌"],
    department: "西溪街道城建办",
  },
];

/** Each community's 网格员 and the committee member who appoints them. */
const GRID_WORKERS: Array<[community: string, login: string, name: string, chair: string]> = [
  ["dongpo", "gridworker", "曹红梅", "committee"],
  ["qingnian", "gw-qingnian", "严俊", "c-qingnian"],
  ["qingbomen", "gw-qingbomen", "华敏", "c-qingbomen"],
  ["laodong", "gw-laodong", "金涛", "c-laodong"],
  ["baoshishan", "gw-baoshishan", "魏兰", "c-baoshishan"],
  ["geling", "gw-geling", "陶然", "c-geling"],
  ["huayuan", "gw-huayuan", "姜勇", "c-huayuan"],
  ["wensan", "gw-wensan", "戚芳", "c-wensan"],
];

/** A platform unit's name as stored (pages show the translated label; the Open311 API this). */
const PLATFORM_NAMES: Record<Platform, string> = {
  governance: "综治工作平台",
  market: "市场监管平台",
  enforcement: "综合执法平台",
  service: "便民服务平台",
};

/** Which unit member serves which platform. */
const SERVES: Record<Platform, "service" | "enforce"> = {
  governance: "service",
  market: "enforce",
  enforcement: "enforce",
  service: "service",
};

/** [days ago, who, step or "meToo", the step's fields (a unit by its kind, a deadline in days)]. */
type Step = [days: number, who: string, step: string, extra?: Record<string, unknown>];

interface DemoNeed {
  community: string;
  grid: 1 | 2 | 3;
  by: string;
  daysAgo: number;
  category: NeedCategory;
  place: string;
  description: string;
  visibility?: "auto" | "public" | "private";
  steps: Step[];
}

/** Units are named by platform; `unit:service` etc. stand for the street's unit in a step. */
const NEEDS: DemoNeed[] = [
  {
    community: "dongpo",
    grid: 1,
    by: "resident",
    daysAgo: 20,
    category: "repairsFacilities",
    place: "3幢2单元楼道",
    description: "楼道声控灯坏了一个多月，晚上上下楼看不清台阶，老人怕摔。",
    steps: [
      [19.9, "laozhang", "meToo"],
      [19.5, "gridworker", "accept", { note: "已到现场查看，灯具老化。" }],
      [19.4, "gridworker", "escalate", { note: "需物业和街道协调更换，上报指挥室。" }],
      [19, "dispatcher", "dispatch", { unit: "service" }],
      [16, "unit-service", "resolve", { note: "已更换 3 幢各层声控灯共 12 盏。" }],
      [15, "gridworker", "check", { note: "上门确认，灯已亮。" }],
      [14, "resident", "answerSatisfied"],
    ],
  },
  {
    community: "dongpo",
    grid: 2,
    by: "laozhang",
    daysAgo: 12,
    category: "trafficParking",
    place: "东坡路 12 号门口",
    description: "小区门口消防通道经常被私家车占用，救护车进不来。",
    steps: [
      [11.8, "xiaolin", "meToo"],
      [11.5, "resident", "meToo"],
      [11, "gridworker", "accept"],
      [10.9, "gridworker", "escalate", { note: "需执法队处理违停。" }],
      [10, "dispatcher", "dispatch", { unit: "enforcement" }],
      [8, "unit-enforce", "resolve", { note: "已张贴告知书并对违停车辆处罚。" }],
      [7, "gridworker", "check"],
      [6, "laozhang", "answerNotSatisfied"],
      [
        2,
        "unit-enforce",
        "askExtension",
        { note: "需施划禁停标线，等待施工队排期。", deadline: 10 },
      ],
    ],
  },
  {
    community: "dongpo",
    grid: 3,
    by: "xiaolin",
    daysAgo: 6,
    category: "environmentSanitation",
    place: "菜场后门垃圾点",
    description: "垃圾桶满了没人清，夏天气味很大，还招老鼠。",
    steps: [
      [5.9, "gridworker", "accept"],
      [5.8, "gridworker", "escalate"],
    ],
  },
  {
    community: "dongpo",
    grid: 1,
    by: "laozhang",
    daysAgo: 5,
    category: "neighbourDispute",
    place: "",
    description: "楼上住户装修，每天早上七点就开始电钻，和他们说了也不听。",
    steps: [[4.5, "gridworker", "accept", { note: "约双方周末到社区调解室面谈。" }]],
  },
  {
    community: "dongpo",
    grid: 2,
    by: "resident",
    daysAgo: 4,
    category: "safetyHazard",
    place: "河边步道护栏",
    description: "河边步道有一段护栏松动，小孩靠上去很危险。",
    steps: [
      [3.9, "gridworker", "resolveOnSpot", { note: "已临时加固并设置警示牌，护栏更换已报修。" }],
    ],
  },
  {
    community: "dongpo",
    grid: 2,
    by: "xiaolin",
    daysAgo: 3.5,
    category: "safetyHazard",
    place: "河边步道",
    description: "步道护栏坏了，有安全隐患。",
    steps: [[3, "committee", "merge", { into: "previous" }]],
  },
  {
    community: "dongpo",
    grid: 3,
    by: "resident",
    daysAgo: 3,
    category: "propertyManagement",
    place: "",
    description: "物业费今年涨了三成，没有公示依据。",
    steps: [
      [
        2.8,
        "committee",
        "markNotForPlatform",
        { note: "物业收费属于价格监管事项，请拨打 12345 或向区住建局反映；居委会可陪同。" },
      ],
    ],
  },
  {
    community: "dongpo",
    grid: 1,
    by: "laozhang",
    daysAgo: 2.5,
    category: "elderlyDisabilityCare",
    place: "1幢",
    description: "1幢独居老人腿脚不便，希望有人每周上门看看。",
    steps: [],
  },
  {
    community: "dongpo",
    grid: 3,
    by: "resident",
    daysAgo: 0.2,
    category: "repairsFacilities",
    place: "社区广场",
    description: "广场健身器材有一台扶手断了。",
    steps: [],
  },
  {
    community: "qingnian",
    grid: 1,
    by: "hejun",
    daysAgo: 9,
    category: "environmentSanitation",
    place: "青年路 8 号",
    description: "沿街店铺把污水倒进雨水井。",
    steps: [
      [8.8, "gw-qingnian", "accept"],
      [8.7, "gw-qingnian", "escalate"],
      [8, "dispatcher", "dispatch", { unit: "enforcement" }],
      [5, "unit-enforce", "returnToRoom", { note: "排水管网归城建办管理，请改派。" }],
    ],
  },
  {
    community: "qingnian",
    grid: 2,
    by: "songmei",
    daysAgo: 7,
    category: "repairsFacilities",
    place: "2幢",
    description: "2幢外墙瓷砖脱落，砸坏了一辆电动车。",
    steps: [
      [6.8, "gw-qingnian", "accept"],
      [6.5, "gw-qingnian", "escalate"],
      [6, "dispatcher", "dispatch", { unit: "department" }],
    ],
  },
  {
    community: "qingbomen",
    grid: 1,
    by: "tangwei",
    daysAgo: 8,
    category: "trafficParking",
    place: "清波门公交站",
    description: "公交站台顶棚漏雨。",
    steps: [
      [7.5, "gw-qingbomen", "accept"],
      [7.4, "gw-qingbomen", "escalate"],
      [7, "room-qingbo", "dispatch", { unit: "service" }],
      [5, "svc-qingbo", "resolve", { note: "已联系公交公司修复顶棚。" }],
      [4, "gw-qingbomen", "check"],
    ],
  },
  {
    community: "baoshishan",
    grid: 1,
    by: "gaoyan",
    daysAgo: 2,
    category: "elderlyDisabilityCare",
    place: "",
    description: "希望社区能组织助浴服务。",
    steps: [],
  },
];

/** Calls the 12345 hotline passed on: by grid code, with the hotline's own reference. */
const HOTLINE: Array<{
  ref: string;
  grid: string;
  daysAgo: number;
  category: NeedCategory;
  description: string;
  steps: Step[];
}> = [
  {
    ref: "12345-20261115-0031",
    grid: "dongpo-g2",
    daysAgo: 16,
    category: "environmentSanitation",
    description: "市民来电：东坡路沿街餐馆油烟直排，楼上住户无法开窗。",
    steps: [
      [15.8, "gridworker", "accept"],
      [15.7, "gridworker", "escalate", { note: "需市场监管核查油烟净化设备。" }],
      [15, "dispatcher", "dispatch", { unit: "market" }],
      [9, "unit-enforce", "resolve", { note: "已责令安装油烟净化器并复查合格。" }],
      [8, "gridworker", "check", { note: "回访来电市民，油烟问题已解决。" }],
    ],
  },
  {
    ref: "12345-20261126-0112",
    grid: "qingnian-g3",
    daysAgo: 5,
    category: "safetyHazard",
    description: "市民来电：青年路井盖破损，夜间行人易踩空。",
    steps: [
      [4.9, "gw-qingnian", "accept"],
      [4.8, "gw-qingnian", "escalate"],
      [4.5, "dispatcher", "dispatch", { unit: "enforcement" }],
    ],
  },
  {
    ref: "12345-20261201-0007",
    grid: "dongpo-g3",
    daysAgo: 1,
    category: "trafficParking",
    description: "市民来电：菜场门口早高峰电动车乱停，堵住人行道。",
    steps: [],
  },
];

export async function seedNeeds(db: DB, base = Date.now()): Promise<void> {
  const kit = seedKit(db, base);
  const { daysAgo } = kit;
  const tl = new Timeline();
  /** `days` (with a fraction) before the seed's now. */
  const at = (days: number) =>
    daysAgo(Math.ceil(days), Math.round((Math.ceil(days) - days) * 24 * 60));

  // The people of the loop sign up at /join, as everyone does, 30 days ago.
  const join = (login: string, displayName: string) => {
    const input = {
      displayName,
      login: username(login),
      password: DEMO_PASSWORD,
      consent: "yes" as const,
      userAgent: null,
      clientIp: null,
    };
    const cmd = preparedAhead(register, input, ANONYMOUS);
    tl.add(daysAgo(30), `${login} signs up`, (now) => kit.run(cmd, ANONYMOUS, now, input));
  };

  /** Each street's units by what they are: the platforms, and "department". */
  const unitsOf = new Map<string, Map<string, ReturnType<typeof made<number>>>>();
  for (const s of STREETS) {
    for (const [login, name] of [s.room, s.service, s.enforce]) join(login, name);
    const units = new Map<string, ReturnType<typeof made<number>>>();
    unitsOf.set(s.code, units);
    tl.add(daysAgo(29), `${s.code}'s command room staffed`, async (now) =>
      kit.run(appointCommandRoom, "admin", now, {
        areaId: await kit.areaId(s.code),
        login: username(s.room[0]),
      }),
    );
    for (const platform of [...PLATFORMS, "department"] as const) {
      const unit = made<number>(`${s.code}'s ${platform}`);
      units.set(platform, unit);
      tl.add(daysAgo(29), `${s.code}'s ${platform} set up`, async (now) => {
        unit.set(
          await kit.run(createUnit, "admin", now, {
            streetId: await kit.areaId(s.code),
            platform: platform === "department" ? undefined : platform,
            name: platform === "department" ? s.department : PLATFORM_NAMES[platform],
          }),
        );
      });
      const member = platform === "department" ? s.enforce[0] : s[SERVES[platform]][0];
      tl.add(daysAgo(29, 1), `${member} joins ${s.code}'s ${platform}`, (now) =>
        kit.run(addUnitMember, "admin", now, { unitId: unit.get(), login: username(member) }),
      );
    }
  }
  for (const [code, login, name, chair] of GRID_WORKERS) {
    join(login, name);
    for (const n of [1, 2, 3]) {
      tl.add(daysAgo(28), `${login} appointed to ${code}-g${n}`, async (now) =>
        kit.run(appointGridWorker, chair, now, {
          areaId: await kit.areaId(`${code}-g${n}`),
          login: username(login),
        }),
      );
    }
  }

  // The city's 12345 hotline sends its calls about these streets in through the Open311 API, with
  // the key an admin issued (the key itself is drawn at random and kept nowhere but the hotline).
  const hotline = made<{ id: number; channel: string }>("the 12345 key");
  tl.add(daysAgo(27), "admin issues the 12345 hotline's key", async (now) => {
    const issued = await kit.run(issueIntakeKey, "admin", now, {
      channel: "12345",
      label: "12345 市民服务热线 / 12345 citizens' hotline",
    });
    hotline.set({ id: issued.id, channel: issued.channel });
  });
  for (const [i, call] of HOTLINE.entries()) {
    const need = made<number>(`hotline need ${i}`);
    tl.add(at(call.daysAgo), `12345 sends call ${call.ref}`, async (now) => {
      const result = await kit.run(intakeNeed, { ...ANONYMOUS, intakeKey: hotline.get() }, now, {
        service_code: call.category,
        description: call.description,
        address_id: call.grid,
        address_string: undefined,
        media_url: undefined,
        "attribute[ref]": call.ref,
      });
      need.set(result.needId);
    });
    for (const [days, who, step, extra = {}] of call.steps) {
      tl.add(at(days), `${who}: ${step} on call ${call.ref}`, async (now) => {
        const street = await streetOf(db, need.get());
        return kit.run(takeNeedStep, who, now, {
          needId: need.get(),
          step: step as never,
          note: extra.note as string | undefined,
          unitId: extra.unit ? unitsOf.get(street)!.get(String(extra.unit))!.get() : undefined,
          deadline: undefined,
          urgent: false,
          into: undefined,
          photo: null,
        });
      });
    }
  }

  let previous = made<number>("the need before");
  for (const [i, n] of NEEDS.entries()) {
    const need = made<number>(`demo need ${i}`);
    const before = previous;
    tl.add(at(n.daysAgo), `${n.by} reports need ${i}`, async (now) => {
      need.set(
        await kit.run(reportNeed, n.by, now, {
          communityId: await kit.areaId(n.community),
          gridId: await kit.areaId(`${n.community}-g${n.grid}`),
          category: n.category,
          place: n.place,
          description: n.description,
          visibility: n.visibility ?? "auto",
          photo: null,
        }),
      );
    });
    for (const [days, who, step, extra = {}] of n.steps) {
      tl.add(at(days), `${who}: ${step} on need ${i}`, async (now) => {
        if (step === "meToo") return kit.run(meToo, who, now, { needId: need.get() });
        const street = await streetOf(db, need.get());
        const unit = extra.unit ? unitsOf.get(street)!.get(String(extra.unit))!.get() : undefined;
        const deadline =
          typeof extra.deadline === "number"
            ? new Date(now.getTime() + extra.deadline * 86_400_000).toISOString().slice(0, 10)
            : undefined;
        return kit.run(takeNeedStep, who, now, {
          needId: need.get(),
          step: step as never,
          note: extra.note as string | undefined,
          unitId: unit,
          deadline,
          urgent: false,
          into: extra.into === "previous" ? before.get() : undefined,
          photo: null,
        });
      });
    }
    previous = need;
  }
  await tl.play();
}

async function streetOf(db: DB, needId: number): Promise<string> {
  const row = await db
    .selectFrom("needs")
    .innerJoin("areas", "areas.id", "needs.streetId")
    .select("areas.code")
    .where("needs.id", "=", needId)
    .executeTakeFirstOrThrow();
  return row.code;
}
