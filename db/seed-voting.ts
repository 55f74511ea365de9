/**
 * Demo polls (投票) and participatory budget rounds (微实事预算轮), loaded by `seedDemoData` after the
 * projects. 东坡路社区 gets an open and a closed poll of every method, a poll of its past meeting for
 * the seat holders, a closed round counted by the Method of Equal Shares and an open greedy round;
 * 清波门社区 gets a closed greedy round. A dozen more verified residents of 东坡路 (and a few of 清波门)
 * make the counts worth reading.
 *
 * Nothing here is written by hand: every step is the command people run from the pages, as the
 * person who took it and at the moment the data says, played in the order things happened (see
 * `./seed-kit.ts`). The extra residents sign up, ask to join and are verified by the
 * committee; the round's projects are proposed, submitted, reviewed and accepted; the committee
 * creates each poll and round before it opens; residents and seat holders vote while it is open;
 * at the window a committee member records that a resident voted on paper; after closing one member
 * enters the box's papers and the other confirms the count an hour later; a
 * closed round is counted by `tallyRound` ten minutes after closing. So the audit log, the
 * projects' histories and the search index are the ones the services write, and a step the rules
 * would refuse fails the seed. Ids follow the calendar too: the past meeting's poll, created
 * first, has the lowest poll id.
 *
 * Receipt codes are the command's own, random on every install: tests and journeys read them back
 * from the database (e2e/support/seeded.ts), none spells one out.
 *
 * The open polls and the open round have no participation by `resident` and `laozhang`: the
 * end-to-end journeys vote as them.
 */
import type { DB } from "./client.server";
import { STEPS, type Step, type ServiceArea } from "../app/domain/projects/rules";
import { ANONYMOUS } from "../app/domain/permissions/policy";
import { register } from "../app/services/accounts/commands.server";
import { decideMembership, requestMembership } from "../app/services/communities/commands.server";
import { proposeProject, takeStep } from "../app/services/projects/commands.server";
import {
  counterOf,
  createPoll,
  createRound,
  tallyRound,
} from "../app/services/voting/commands.server";
import {
  addBoxBallot,
  decideCount,
  recordPaperVoter,
  submitCount,
} from "../app/services/voting/box.server";
import { votePoll, voteRound } from "../app/services/voting/ballots.server";
import {
  DAY,
  DEMO_PASSWORD,
  HOUR,
  made,
  MINUTE,
  preparedAhead,
  seedKit,
  Timeline,
} from "./seed-kit";

/** More verified residents: [username, display name, community]. */
const VOTERS: Array<[string, string, string]> = [
  ["dongpo-r1", "周建华", "dongpo"],
  ["dongpo-r2", "吴淑珍", "dongpo"],
  ["dongpo-r3", "郑国平", "dongpo"],
  ["dongpo-r4", "王桂兰", "dongpo"],
  ["dongpo-r5", "冯志强", "dongpo"],
  ["dongpo-r6", "陈玉梅", "dongpo"],
  ["dongpo-r7", "褚明", "dongpo"],
  ["dongpo-r8", "卫秀兰", "dongpo"],
  ["dongpo-r9", "蒋海波", "dongpo"],
  ["dongpo-r10", "沈丽萍", "dongpo"],
  ["dongpo-r11", "韩立新", "dongpo"],
  ["dongpo-r12", "杨春燕", "dongpo"],
  ["qingbomen-r1", "钱永红", "qingbomen"],
  ["qingbomen-r2", "孔德胜", "qingbomen"],
  ["qingbomen-r3", "曹丽君", "qingbomen"],
  ["qingbomen-r4", "严伟", "qingbomen"],
  ["qingbomen-r5", "华秀芬", "qingbomen"],
];

interface ProjectSeed {
  key: string;
  community: string;
  grid: number | null;
  org: string | null;
  proposer: string;
  reviewer: string;
  title: string;
  summary: string;
  description: string;
  category: ServiceArea;
  beneficiaries: string;
  place: string;
  startsIn: number;
  endsIn: number;
  items: Array<[string, number]>;
  /** [step, days ago]: proposer's steps by the proposer, review steps by `reviewer`. */
  history: Array<[Step | "create", number]>;
}

const reviewed = (created: number): Array<[Step | "create", number]> => [
  ["create", created],
  ["submit", created - 1],
  ["startReview", created - 2],
  ["accept", created - 4],
];

/** Accepted projects for the rounds, besides those seed-projects.ts accepted. */
const PROJECTS: ProjectSeed[] = [
  // 东坡路, on the closed 2026 round.
  {
    key: "lighting",
    community: "dongpo",
    grid: 1,
    org: null,
    proposer: "resident",
    reviewer: "committee",
    title: "小区主干道与步道照明改造",
    summary:
      "小区主干道和中心花园步道路灯昏暗、间距过大，老人晚上散步看不清路面。更换为节能 LED 路灯，并在台阶和坡道处加装地脚灯。",
    description:
      "东坡路社区主干道和中心花园环形步道共有路灯 22 盏，多数是十几年前安装的钠灯，亮度低、间距大，步道中段有近 40 米没有照明。晚饭后散步的老人多，去年有居民在坡道处绊倒。计划把 22 盏路灯更换为节能 LED 灯，新增 6 盏，并在台阶、坡道和转角处加装 16 个地脚灯，由物业负责日常维护。",
    category: "publicSafety",
    beneficiaries: "全体居民，尤其是晚间散步的老人和下晚班的居民",
    place: "东坡路社区主干道及中心花园步道",
    startsIn: 20,
    endsIn: 60,
    items: [
      ["LED 路灯 28 盏（含 6 盏新增）", 11200],
      ["台阶与坡道地脚灯 16 个", 3200],
      ["线路改造与安装", 4200],
    ],
    history: reviewed(26),
  },
  {
    key: "playground",
    community: "dongpo",
    grid: 3,
    org: null,
    proposer: "xiaolin",
    reviewer: "committee2",
    title: "儿童游乐区安全地垫铺设",
    summary:
      "儿童游乐区还是水泥地面，孩子从滑梯、秋千上摔下来容易受伤。铺设 EPDM 安全地垫，并更换松动的秋千链条。",
    description:
      "社区儿童游乐区建于 2008 年，滑梯、秋千下方都是水泥地面，今年已有两个孩子摔伤膝盖。计划铺设约 120 平方米的 EPDM 弹性安全地垫，厚度符合国家游乐设施安全标准，同时更换秋千链条和座板，在入口处设置家长休息长椅和安全须知牌。",
    category: "communityService",
    beneficiaries: "社区 3 至 12 岁儿童约 150 人及其家长",
    place: "东坡路社区第三网格儿童游乐区",
    startsIn: 25,
    endsIn: 55,
    items: [
      ["EPDM 安全地垫 120 平方米", 8400],
      ["秋千链条与座板更换", 1600],
      ["休息长椅与安全须知牌", 2400],
    ],
    history: reviewed(24),
  },
  {
    key: "reading",
    community: "dongpo",
    grid: 2,
    org: "lab",
    proposer: "expert-chen",
    reviewer: "committee",
    title: "社区阅览室图书更新与长者读书会",
    summary:
      "阅览室图书陈旧、字小，长辈不爱来。添置大字本图书和有声读物，每月办两次长者读书会，志愿者为视力不好的老人读报。",
    description:
      "社区党群服务中心二楼阅览室现有藏书约 1500 册，大多是十年前的捐赠书，字号小、内容旧。杭州社区营造实验室与居民一起选书，计划添置大字本图书 300 册、有声读物播放器 10 台，配置阅读放大镜和护眼台灯；每月组织两次长者读书会，由高校志愿者为视力不好的老人读报、讲新闻。",
    category: "culture",
    beneficiaries: "社区 60 岁以上老人约 800 人，以及喜欢阅读的居民",
    place: "东坡路社区党群服务中心二楼阅览室",
    startsIn: 15,
    endsIn: 180,
    items: [
      ["大字本图书 300 册", 4500],
      ["有声读物播放器 10 台", 2000],
      ["阅读放大镜与护眼台灯", 1100],
      ["读书会组织（12 次）", 1000],
    ],
    history: reviewed(28),
  },
  {
    key: "shelter",
    community: "dongpo",
    grid: 2,
    org: null,
    proposer: "laozhang",
    reviewer: "committee2",
    title: "垃圾分类投放点雨棚与洗手池",
    summary:
      "四个垃圾分类投放点露天设置，下雨天居民打着伞没法分类，手也没处洗。加装雨棚、照明和洗手池，方便早晚定时投放。",
    description:
      "社区现有 4 个垃圾分类投放点都是露天的，雨天投放时居民一手撑伞一手拎袋，很难分类，督导志愿者也只能站在雨里。计划为 4 个投放点加装钢结构雨棚和感应照明，每处配一个洗手池和破袋器，方便居民投放后洗手，也为督导志愿者遮风挡雨。",
    category: "environment",
    beneficiaries: "全体居民约 1900 户，以及垃圾分类督导志愿者",
    place: "东坡路社区 4 个垃圾分类投放点",
    startsIn: 20,
    endsIn: 50,
    items: [
      ["钢结构雨棚 4 座", 10000],
      ["洗手池与给排水", 4400],
      ["感应照明与破袋器", 1600],
    ],
    history: reviewed(23),
  },
  // 东坡路, on the open 2027 round.
  {
    key: "fitness",
    community: "dongpo",
    grid: 1,
    org: null,
    proposer: "laozhang",
    reviewer: "committee",
    title: "社区健身角器材更新",
    summary:
      "中心花园健身角的器材锈蚀松动，有的已经停用。更换为适老化健身器材，地面改铺防滑地垫，增加使用说明牌。",
    description:
      "健身角的 12 件器材是 2010 年安装的，一半以上锈蚀松动，太空漫步机已经断裂停用。每天早上有近百位老人在这里锻炼。计划更换 10 件适老化健身器材（带扶手、低强度），地面改铺防滑地垫，每件器材旁设置大字使用说明和注意事项，由物业每月检查一次。",
    category: "communityService",
    beneficiaries: "每天晨练的老人约 100 人，以及其他锻炼的居民",
    place: "东坡路社区中心花园健身角",
    startsIn: 30,
    endsIn: 70,
    items: [
      ["适老化健身器材 10 件", 12000],
      ["防滑地垫", 3500],
      ["使用说明牌与安装", 1000],
    ],
    history: reviewed(12),
  },
  {
    key: "drains",
    community: "dongpo",
    grid: 3,
    org: null,
    proposer: "resident",
    reviewer: "committee2",
    title: "小区雨污管网疏通与井盖更换",
    summary:
      "每逢大雨，7 幢、9 幢门口积水没过脚踝，窨井盖松动响声扰民。疏通全部雨污管道，更换破损井盖，加装防坠网。",
    description:
      "小区雨污管网已使用三十年，多处淤堵，今年梅雨季 7 幢、9 幢门口积水最深近 20 厘米，一楼住户进水两次。部分窨井盖松动破损，车辆压过时响声很大，还有孩子踩空的隐患。计划请专业队伍对全部雨污管道进行高压清洗和管道内窥检测，更换 18 个破损井盖并加装防坠网，对两处塌陷的检查井进行修复。",
    category: "environment",
    beneficiaries: "7、9 幢及周边低洼处约 260 户居民",
    place: "东坡路社区 7 幢、9 幢及主干道",
    startsIn: 25,
    endsIn: 65,
    items: [
      ["管道高压清洗与内窥检测", 12000],
      ["更换井盖 18 个并加装防坠网", 9000],
      ["检查井修复 2 处", 7000],
    ],
    history: reviewed(11),
  },
  {
    key: "phones",
    community: "dongpo",
    grid: null,
    org: "yiyang",
    proposer: "org-yiyang",
    reviewer: "committee",
    title: "长者智能手机课堂（12 期）",
    summary:
      "很多老人不会用手机挂号、扫码和视频通话。每周六开一期智能手机课，一对一辅导，教会常用操作和识别诈骗电话。",
    description:
      "社区 60 岁以上老人中，约一半不会用手机预约挂号、缴费和扫健康码，子女不在身边时常常求助无门。颐养之家计划开设 12 期智能手机课堂，每期两小时，小班教学、一对一辅导，内容包括挂号缴费、视频通话、打车、识别诈骗电话和短信，配发大字版操作手册。",
    category: "elderlyCare",
    beneficiaries: "社区 60 岁以上老人，每期 15 人，共约 180 人次",
    place: "东坡路社区党群服务中心多功能室",
    startsIn: 20,
    endsIn: 110,
    items: [
      ["授课与辅导志愿者补贴（12 期）", 6000],
      ["大字版操作手册印制", 1800],
      ["教学用备用手机与投影", 1800],
    ],
    history: reviewed(10),
  },
  {
    key: "tools",
    community: "dongpo",
    grid: 2,
    org: "nuanxin",
    proposer: "songmei",
    reviewer: "committee2",
    title: "社区共享工具屋",
    summary:
      "电钻、梯子、手推车这些工具家家偶尔要用，却很少有人常备。在社区设一间共享工具屋，居民登记借用，志愿者管理。",
    description:
      "在党群服务中心一楼闲置的杂物间设立共享工具屋，配备电钻、人字梯、手推车、管道疏通器、缝纫机等 40 余件常用工具，居民凭居民认证登记免费借用，三天内归还。暖心帮扶互助会招募志愿者每周开放四个半天，并为困难家庭和独居老人提供上门小修小补服务。",
    category: "communityService",
    beneficiaries: "全体居民，尤其是困难家庭和独居老人",
    place: "东坡路社区党群服务中心一楼",
    startsIn: 15,
    endsIn: 45,
    items: [
      ["常用工具 40 余件", 5200],
      ["货架与借用登记柜", 1600],
      ["志愿者上门维修耗材", 1000],
    ],
    history: reviewed(9),
  },
  // 清波门, on the closed greedy round.
  {
    key: "railings",
    community: "qingbomen",
    grid: 2,
    org: null,
    proposer: "tangwei",
    reviewer: "c-qingbomen",
    title: "清波门河道步道护栏修缮",
    summary:
      "沿河步道的木护栏多处腐朽断裂，晚上散步的老人和孩子有落水风险。更换为防腐木与不锈钢结合的护栏，加装警示灯带。",
    description:
      "清波门社区沿河步道长约 600 米，木护栏安装已近十年，有 30 多处腐朽、松动或断裂，社区只能临时拉警戒带。计划拆除腐朽段，更换为防腐木扶手与不锈钢立柱结合的护栏约 180 米，并在弯道和台阶处加装太阳能警示灯带。",
    category: "publicSafety",
    beneficiaries: "清波门社区沿河散步的居民和游客",
    place: "清波门社区沿河步道",
    startsIn: 20,
    endsIn: 60,
    items: [
      ["防腐木与不锈钢护栏 180 米", 16200],
      ["太阳能警示灯带", 2800],
      ["拆除与安装", 2000],
    ],
    history: reviewed(14),
  },
  {
    key: "umbrellas",
    community: "qingbomen",
    grid: 1,
    org: null,
    proposer: "tangwei",
    reviewer: "c-qingbomen",
    title: "清波门社区共享雨伞与爱心座椅",
    summary:
      "在社区出入口和公交站旁设置共享雨伞架和爱心折叠座椅，方便突遇下雨的居民和走累了的老人。",
    description:
      "清波门社区紧邻公交站和菜场，老人买菜回来常在路边歇脚，遇到下雨也没处躲。计划在东、西出入口和公交站旁设置 3 个共享雨伞架（每处 20 把伞，扫码或登记借还），在沿街墙面安装 8 把爱心折叠座椅，由社区志愿者每周清点补充。",
    category: "communityService",
    beneficiaries: "清波门社区居民，尤其是步行买菜的老人",
    place: "清波门社区东、西出入口及公交站旁",
    startsIn: 10,
    endsIn: 40,
    items: [
      ["共享雨伞架 3 个与雨伞 60 把", 3600],
      ["爱心折叠座椅 8 把", 2800],
    ],
    history: reviewed(13),
  },
];

interface PollSeed {
  key: string;
  community: string;
  /** The community's published meeting; its invited seat holders vote. */
  atPastMeeting?: true;
  question: string;
  description: string;
  method: "single" | "approval" | "yesNo";
  maxChoices?: number;
  /** Written options; yes / no / abstain for yes-no polls. */
  options?: string[];
  results: "live" | "afterClose";
  createdBy: string;
  /** Days from now (negative: in the past). */
  opens: number;
  closes: number;
  /** [voter, option positions, paper?]. */
  ballots: Array<[string, number[], "paper"?]>;
}

const POLLS: PollSeed[] = [
  {
    key: "parkingOpen",
    community: "dongpo",
    question: "社区停车位划线方案选哪一个？",
    description:
      "上次圆桌会议商量了夜间停车难的问题，物业和设计单位拿出了三个方案。请每户居民选出您最赞成的一个，得票最多的方案报街道审批。",
    method: "single",
    options: [
      "方案一：沿主干道单侧划线，增加 24 个车位",
      "方案二：中心花园东侧改建生态停车位，增加 36 个车位",
      "方案三：不新划线，错峰共享周边写字楼夜间车位",
    ],
    results: "live",
    createdBy: "committee",
    opens: -4,
    closes: 6,
    ballots: [
      ["xiaolin", [1]],
      ["dongpo-r1", [0]],
      ["dongpo-r2", [1]],
      ["dongpo-r3", [1]],
      ["dongpo-r4", [2]],
      ["dongpo-r5", [0]],
    ],
  },
  {
    key: "festivalOpen",
    community: "dongpo",
    question: "明年邻里节办哪些活动？最多选3项",
    description: "明年五月的邻里节由居民投票决定办哪些活动，得票最多的三项列入活动方案。",
    method: "approval",
    maxChoices: 3,
    options: ["百家宴", "越剧专场演出", "亲子跳蚤市场", "书画摄影展", "邻里趣味运动会"],
    results: "afterClose",
    createdBy: "committee2",
    opens: -3,
    closes: 9,
    ballots: [
      ["xiaolin", [0, 2, 4]],
      ["dongpo-r1", [0, 1]],
      ["dongpo-r6", [2, 3, 4]],
      ["dongpo-r7", [0]],
    ],
  },
  {
    key: "dryingOpen",
    community: "dongpo",
    question: "是否同意在3幢北侧加装晾衣架？",
    description:
      "3 幢居民提出在楼北侧空地加装一排不锈钢晾衣架，约占 30 平方米绿地。请大家表态，赞成票过半才实施。",
    method: "yesNo",
    results: "live",
    createdBy: "committee",
    opens: -2,
    closes: 12,
    ballots: [
      ["xiaolin", [0]],
      ["dongpo-r2", [0]],
      ["dongpo-r8", [1]],
    ],
  },
  {
    key: "chargingClosed",
    community: "dongpo",
    question: "电动自行车集中充电棚建在哪里？",
    description: "为杜绝电动自行车进楼道充电，社区准备建一处集中充电棚。请在三个候选位置中选一个。",
    method: "single",
    options: ["1 幢西侧空地", "5 幢与 7 幢之间的绿化带边", "东门原自行车棚改建"],
    results: "afterClose",
    createdBy: "committee",
    opens: -24,
    closes: -17,
    ballots: [
      ["resident", [0]],
      ["laozhang", [2]],
      ["xiaolin", [0]],
      ["dongpo-r1", [1]],
      ["dongpo-r2", [0]],
      ["dongpo-r3", [2]],
      ["dongpo-r4", [0]],
      ["dongpo-r5", [1]],
      ["dongpo-r6", [0]],
      ["dongpo-r7", [2]],
      ["dongpo-r8", [0]],
      ["dongpo-r9", [1]],
      ["dongpo-r12", [2], "paper"],
    ],
  },
  {
    key: "coursesClosed",
    community: "dongpo",
    question: "今年秋季社区公益课程开哪几门？最多选2项",
    description: "社区党群服务中心秋季开设两门免费课程，请选出您最想参加的课程。",
    method: "approval",
    maxChoices: 2,
    options: ["长者智能手机课", "太极拳", "少儿书法", "家庭急救与 AED 使用", "旧物改造手工"],
    results: "live",
    createdBy: "committee2",
    opens: -21,
    closes: -12,
    ballots: [
      ["resident", [0, 3]],
      ["laozhang", [1]],
      ["xiaolin", [0, 4]],
      ["dongpo-r1", [3, 4]],
      ["dongpo-r2", [0, 1]],
      ["dongpo-r3", [2]],
      ["dongpo-r4", [0, 3]],
      ["dongpo-r5", [3]],
      ["dongpo-r6", [1, 3]],
      ["dongpo-r7", [0]],
      ["dongpo-r10", [2, 4]],
      ["dongpo-r11", [0, 3]],
    ],
  },
  {
    key: "wasteClosed",
    community: "dongpo",
    question: "是否同意把小区垃圾投放改为早晚定时定点？",
    description:
      "拟将垃圾投放时间定为每天 7:00–9:00 和 18:00–20:00，其余时间投放点关闭，由督导志愿者值守。",
    method: "yesNo",
    results: "afterClose",
    createdBy: "committee",
    opens: -14,
    closes: -6,
    ballots: [
      ["resident", [0]],
      ["laozhang", [0]],
      ["xiaolin", [1]],
      ["dongpo-r1", [0]],
      ["dongpo-r2", [0]],
      ["dongpo-r3", [2]],
      ["dongpo-r4", [0]],
      ["dongpo-r5", [1]],
      ["dongpo-r6", [0]],
      ["dongpo-r8", [0]],
      ["dongpo-r9", [1]],
      ["dongpo-r10", [0]],
      ["dongpo-r11", [0], "paper"],
      ["dongpo-r12", [0]],
    ],
  },
  {
    key: "liftMeeting",
    community: "dongpo",
    atPastMeeting: true,
    question: "是否同意三幢先行加装电梯、五幢继续征求意见？",
    description: "圆桌会议现场表决，由受邀席位的部门、专家、社会组织和媒体代表投票。",
    method: "yesNo",
    results: "live",
    createdBy: "committee",
    // Replaced below by the meeting's own time.
    opens: 0,
    closes: 0,
    ballots: [
      ["gov-official", [0]],
      ["expert-chen", [0]],
      ["org-yiyang", [0]],
      ["media-reporter", [2]],
    ],
  },
];

interface RoundSeed {
  key: string;
  community: string;
  title: string;
  description: string;
  budget: number;
  method: "greedy" | "mes";
  minProjects: number;
  maxProjects: number | null;
  createdBy: string;
  opens: number;
  closes: number;
  /** Project titles (of this file or of seed-projects.ts), in submission order. */
  projects: string[];
  /** [voter, project titles]. */
  ballots: Array<[string, string[]]>;
}

const MEDIATION = "东坡路社区邻里调解室改造与调解员培训";
const LIGHTING = "小区主干道与步道照明改造";
const PLAYGROUND = "儿童游乐区安全地垫铺设";
const READING = "社区阅览室图书更新与长者读书会";
const SHELTER = "垃圾分类投放点雨棚与洗手池";
const FITNESS = "社区健身角器材更新";
const DRAINS = "小区雨污管网疏通与井盖更换";
const PHONES = "长者智能手机课堂（12 期）";
const TOOLS = "社区共享工具屋";
const CLOTHES = "旧衣物回收与再利用站点";
const RAILINGS = "清波门河道步道护栏修缮";
const UMBRELLAS = "清波门社区共享雨伞与爱心座椅";

const ROUNDS: RoundSeed[] = [
  {
    key: "dongpo2026",
    community: "dongpo",
    title: "2026年东坡路社区微实事预算",
    description:
      "街道下达 6 万元微实事资金，由居民在已通过审核的项目中投票决定。每人可选任意多个项目，合计不超过预算；按平等份额法计票，让不同想法的居民都能分到公平的一份。",
    budget: 60_000,
    method: "mes",
    minProjects: 1,
    maxProjects: null,
    createdBy: "committee",
    opens: -15,
    closes: -3,
    projects: [MEDIATION, LIGHTING, PLAYGROUND, READING, SHELTER],
    ballots: [
      ["resident", [MEDIATION, LIGHTING]],
      ["laozhang", [MEDIATION, READING]],
      ["xiaolin", [PLAYGROUND, READING, SHELTER]],
      ["dongpo-r1", [LIGHTING, SHELTER]],
      ["dongpo-r2", [LIGHTING, PLAYGROUND, READING]],
      ["dongpo-r3", [MEDIATION, LIGHTING, READING]],
      ["dongpo-r4", [PLAYGROUND, SHELTER]],
      ["dongpo-r5", [LIGHTING]],
      ["dongpo-r6", [MEDIATION, SHELTER]],
      ["dongpo-r7", [LIGHTING, PLAYGROUND]],
      ["dongpo-r8", [READING, PLAYGROUND]],
      ["dongpo-r9", [MEDIATION]],
      ["dongpo-r10", [LIGHTING, READING, SHELTER]],
      ["dongpo-r11", [PLAYGROUND, READING]],
      ["dongpo-r12", [LIGHTING, SHELTER, READING]],
    ],
  },
  {
    key: "dongpo2027",
    community: "dongpo",
    title: "2027年东坡路社区微实事预算（征集中）",
    description:
      "2027 年微实事资金 5 万元。每人最多选 3 个项目，合计不超过预算；按支持票从多到少依次入选，直到资金用完。",
    budget: 50_000,
    method: "greedy",
    minProjects: 1,
    maxProjects: 3,
    createdBy: "committee2",
    opens: -3,
    closes: 10,
    projects: [FITNESS, DRAINS, PHONES, TOOLS],
    ballots: [
      ["xiaolin", [PHONES, TOOLS]],
      ["dongpo-r1", [DRAINS, FITNESS]],
      ["dongpo-r2", [DRAINS, PHONES, TOOLS]],
      ["dongpo-r3", [FITNESS, PHONES]],
      ["dongpo-r4", [DRAINS]],
      ["dongpo-r5", [FITNESS, TOOLS, PHONES]],
      ["dongpo-r6", [DRAINS, TOOLS]],
    ],
  },
  {
    key: "qingbomen2026",
    community: "qingbomen",
    title: "2026年清波门社区微实事预算",
    description:
      "3 万元微实事资金，每人最多选 2 个项目，合计不超过预算；按支持票从多到少依次入选，放不下的项目跳过。",
    budget: 30_000,
    method: "greedy",
    minProjects: 1,
    maxProjects: 2,
    createdBy: "c-qingbomen",
    opens: -8,
    closes: -1,
    projects: [CLOTHES, RAILINGS, UMBRELLAS],
    ballots: [
      ["tangwei", [CLOTHES, UMBRELLAS]],
      ["qingbomen-r1", [RAILINGS, UMBRELLAS]],
      ["qingbomen-r2", [RAILINGS]],
      ["qingbomen-r3", [CLOTHES]],
      ["qingbomen-r4", [RAILINGS, UMBRELLAS]],
      ["qingbomen-r5", [UMBRELLAS]],
    ],
  },
];

/** The organisations of PROJECTS, by key (seed-projects.ts registers and verifies them). */
const ORG_NAMES: Record<string, string> = {
  lab: "杭州社区营造实验室 HZ Community Lab",
  yiyang: "颐养之家为老服务中心",
  nuanxin: "暖心帮扶互助会",
};

/** Who verifies a new resident: 东坡路's two committee members take turns; elsewhere its chair. */
const deciderOf = (code: string, i: number) =>
  code === "dongpo" ? (i % 2 === 0 ? "committee" : "committee2") : `c-${code}`;

/** 东坡路's committee: one records paper voters and counts the box, the other confirms the count. */
const PAPER_CLERK = "committee";
const PAPER_CHECKER = "committee2";

export async function seedVoting(db: DB, base = Date.now()): Promise<void> {
  const kit = seedKit(db, base);
  const timeline = new Timeline();
  const iso = (ms: number) => new Date(ms).toISOString();
  const shanghaiDate = new Intl.DateTimeFormat("en-CA", { timeZone: "Asia/Shanghai" });
  const dateIn = (days: number) => shanghaiDate.format(new Date(base + days * DAY));

  // More residents: they sign up, ask to join their community, and the committee verifies them.
  // Signing up opens a session, as it does on /join: those rows stay (expired long ago). The
  // passwords are hashed ahead, side by side (see `preparedAhead`).
  for (const [i, [username, displayName, code]] of VOTERS.entries()) {
    const membership = made<number>(`${username}'s request`);
    const input = {
      displayName,
      login: { kind: "username" as const, value: username },
      password: DEMO_PASSWORD,
      consent: "yes" as const,
      userAgent: null,
      clientIp: null,
    };
    const signUp = preparedAhead(register, input, ANONYMOUS);
    timeline.add(kit.daysAgo(55 - i), `${username} signs up`, async (now) => {
      await kit.run(signUp, ANONYMOUS, now, input);
    });
    timeline.add(kit.daysAgo(40 - i), `${username} asks to join ${code}`, async (now) => {
      membership.set(
        await kit.run(requestMembership, username, now, { communityId: await kit.areaId(code) }),
      );
    });
    timeline.add(kit.daysAgo(39 - i), `${username} verified`, async (now) => {
      await kit.run(decideMembership, deciderOf(code, i), now, {
        membershipId: membership.get(),
        decision: "verify",
        reason: "",
      });
    });
  }

  // Projects for the rounds: proposed, submitted, reviewed and accepted.
  for (const p of PROJECTS) {
    const project = made<number>(p.title);
    const [first, ...steps] = p.history;
    if (!first || first[0] !== "create") throw new Error(`seedVoting: ${p.title}: no create`);
    timeline.add(kit.daysAgo(first[1]), `${p.title}: propose`, async (now) => {
      const org =
        p.org === null
          ? null
          : await db
              .selectFrom("organisations")
              .select("id")
              .where("name", "=", ORG_NAMES[p.org]!)
              .executeTakeFirstOrThrow();
      project.set(
        await kit.run(proposeProject, p.proposer, now, {
          communityId: await kit.areaId(p.community),
          organisationId: org?.id ?? null,
          gridId: p.grid === null ? null : await kit.areaId(`${p.community}-g${p.grid}`),
          place: p.place,
          title: p.title,
          summary: p.summary,
          description: p.description,
          category: p.category,
          beneficiaries: p.beneficiaries,
          startsOn: dateIn(p.startsIn),
          endsOn: dateIn(p.endsIn),
          items: p.items.map(([label, amount]) => ({ label, amount })),
          total: p.items.reduce((s, [, amount]) => s + amount, 0),
          photo: null,
        }),
      );
    });
    for (const [step, daysAgo] of steps) {
      if (step === "create") throw new Error(`seedVoting: ${p.title}: created twice`);
      const by = STEPS[step].action === "project.review" ? p.reviewer : p.proposer;
      timeline.add(kit.daysAgo(daysAgo), `${p.title}: ${step}`, async (now) => {
        await kit.run(takeStep, by, now, { id: project.get(), step });
      });
    }
  }

  /** Voting times spread evenly over the part of the window that has passed. */
  const spread = (opensMs: number, closesMs: number, n: number) => {
    const end = Math.min(closesMs, base - HOUR);
    return (k: number) => new Date(Math.round(opensMs + ((k + 1) * (end - opensMs)) / (n + 1)));
  };

  // Polls: created by the committee two days before they open; ballots while open.
  for (const p of POLLS) {
    const communityId = await kit.areaId(p.community);
    let meetingId: number | null = null;
    let opensMs = base + p.opens * DAY;
    let closesMs = base + p.closes * DAY;
    if (p.atPastMeeting) {
      // seed.ts held the meeting; voted in its room, during the second agenda item.
      const meeting = await db
        .selectFrom("meetings")
        .innerJoin("councils", "councils.id", "meetings.councilId")
        .select(["meetings.id", "meetings.startsAt"])
        .where("councils.areaId", "=", communityId)
        .where("meetings.status", "=", "published")
        .orderBy("meetings.startsAt")
        .executeTakeFirstOrThrow();
      meetingId = meeting.id;
      opensMs = Date.parse(meeting.startsAt) + 40 * MINUTE;
      closesMs = Date.parse(meeting.startsAt) + 80 * MINUTE;
    }
    const poll = made<{ id: number; options: number[] }>(p.question);
    timeline.add(new Date(opensMs - 2 * DAY), `poll ${p.question}: create`, async (now) => {
      const id = await kit.run(createPoll, p.createdBy, now, {
        communityId,
        meetingId,
        question: p.question,
        description: p.description,
        method: p.method,
        maxChoices: p.method === "approval" ? p.maxChoices! : 1,
        electorate: meetingId === null ? "residents" : "seatHolders",
        results: p.results,
        opensAt: iso(opensMs),
        closesAt: iso(closesMs),
        options: p.method === "yesNo" ? [] : p.options!,
      });
      const options = await db
        .selectFrom("pollOptions")
        .select("id")
        .where("pollId", "=", id)
        .orderBy("position")
        .execute();
      poll.set({ id, options: options.map((o) => o.id) });
    });
    const when = spread(opensMs, closesMs, p.ballots.length);
    const box: Array<() => number[]> = [];
    for (const [k, [voter, positions, channel]] of p.ballots.entries()) {
      const choice = () => positions.map((i) => poll.get().options[i]!);
      const what = `poll ${p.question}: ${voter} votes`;
      if (channel !== "paper") {
        timeline.add(when(k), what, async (now) => {
          await kit.run(votePoll, voter, now, { id: poll.get().id, choice: choice() });
        });
        continue;
      }
      // At the window only the participation is recorded; the paper goes into the box.
      timeline.add(when(k), `${what} on paper`, async (now) => {
        await kit.run(recordPaperVoter, PAPER_CLERK, now, {
          kind: "poll",
          id: poll.get().id,
          voter: await kit.userId(voter),
        });
      });
      box.push(choice);
    }
    // After closing, the box is opened: one member enters its papers, the other confirms.
    if (box.length > 0 && closesMs + 3 * HOUR < base) {
      timeline.add(
        new Date(closesMs + HOUR),
        `poll ${p.question}: paper box counted`,
        async (now) => {
          for (const choice of box) {
            await kit.run(addBoxBallot, PAPER_CLERK, now, {
              kind: "poll",
              id: poll.get().id,
              choice: choice(),
            });
          }
          await kit.run(submitCount, PAPER_CLERK, now, {
            kind: "poll",
            id: poll.get().id,
            note: "",
          });
        },
      );
      timeline.add(
        new Date(closesMs + 2 * HOUR),
        `poll ${p.question}: count confirmed`,
        async (now) => {
          await kit.run(decideCount, PAPER_CHECKER, now, {
            kind: "poll",
            id: poll.get().id,
            decision: "confirm",
          });
        },
      );
    }
  }

  // Budget rounds: created half a day before they open, voted while open, counted once closed.
  for (const r of ROUNDS) {
    const communityId = await kit.areaId(r.community);
    const opensMs = base + r.opens * DAY;
    const closesMs = base + r.closes * DAY;
    const round = made<{ id: number; projects: Map<string, number> }>(r.title);
    timeline.add(new Date(opensMs - DAY / 2), `round ${r.title}: create`, async (now) => {
      const rows = await db
        .selectFrom("projects")
        .select(["id", "title"])
        .where("communityId", "=", communityId)
        .where("title", "in", r.projects)
        .execute();
      const projects = new Map(rows.map((row) => [row.title, row.id]));
      const id = await kit.run(createRound, r.createdBy, now, {
        communityId,
        title: r.title,
        description: r.description,
        budget: r.budget,
        method: r.method,
        minProjects: r.minProjects,
        maxProjects: r.maxProjects,
        opensAt: iso(opensMs),
        closesAt: iso(closesMs),
        projects: r.projects.map((title) => {
          const projectId = projects.get(title);
          if (projectId === undefined) throw new Error(`seedVoting: no project ${title}`);
          return projectId;
        }),
      });
      round.set({ id, projects });
    });
    const when = spread(opensMs, closesMs, r.ballots.length);
    for (const [k, [voter, titles]] of r.ballots.entries()) {
      timeline.add(when(k), `round ${r.title}: ${voter} votes`, async (now) => {
        const { id, projects } = round.get();
        await kit.run(voteRound, voter, now, {
          id,
          choice: titles.map((t) => projects.get(t)!),
        });
      });
    }
    if (closesMs > base) continue;
    // Counted as the first view after closing would: by no one, under the committee's action.
    timeline.add(new Date(closesMs + 10 * MINUTE), `round ${r.title}: count`, async (now) => {
      const counted = await kit.run(tallyRound, counterOf(communityId), now, {
        id: round.get().id,
      });
      if (counted === null) throw new Error(`seedVoting: ${r.title} was not counted`);
    });
  }

  await timeline.play();
}
