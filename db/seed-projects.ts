/**
 * Demo social organisations (社会组织) and micro-projects (微实事), loaded by `seedDemoData` after the
 * city, its people and its meetings exist. Nothing here is written by hand: every organisation and
 * project is brought to its state by the same commands people run from the pages (applying,
 * deciding, inviting, proposing, every lifecycle step, reports, supports, ratings, comments,
 * reports of comments and hiding), each as the person who took the step and at the moment the data
 * says, in the order things happened. So the history, the audit log and the search index are the
 * ones the services write, and a step the rules would refuse fails the seed. A resident supports,
 * comments and rates only once verified (see RESIDENTS in seed.ts), and an organisation proposes
 * only once it is verified.
 */
import type { DB } from "./client.server";
import type { Step, OrganisationTier, ServiceArea } from "../app/domain/projects/rules";
import {
  setSupportThreshold,
  addProgress,
  proposeProject,
  takeStep,
} from "../app/services/projects/commands.server";
import {
  addComment,
  flagComment,
  hideComment,
  rateProject,
  supportProject,
} from "../app/services/projects/participation.server";
import {
  acceptInvitation,
  applyOrganisation,
  declineOrganisation,
  inviteMember,
  verifyOrganisation,
} from "../app/services/organisations/commands.server";
import { DAY, seedKit, Timeline } from "./seed-kit";

interface OrgSeed {
  key: string;
  name: string;
  tier: OrganisationTier;
  registrationNumber: string | null;
  description: string;
  contact: string | null;
  services: ServiceArea[];
  communities: string[];
  /** Username of the applicant, the organisation's first admin. */
  admin: string;
  createdDaysAgo: number;
  /** The committee's decision; null: still pending. */
  decision: {
    status: "verified" | "declined";
    by: string;
    daysAgo: number;
    reason: string | null;
  } | null;
}

const ORGANISATIONS: OrgSeed[] = [
  {
    key: "yiyang",
    name: "颐养之家为老服务中心",
    tier: "registered",
    registrationNumber: "52330102MJ8812345A",
    description:
      "扎根湖滨、清波一带的民办非企业单位，为辖区高龄、独居和失能老人提供助餐、助浴、助洁、上门探访和健康讲座等居家养老服务。下设“夕阳红志愿服务队”，现有专职社工 6 名、志愿者 80 余名。",
    contact: "0571-87061234",
    services: ["elderlyCare", "communityService"],
    communities: ["dongpo", "qingbomen"],
    admin: "org-yiyang",
    createdDaysAgo: 70,
    decision: {
      status: "verified",
      by: "committee",
      daysAgo: 66,
      reason: "民政登记证书和章程已核验，服务场地已实地查看。",
    },
  },
  {
    key: "tiaojie",
    name: "湖滨邻里调解工作室",
    tier: "filed",
    registrationNumber: null,
    description:
      "由退休法官、律师和热心居民组成的备案类社区社会组织，调解邻里噪音、漏水、停车、装修等纠纷，每周三下午在青年路社区议事厅坐班接待。",
    contact: "hbtiaojie@example.cn",
    services: ["mediation"],
    communities: ["dongpo", "qingnian"],
    admin: "hejun",
    createdDaysAgo: 45,
    decision: { status: "verified", by: "c-qingnian", daysAgo: 42, reason: null },
  },
  {
    key: "qingning",
    name: "青柠公益环保社 Green Lime",
    tier: "charity",
    registrationNumber: "53330100MJ9T27801X",
    description:
      "关注社区垃圾分类、河道保洁和旧物再利用的公益法人。组织居民开展垃圾分类督导、旧衣回收和环保手工课，每月一次沿清波门河道开展清洁行动。",
    contact: "greenlime@example.org",
    services: ["environment"],
    communities: ["qingbomen", "laodong"],
    admin: "tangwei",
    createdDaysAgo: 44,
    decision: { status: "verified", by: "c-qingbomen", daysAgo: 40, reason: null },
  },
  {
    key: "pingan",
    name: "平安巷志愿巡逻队",
    tier: "filed",
    registrationNumber: null,
    description:
      "劳动路、清波门一带居民自发组建的平安巡防队伍，每晚 7 点至 9 点分组巡查楼道消防通道、电动车违规充电和独居老人家门口的异常情况，配合社区民警开展防诈骗宣传。",
    contact: null,
    services: ["publicSafety"],
    communities: ["qingbomen", "laodong"],
    admin: "xuhua",
    createdDaysAgo: 40,
    decision: { status: "verified", by: "c-laodong", daysAgo: 37, reason: null },
  },
  {
    key: "nuanxin",
    name: "暖心帮扶互助会",
    tier: "registered",
    registrationNumber: "51330102MJ88A6027P",
    description:
      "面向低保、低边家庭和困境儿童的社会团体，开展结对帮扶、节日慰问、助学和就业信息对接，帮扶台账每季度向社区公示。",
    contact: "0571-87802266",
    services: ["hardship", "communityService"],
    communities: ["dongpo", "qingnian"],
    admin: "songmei",
    createdDaysAgo: 46,
    decision: {
      status: "verified",
      by: "committee2",
      daysAgo: 43,
      reason: "登记证书和章程已核验。",
    },
  },
  {
    key: "xizi",
    name: "西子文化艺术团",
    tier: "registered",
    registrationNumber: "52330106MJ9K43518D",
    description:
      "由社区文艺爱好者组成，下设越剧、合唱、太极扇和剪纸四个小组，常年在宝石山、葛岭社区开展文艺演出、非遗手工和亲子文化活动。",
    contact: "0571-87981234",
    services: ["culture"],
    communities: ["baoshishan", "geling"],
    admin: "gaoyan",
    createdDaysAgo: 38,
    decision: { status: "verified", by: "c-baoshishan", daysAgo: 35, reason: null },
  },
  {
    key: "yingji",
    name: "应急救援志愿服务队",
    tier: "charity",
    registrationNumber: "53330106MJ9F0762XR",
    description:
      "持证急救员和退役消防员组成的公益法人，开展防汛防台、消防演练、AED 急救培训和应急物资管理，汛期 24 小时值守。",
    contact: "0571-88215119",
    services: ["disasterRelief", "publicSafety"],
    communities: ["huayuan", "wensan", "qingbomen"],
    admin: "zhengkai",
    createdDaysAgo: 35,
    decision: { status: "verified", by: "c-huayuan", daysAgo: 33, reason: null },
  },
  {
    key: "lab",
    name: "杭州社区营造实验室 HZ Community Lab",
    tier: "registered",
    registrationNumber: "52330106MJ9H31726K",
    description:
      "由高校城市规划团队发起的社会服务机构，用参与式设计的方法帮助社区改造公共空间、组织邻里节和居民议事，擅长把居民意见变成看得懂的方案图。",
    contact: "hello@hzcommunitylab.example.org",
    services: ["communityService", "culture"],
    communities: ["wensan", "huayuan", "dongpo"],
    admin: "expert-chen",
    createdDaysAgo: 65,
    decision: {
      status: "verified",
      by: "c-wensan",
      daysAgo: 62,
      reason: "登记信息与全国社会组织信用信息公示平台一致。",
    },
  },
  {
    key: "shuxiang",
    name: "宝石山书香读书会",
    tier: "filed",
    registrationNumber: null,
    description:
      "每月两次在宝石山社区图书角共读，设长辈读报组和亲子绘本组，志愿者为视力不好的老人读报。",
    contact: null,
    services: ["culture"],
    communities: ["baoshishan", "geling"],
    admin: "luoping",
    createdDaysAgo: 37,
    decision: { status: "verified", by: "c-geling", daysAgo: 34, reason: null },
  },
  {
    key: "chengzhang",
    name: "文三路青少年成长驿站",
    tier: "filed",
    registrationNumber: null,
    description:
      "为双职工家庭和困境家庭的孩子提供放学后作业辅导、周末兴趣课和暑期托管，志愿者以附近高校学生为主。",
    contact: "wensan.yizhan@example.cn",
    services: ["communityService", "hardship"],
    communities: ["wensan"],
    admin: "yuanfang",
    createdDaysAgo: 30,
    decision: { status: "verified", by: "c-wensan", daysAgo: 28, reason: null },
  },
  // Waiting for a committee decision: the 东坡路 committee has it in its queue.
  {
    key: "yinfa",
    name: "湖滨银发数字课堂",
    tier: "filed",
    registrationNumber: null,
    description:
      "教社区长辈用智能手机：挂号、扫码、视频通话和识别诈骗电话。每周六上午在东坡路社区党群服务中心开课，一对一辅导。",
    contact: null,
    services: ["elderlyCare", "culture"],
    communities: ["dongpo"],
    admin: "xiaolin",
    createdDaysAgo: 5,
    decision: null,
  },
  {
    key: "tuangou",
    name: "东坡邻里惠民团购群",
    tier: "filed",
    registrationNumber: null,
    description: "为小区居民组织水果、粮油团购，每周配送到楼下，价格比超市便宜。",
    contact: null,
    services: ["communityService"],
    communities: ["dongpo"],
    admin: "mali",
    createdDaysAgo: 20,
    decision: {
      status: "declined",
      by: "committee",
      daysAgo: 18,
      reason:
        "以组织商品团购为主要业务，属于经营活动，不是社区社会组织；如需经营，请向市场监管部门办理登记。",
    },
  },
];

/** Members besides the admins: [organisation, username, invited days ago, joined days ago or null]. */
const EXTRA_MEMBERS: Array<[string, string, number, number | null]> = [
  ["yiyang", "laozhang", 45, 44],
  ["yiyang", "xiaolin", 2, null],
];

interface CommentSeed {
  author: string;
  daysAgo: number;
  body: string;
  replies?: Array<{ author: string; daysAgo: number; body: string }>;
  hidden?: { by: string; daysAgo: number; reason: string };
  flags?: Array<{ by: string; daysAgo: number; reason: string }>;
}

interface ProjectSeed {
  community: string;
  /** 1–3: the community's grid, or null. */
  grid: number | null;
  org: string | null;
  proposer: string;
  title: string;
  summary: string;
  description: string;
  category: ServiceArea;
  beneficiaries: string;
  place: string;
  /** Days from today (negative: in the past). */
  startsIn: number;
  endsIn: number;
  items: Array<[string, number]>;
  /**
   * [step, days ago, reason?, actor?]. The actor defaults to the proposer for the proposer's steps
   * and to `reviewer` for the committee's.
   */
  history: Array<[Step | "create", number, string?, string?]>;
  /** Committee member who reviews; defaults to the community's first. */
  reviewer?: string;
  supports?: Array<[string, number]>;
  /** Progress reports; the final report goes with the "complete" step. */
  progress?: Array<[number, number, string]>;
  final?: [number, string];
  ratings?: Array<[string, number, number]>;
  comments?: CommentSeed[];
}

const PROJECTS: ProjectSeed[] = [
  {
    community: "dongpo",
    grid: 2,
    org: null,
    proposer: "resident",
    title: "东坡路社区楼道声控灯更新",
    summary:
      "小区 3、5、7 幢楼道声控灯老化失灵，老人夜里上下楼看不清台阶，申请统一更换为人体感应 LED 灯。",
    description:
      "东坡路社区 3、5、7 幢建于上世纪九十年代，楼道声控灯大多已使用十年以上，近半数不亮或延时过短。晚上老人上下楼看不清台阶，去年冬天已有两位老人摔倒。计划把三幢楼共 18 个单元的楼道灯统一更换为人体感应 LED 灯，并在每层台阶边缘贴反光防滑条。",
    category: "communityService",
    beneficiaries: "3、5、7 幢约 210 户居民，其中 70 岁以上老人 64 人",
    place: "东坡路社区 3、5、7 幢楼道",
    startsIn: 20,
    endsIn: 45,
    items: [
      ["人体感应 LED 灯 108 盏", 10800],
      ["台阶反光防滑条", 3600],
      ["安装人工", 4200],
    ],
    history: [["create", 3]],
  },
  {
    community: "dongpo",
    grid: 1,
    org: null,
    proposer: "laozhang",
    title: "为老旧小区加装电梯意见征集与协调",
    summary:
      "三幢、五幢居民想装电梯，但低层住户有顾虑。请专业机构上门征求意见、测算分摊方案，促成各楼层达成一致。",
    description:
      "东坡路社区三幢、五幢是 1994 年建成的六层住宅，没有电梯，住在五、六楼的老人下楼一次要歇好几回。上次圆桌会议后，三幢同意率已达 92%，五幢只有 78%，一楼、二楼住户担心采光、噪音和出入口被占。本项目请第三方专业机构逐户上门征求意见，做日照和噪音模拟，拿出两套费用分摊方案，组织三次楼道议事会，争取在年底前达到申报加装电梯所需的同意比例。",
    category: "communityService",
    beneficiaries: "三幢、五幢共 48 户居民，其中 60 岁以上老人 57 人",
    place: "东坡路社区三幢、五幢",
    startsIn: 30,
    endsIn: 120,
    items: [
      ["逐户意见征询与入户走访", 8000],
      ["日照与噪音模拟评估", 12000],
      ["楼道议事会组织（3 次）", 3000],
      ["方案图册印制", 1500],
    ],
    history: [
      ["create", 12],
      ["submit", 10],
    ],
    supports: [["xiaolin", 8]],
    comments: [
      {
        author: "xiaolin",
        daysAgo: 7,
        body: "我家外婆住五楼，每次去医院都要邻居帮忙背下楼，太需要电梯了，支持！",
        replies: [
          {
            author: "laozhang",
            daysAgo: 6.5,
            body: "谢谢支持。五幢的意见我们会一户一户上门听，尤其是一楼、二楼的邻居。",
          },
        ],
      },
      {
        author: "xiaolin",
        daysAgo: 6,
        body: "一楼不出钱还要反对，说白了就是自私。",
        flags: [{ by: "laozhang", daysAgo: 5, reason: "语气带有攻击性，针对低层住户" }],
      },
    ],
  },
  {
    community: "dongpo",
    grid: 3,
    org: "yiyang",
    proposer: "org-yiyang",
    title: "社区养老服务站助餐点",
    summary:
      "在东坡路社区养老服务站开设助餐点，为 80 岁以上、独居和行动不便的老人提供午餐堂食和送餐上门。",
    description:
      "社区 60 岁以上老人占三成，不少高龄、独居老人午饭常常凑合。颐养之家计划利用社区养老服务站一楼闲置的活动室，改造为可容纳 30 人的助餐点，与附近中央厨房合作配送营养午餐，每餐老人自付 10 元、补贴 5 元；行动不便的老人由夕阳红志愿服务队送餐上门。项目资金用于厨房设备、适老化餐桌椅和送餐保温箱等，日常运营费用由服务站承担。",
    category: "elderlyCare",
    beneficiaries: "社区 80 岁以上老人、独居老人和行动不便老人，约 120 人",
    place: "东坡路社区养老服务站一楼",
    startsIn: 15,
    endsIn: 200,
    items: [
      ["留样冰箱、消毒柜等厨房设备", 18000],
      ["适老化餐桌椅 30 套", 15000],
      ["送餐保温箱与电动三轮车", 12000],
      ["食品安全培训", 2000],
    ],
    history: [
      ["create", 20],
      ["submit", 18],
      ["startReview", 14],
    ],
    supports: [
      ["resident", 17],
      ["laozhang", 16.5],
      ["xiaolin", 16],
    ],
    comments: [
      {
        author: "resident",
        daysAgo: 15,
        body: "希望能送餐上门，我们楼里好几位老人腿脚不便，下不了楼。",
        replies: [
          {
            author: "laozhang",
            daysAgo: 14.5,
            body: "方案里写了送餐上门，由夕阳红志愿服务队负责。",
          },
        ],
      },
      {
        author: "xiaolin",
        daysAgo: 13,
        body: "菜单能不能照顾一下糖尿病老人？少油少盐，主食可以有杂粮。",
      },
    ],
  },
  {
    community: "dongpo",
    grid: 2,
    org: "tiaojie",
    proposer: "hejun",
    reviewer: "committee2",
    title: "东坡路社区邻里调解室改造与调解员培训",
    summary:
      "把社区闲置的储藏室改成安静、私密的调解室，并培训 12 名居民调解员，让邻里纠纷在楼道里就能化解。",
    description:
      "社区每年接到的邻里纠纷有 60 多起，多是楼上漏水、装修噪音和占用公共空间。现在调解只能借用议事厅，人来人往，当事人不愿敞开说。项目把一楼闲置储藏室改造为隔音调解室，配置圆桌和录音设备（经双方同意才使用，录音只交当事人），并邀请退休法官为 12 名居民调解员开设 4 次培训课程，课程安排和授课老师资质已在社区公示。",
    category: "mediation",
    beneficiaries: "东坡路社区全体居民，尤其是有邻里纠纷的家庭",
    place: "东坡路社区党群服务中心一楼",
    startsIn: 10,
    endsIn: 90,
    items: [
      ["储藏室隔音与装修改造", 16000],
      ["调解室家具", 5000],
      ["调解员培训（4 次）", 6000],
    ],
    history: [
      ["create", 24],
      ["submit", 23],
      ["startReview", 22],
      [
        "return",
        21.5,
        "请补充调解员培训的课程安排和授课老师资质，并说明录音设备如何保护当事人隐私。",
      ],
      ["submit", 20],
      ["startReview", 18],
      ["accept", 16],
    ],
    supports: [
      ["resident", 22.5],
      ["laozhang", 19],
    ],
    comments: [
      {
        author: "laozhang",
        daysAgo: 19.5,
        body: "楼上漏水的事调了三次都没结果，早该有个正经的调解室。",
      },
    ],
  },
  {
    community: "dongpo",
    grid: 1,
    org: null,
    proposer: "xiaolin",
    title: "中心花园改建宠物乐园",
    summary:
      "把中心花园西侧草坪围起来，改建为带饮水点和拾便箱的宠物活动区，减少遛狗不牵绳、随地便溺。",
    description:
      "小区养狗的家庭越来越多，遛狗不牵绳、狗粪无人清理引起不少矛盾。建议把中心花园西侧约 200 平方米的草坪用围栏围起来，设宠物饮水点、拾便袋箱和告示牌，遛狗集中在这里，其他区域一律牵绳，由养宠居民轮流值日清洁。",
    category: "environment",
    beneficiaries: "小区养宠家庭约 90 户，以及受遛狗问题困扰的居民",
    place: "东坡路社区中心花园西侧草坪",
    startsIn: 20,
    endsIn: 60,
    items: [
      ["防腐木围栏", 9000],
      ["宠物饮水点与拾便箱", 3500],
      ["地面透水砖铺装", 14000],
      ["告示牌", 800],
    ],
    history: [
      ["create", 24.8],
      ["submit", 24.5],
      ["startReview", 20],
      [
        "reject",
        19,
        "选址紧邻消防通道和老人晨练区，征求意见中多数居民担心噪音和卫生问题，不符合微实事项目的安全和公共利益要求。建议与社区一起另寻小区外的场地。",
      ],
    ],
    supports: [["resident", 23]],
    comments: [
      {
        author: "laozhang",
        daysAgo: 22,
        body: "中心花园是老人晨练的地方，围起来给狗用不合适。",
        replies: [
          {
            author: "xiaolin",
            daysAgo: 21.8,
            body: "理解大家的担心，围栏可以做隔音，也可以限定遛狗时段，欢迎一起商量。",
          },
        ],
      },
      {
        author: "laozhang",
        daysAgo: 21.5,
        body: "养狗的都没素质，谁同意谁就搬出去住！",
        hidden: {
          by: "committee",
          daysAgo: 21,
          reason: "含人身攻击内容，违反社区讨论公约，已隐藏。",
        },
      },
    ],
  },
  {
    community: "dongpo",
    grid: 3,
    org: null,
    proposer: "resident",
    reviewer: "committee2",
    title: "楼道堆物清理与消防通道整治",
    summary:
      "集中清理 9 至 12 幢楼道和地下室通道的堆积杂物，划出消防通道标线，每层安装独立式烟感报警器。",
    description:
      "9 至 12 幢楼道里堆着旧家具、纸箱和电动车，地下室通道也被占了一半，一旦起火后果不堪设想。计划先发告知书、留出两周让住户自行搬走，再组织志愿者和物业集中清运；之后在地面划消防通道黄线，每层安装独立式烟感报警器，并印制宣传海报和告知书。",
    category: "publicSafety",
    beneficiaries: "9 至 12 幢约 160 户居民",
    place: "东坡路社区 9 至 12 幢楼道及地下室",
    startsIn: 14,
    endsIn: 45,
    items: [
      ["杂物集中清运", 6000],
      ["独立式烟感报警器 96 个", 9600],
      ["消防通道标线", 2400],
      ["宣传物料", 5000],
    ],
    history: [
      ["create", 16],
      ["submit", 15],
      ["startReview", 12],
      [
        "return",
        11,
        "预算中“宣传物料”一项偏高，请补充报价单；并写明清理期间如何保障行动不便老人的出行，以及杂物去留如何与住户确认。",
      ],
    ],
    supports: [
      ["xiaolin", 14],
      ["laozhang", 13.5],
    ],
    comments: [
      {
        author: "laozhang",
        daysAgo: 13,
        body: "支持！我们楼的地下室通道连轮椅都过不去。",
      },
    ],
  },
  {
    community: "dongpo",
    grid: 2,
    org: "nuanxin",
    proposer: "songmei",
    title: "困难家庭冬季暖心包与入户探访",
    summary:
      "为辖区 36 户低保、低边和困境儿童家庭送去冬季暖心包，志愿者结对入户探访，登记每户的实际困难。",
    description:
      "入冬后，低保、低边家庭和困境儿童家庭的取暖和过冬用品最紧缺。暖心帮扶互助会将为 36 户家庭配送电热毯、羽绒被、米面油等暖心包，并由志愿者两人一组结对入户，了解老人看病、孩子上学的实际困难，建立帮扶台账，转介给社区和相关部门跟进。",
    category: "hardship",
    beneficiaries: "东坡路社区低保、低边家庭和困境儿童家庭共 36 户",
    place: "东坡路社区各网格",
    startsIn: 5,
    endsIn: 60,
    items: [
      ["暖心包（电热毯、羽绒被、米面油）36 份", 21600],
      ["志愿者交通与意外保险", 2400],
      ["帮扶台账与回访", 1500],
    ],
    history: [
      ["create", 25],
      ["submit", 24],
      ["startReview", 20],
      ["accept", 18],
      ["select", 12],
    ],
    supports: [
      ["resident", 23],
      ["xiaolin", 22],
      ["laozhang", 21],
    ],
    comments: [
      {
        author: "resident",
        daysAgo: 22.5,
        body: "去年送的米面油很实在，希望今年多关注独居老人。",
      },
    ],
  },
  {
    community: "dongpo",
    grid: 1,
    org: "yiyang",
    proposer: "laozhang",
    title: "独居老人“一键呼”紧急呼叫设备安装",
    summary:
      "为 40 户独居和空巢老人家中安装一键呼叫器和烟感、门磁传感器，异常时自动通知家属、网格员和养老服务站。",
    description:
      "社区有独居、空巢老人 40 余户，去年有老人在家摔倒两天后才被发现。项目为 40 户老人安装一键呼叫器、烟感和门磁传感器，连续 24 小时门未开启或按下呼叫键时，平台同时通知家属、网格员和养老服务站值班人员，志愿者 15 分钟内上门查看。设备首年通信费由项目承担，之后纳入养老服务站运营。",
    category: "elderlyCare",
    beneficiaries: "东坡路社区独居、空巢老人 40 户",
    place: "东坡路社区老人家中",
    startsIn: -18,
    endsIn: 20,
    items: [
      ["一键呼叫器 40 台", 12000],
      ["烟感与门磁传感器 40 套", 8000],
      ["首年通信与平台服务费", 4800],
      ["安装调试", 3200],
    ],
    history: [
      ["create", 27],
      ["submit", 26],
      ["startReview", 23],
      ["accept", 22],
      ["select", 20],
      ["start", 18],
    ],
    supports: [
      ["resident", 25],
      ["xiaolin", 24.5],
    ],
    progress: [
      [12, 12600, "完成首批 22 户安装，老人和家属都已学会使用，网格员手机端已接入提醒。"],
      [4, 7400, "第二批 12 户安装完毕；剩余 6 户老人外出就医，返家后安装。"],
    ],
    comments: [
      {
        author: "resident",
        daysAgo: 11,
        body: "隔壁李阿姨装上了，她女儿在上海也能收到提醒，放心多了。",
        replies: [
          {
            author: "xiaolin",
            daysAgo: 10.5,
            body: "请问还能报名吗？我外婆也是一个人住。",
          },
        ],
      },
    ],
  },
  {
    community: "dongpo",
    grid: null,
    org: "lab",
    proposer: "expert-chen",
    title: "东坡路社区邻里节文艺汇演",
    summary: "由居民自编自演的邻里节文艺汇演，配套百家宴和老照片展，让新老居民认识彼此。",
    description:
      "社区新搬来的年轻家庭越来越多，很多人连对门邻居都不认识。社区营造实验室与居民共同策划邻里节：前期征集老照片、组织三次排练，活动当天在东坡路社区文化广场举办文艺汇演、百家宴和“老东坡”照片展，演员全部是居民。活动结束后把照片展留在党群服务中心长期展出。",
    category: "culture",
    beneficiaries: "东坡路社区全体居民，预计参与 500 人次",
    place: "东坡路社区文化广场",
    startsIn: -21,
    endsIn: -6,
    items: [
      ["舞台与音响租赁", 8500],
      ["老照片征集与展板制作", 4200],
      ["百家宴食材与餐具", 6000],
      ["排练场地与服装道具", 3300],
    ],
    history: [
      ["create", 27.5],
      ["submit", 27],
      ["startReview", 24],
      ["accept", 23.5],
      ["select", 22.5],
      ["start", 21],
      ["complete", 6],
    ],
    supports: [
      ["resident", 26.5],
      ["laozhang", 25.8],
      ["xiaolin", 24.8],
    ],
    progress: [[14, 7500, "老照片征集到 312 张，完成三次排练，节目单确定 12 个节目。"]],
    final: [
      13900,
      "汇演当天参与居民约 650 人次，百家宴 48 桌。照片展已移至党群服务中心二楼长期展出。结余 600 元退回社区微实事资金池。",
    ],
    ratings: [
      ["laozhang", 5, 5],
      ["xiaolin", 4, 3],
    ],
    comments: [
      {
        author: "laozhang",
        daysAgo: 5.5,
        body: "节目都是咱们邻居演的，越剧唱得真好！",
        replies: [
          {
            author: "xiaolin",
            daysAgo: 5,
            body: "百家宴上认识了好几户新邻居，明年还要办。",
          },
        ],
      },
    ],
  },
  {
    community: "dongpo",
    grid: 3,
    org: null,
    proposer: "laozhang",
    reviewer: "committee2",
    title: "小区非机动车集中充电棚建设",
    summary:
      "在小区北门空地建一座可停 60 辆电动自行车的充电棚，配智能充电桩和喷淋，杜绝电动车进楼道、飞线充电。",
    description:
      "电动自行车进楼道、从窗口拉线充电在小区里屡禁不止，存在很大火灾隐患。计划在北门空地建设一座钢结构充电棚，安装 30 个智能充电口（充满自动断电）、烟感和自动喷淋，按次扫码付费。建成后配合物业劝导电动车不进楼。",
    category: "publicSafety",
    beneficiaries: "小区约 150 户电动自行车车主，以及全体居民的消防安全",
    place: "东坡路社区北门空地",
    startsIn: -10,
    endsIn: 40,
    items: [
      ["钢结构车棚", 38000],
      ["智能充电桩（30 口）", 18000],
      ["烟感与自动喷淋", 9000],
      ["地面硬化", 6000],
    ],
    history: [
      ["create", 25.9],
      ["submit", 25.7],
      ["startReview", 24],
      ["accept", 23],
      ["select", 21],
      [
        "abandon",
        9,
        "北门空地产权属于市政部门，用地审批无法在本年度内完成，项目终止，资金退回社区微实事资金池；充电问题改为与物业协商在地下车库加装充电桩。",
      ],
    ],
    supports: [
      ["resident", 25.5],
      ["xiaolin", 24.9],
    ],
    comments: [
      {
        author: "resident",
        daysAgo: 25.2,
        body: "支持，楼下天天有人飞线充电，看着就怕。",
      },
    ],
  },
  {
    community: "qingbomen",
    grid: 2,
    org: "yiyang",
    proposer: "org-yiyang",
    title: "清波门社区养老服务站助浴服务",
    summary: "为失能、半失能老人提供上门和站内助浴服务，配置移动助浴设备，由持证护理员操作。",
    description:
      "清波门社区不少老人住老房子，卫生间狭小没有扶手，洗澡成了最危险的事，有的老人一个冬天都不敢洗澡。项目在社区养老服务站配置一套移动助浴设备和防滑洗浴椅，由持证护理员和志愿者两人一组，为失能、半失能老人提供站内助浴和上门助浴服务，每位老人每月两次，首年免费。",
    category: "elderlyCare",
    beneficiaries: "清波门社区失能、半失能老人约 35 人",
    place: "清波门社区养老服务站",
    startsIn: -18,
    endsIn: -4,
    items: [
      ["移动助浴设备", 26000],
      ["防滑洗浴椅与扶手", 4500],
      ["护理员上岗培训", 3500],
      ["洗浴耗材", 3000],
    ],
    history: [
      ["create", 21],
      ["submit", 20.5],
      ["startReview", 19.5],
      ["accept", 19],
      ["select", 18.5],
      ["start", 18],
      ["complete", 4],
    ],
    supports: [["tangwei", 20]],
    progress: [[11, 28500, "助浴设备已到位，4 名护理员完成培训，已为 14 位老人提供首轮助浴。"]],
    final: [
      8200,
      "两个周期共服务 33 位老人、61 人次，无一例安全事故。回访老人和家属，满意度 97%。",
    ],
    ratings: [["tangwei", 5, 3]],
    comments: [
      {
        author: "tangwei",
        daysAgo: 3.5,
        body: "我母亲用过，护理员很细心，还帮她剪了指甲。",
      },
    ],
  },
  {
    community: "qingbomen",
    grid: 1,
    org: "pingan",
    proposer: "xuhua",
    title: "清波门老旧小区消防设施更新",
    summary: "为清波门社区 6 幢老旧住宅更换过期灭火器、修复消防栓，加装楼道应急照明和疏散指示。",
    description:
      "巡逻队排查发现，清波门社区 6 幢老旧住宅的楼道灭火器半数已过期，两处消防栓没水，楼道没有应急照明和疏散指示。项目更换 72 具灭火器，修复消防栓，每层加装应急照明灯和疏散指示牌，并为每栋楼培训 2 名“楼道消防员”，每月检查一次。",
    category: "publicSafety",
    beneficiaries: "清波门社区 6 幢老旧住宅约 280 户居民",
    place: "清波门社区 1 至 6 幢",
    startsIn: -17,
    endsIn: 15,
    items: [
      ["灭火器 72 具", 6500],
      ["消防栓维修", 5200],
      ["应急照明与疏散指示", 11800],
      ["楼道消防员培训", 1500],
    ],
    history: [
      ["create", 25],
      ["submit", 24],
      ["startReview", 21.5],
      ["accept", 20],
      ["select", 19],
      ["start", 17],
    ],
    supports: [["tangwei", 20.8]],
    progress: [
      [10, 11700, "72 具灭火器已更换，两处消防栓修复并通水测试合格。"],
      [3, 6300, "1 至 4 幢应急照明安装完成，5、6 幢下周施工。"],
    ],
    comments: [
      {
        author: "tangwei",
        daysAgo: 9,
        body: "5 幢楼道的应急灯装在哪几层？我们楼梯转角特别黑。",
      },
    ],
  },
  {
    community: "qingbomen",
    grid: 3,
    org: "yingji",
    proposer: "zhengkai",
    title: "清波门社区应急物资储备点建设",
    summary:
      "在社区党群服务中心设立应急物资储备点，储备防汛沙袋、抽水泵、应急照明和急救包，并组织一次防汛演练。",
    description:
      "清波门社区地势低，靠近河道，去年梅雨季两个小区进水。项目在社区党群服务中心地下室设立应急物资储备点，配置货架、防汛沙袋、抽水泵、应急照明、急救包和饮用水，建立物资台账和轮换制度，汛期前组织居民参加一次防汛应急演练。",
    category: "disasterRelief",
    beneficiaries: "清波门社区全体居民，重点是低洼地带约 400 户",
    place: "清波门社区党群服务中心地下室",
    startsIn: 7,
    endsIn: 60,
    items: [
      ["储备货架与防潮垫板", 6000],
      ["防汛沙袋与抽水泵", 14500],
      ["应急照明与急救包", 8200],
      ["防汛演练组织", 3300],
    ],
    history: [
      ["create", 20],
      ["submit", 19],
      ["startReview", 16],
      ["accept", 14],
      ["select", 8],
    ],
    supports: [["tangwei", 18]],
    comments: [
      {
        author: "tangwei",
        daysAgo: 15,
        body: "建议储备点也放一台 AED，附近老人多。",
      },
    ],
  },
  {
    community: "qingbomen",
    grid: 2,
    org: null,
    proposer: "tangwei",
    title: "清波门街巷口袋公园微更新",
    summary:
      "把社区南侧废弃的自行车棚改造成口袋公园，种植乡土花木、安放座椅，给老人和孩子一个歇脚的地方。",
    description:
      "社区南侧的自行车棚已经废弃多年，堆满杂物，夏天蚊虫很多。建议拆除车棚，改造成约 150 平方米的口袋公园：种植桂花、绣球等乡土花木，铺设透水步道，安放带扶手的座椅和遮阳棚，由居民认领花池日常养护。设计方案将在社区公示两周，听取周边住户意见。",
    category: "environment",
    beneficiaries: "清波门社区南片约 300 户居民",
    place: "清波门社区南侧废弃自行车棚",
    startsIn: 30,
    endsIn: 90,
    items: [
      ["车棚拆除与垃圾清运", 5500],
      ["乡土花木与种植土", 12000],
      ["透水步道铺装", 16000],
      ["带扶手座椅与遮阳棚", 9500],
    ],
    history: [
      ["create", 9],
      ["submit", 8],
    ],
    comments: [
      {
        author: "tangwei",
        daysAgo: 7,
        body: "补充：设计草图已贴在社区公告栏，欢迎大家提意见。",
      },
    ],
  },
  {
    community: "qingbomen",
    grid: 1,
    org: "qingning",
    proposer: "tangwei",
    title: "旧衣物回收与再利用站点",
    summary:
      "在清波门社区设置两个智能旧衣回收箱，每月举办一次旧物改造工作坊，把旧衣变成环保袋和坐垫。",
    description:
      "居民家中的旧衣物常被当作其他垃圾丢掉。项目在社区东、西两个出入口设置智能旧衣回收箱，回收的衣物分拣后，可穿的捐给困难家庭，不能穿的交给再生企业处理；每月举办一次旧物改造工作坊，教居民把旧衣做成环保袋和坐垫，参加者可获得环保积分。",
    category: "environment",
    beneficiaries: "清波门社区全体居民",
    place: "清波门社区东、西出入口",
    startsIn: 10,
    endsIn: 100,
    items: [
      ["智能旧衣回收箱 2 台", 9600],
      ["分拣与清运服务", 3600],
      ["旧物改造工作坊（6 次）", 4800],
    ],
    history: [
      ["create", 18],
      ["submit", 17],
      ["startReview", 15],
      ["accept", 10],
    ],
    comments: [
      {
        author: "tangwei",
        daysAgo: 9,
        body: "补充：回收箱厂家承诺免费维护三年。",
      },
    ],
  },
  {
    community: "qingbomen",
    grid: null,
    org: "yiyang",
    proposer: "laozhang",
    title: "清波门社区老年人防诈骗讲座",
    summary:
      "邀请社区民警和银行工作人员，为老人举办四场防诈骗讲座，现场演示常见骗局，发放大字版防诈骗手册。",
    description:
      "近来针对老人的保健品、以房养老和冒充公检法诈骗频发，清波门社区已有老人被骗。颐养之家计划邀请社区民警和银行工作人员开设四场讲座，用情景剧演示常见骗局，教老人识别诈骗电话，并为每位参加的老人发放大字版防诈骗手册。",
    category: "publicSafety",
    beneficiaries: "清波门社区 60 岁以上老人约 200 人",
    place: "清波门社区党群服务中心",
    startsIn: 25,
    endsIn: 70,
    items: [
      ["讲师劳务（4 场）", 3200],
      ["大字版防诈骗手册 200 册", 2400],
      ["情景剧道具与场地布置", 1400],
    ],
    history: [["create", 2]],
  },
  {
    community: "qingnian",
    grid: 1,
    org: "tiaojie",
    proposer: "hejun",
    title: "青年路社区邻里调解志愿者培训",
    summary:
      "为青年路社区培训 15 名邻里调解志愿者，学习沟通技巧和常见纠纷的法律知识，结业后在各网格坐班。",
    description:
      "青年路社区出租房多、住户流动大，噪音、漏水、停车纠纷频发，社区调解力量不够。项目邀请退休法官和执业律师，为 15 名居民志愿者开设六次培训，内容包括倾听与沟通技巧、相邻关系法律知识和调解协议书写法，并以真实案例模拟调解。结业后志愿者按网格轮流坐班。",
    category: "mediation",
    beneficiaries: "青年路社区居民，首批 15 名调解志愿者",
    place: "青年路社区议事厅",
    startsIn: -18,
    endsIn: -5,
    items: [
      ["讲师劳务（6 次）", 4800],
      ["培训教材与案例汇编", 1200],
      ["模拟调解场地布置", 800],
      ["结业证书与坐班牌", 600],
    ],
    history: [
      ["create", 22],
      ["submit", 21.5],
      ["startReview", 20],
      ["accept", 19.5],
      ["select", 19],
      ["start", 18.5],
      ["complete", 5],
    ],
    supports: [["songmei", 21]],
    progress: [[11, 3600, "已完成三次培训，15 名志愿者全勤。"]],
    final: [3500, "六次培训全部完成，15 人结业，已按网格排班坐班，首月调解成功 7 起。"],
    ratings: [["songmei", 4, 4]],
    comments: [
      {
        author: "songmei",
        daysAgo: 20.5,
        body: "希望培训也讲讲出租房的纠纷，我们这边最多。",
        replies: [
          {
            author: "hejun",
            daysAgo: 20.3,
            body: "好的，第四次课专门讲租赁和物业纠纷。",
          },
        ],
      },
    ],
  },
  {
    community: "laodong",
    grid: 2,
    org: "pingan",
    proposer: "xuhua",
    title: "劳动路平安巷监控补盲与照明改善",
    summary:
      "平安巷有三处视频监控盲区和一段 80 米的暗巷，拟加装路灯、公共区域摄像头和一键报警柱，方便夜间出行。",
    description:
      "平安巷是居民去菜场和公交站的必经小巷，中段约 80 米没有路灯，三个拐角没有监控，今年发生过两起电动车被盗。项目加装 6 盏太阳能路灯、3 个公共区域摄像头（只对着公共道路，不对着住户门窗），接入社区平安监控平台，并在巷口设置一键报警柱。",
    category: "publicSafety",
    beneficiaries: "劳动路社区平安巷周边约 500 户居民",
    place: "劳动路社区平安巷",
    startsIn: 20,
    endsIn: 75,
    items: [
      ["太阳能路灯 6 盏", 10800],
      ["公共区域摄像头 3 个", 7500],
      ["一键报警柱", 6200],
      ["线路与安装", 3500],
    ],
    history: [
      ["create", 6],
      ["submit", 5],
    ],
    comments: [
      {
        author: "xuhua",
        daysAgo: 4,
        body: "补充：摄像头位置已请巷口两户邻居确认过，拍不到家里。",
      },
    ],
  },
  {
    community: "baoshishan",
    grid: 1,
    org: "xizi",
    proposer: "gaoyan",
    title: "宝石山社区非遗剪纸进社区",
    summary: "请杭州剪纸传承人每周到社区授课，开设长辈班和亲子班，年底举办作品展。",
    description:
      "西子文化艺术团邀请杭州剪纸非遗传承人，每周六在宝石山社区文化家园开课，分长辈班和亲子班各 12 次课，提供剪刀、刻刀和红纸等材料。学员作品年底在社区文化长廊展出，优秀作品送给社区独居老人作新春礼物。",
    category: "culture",
    beneficiaries: "宝石山社区长辈和亲子家庭约 60 人",
    place: "宝石山社区文化家园",
    startsIn: -10,
    endsIn: 60,
    items: [
      ["传承人授课（24 次）", 9600],
      ["剪纸工具与材料", 3200],
      ["作品展展板", 2200],
    ],
    history: [
      ["create", 17],
      ["submit", 16.5],
      ["startReview", 15],
      ["accept", 14],
      ["select", 12],
      ["start", 10],
    ],
    progress: [[3, 4600, "长辈班、亲子班各上课 3 次，报名 58 人，长辈班已开始学剪窗花。"]],
    comments: [
      {
        author: "gaoyan",
        daysAgo: 2,
        body: "下周六亲子班剪生肖，欢迎带孩子来。",
      },
    ],
  },
  {
    community: "wensan",
    grid: 2,
    org: null,
    proposer: "yuanfang",
    title: "文三路社区困难家庭子女暑期托管",
    summary:
      "暑假期间为双职工和困难家庭的孩子提供白天托管，安排作业辅导、午餐和兴趣课，困难家庭免费。",
    description:
      "暑假孩子没人看是双职工和困难家庭最头疼的事。计划借用社区文化家园，暑假期间周一至周五提供白天托管，由附近高校志愿者辅导作业，安排午餐、午休和书法、科学实验等兴趣课。困难家庭子女免费，其他家庭每天只收 20 元餐费。",
    category: "hardship",
    beneficiaries: "文三路社区 6 至 12 岁儿童约 40 人，其中困难家庭子女 12 人",
    place: "文三路社区文化家园",
    startsIn: 40,
    endsIn: 90,
    items: [
      ["志愿者补贴与保险", 12000],
      ["困难家庭午餐补助", 9600],
      ["兴趣课材料", 3400],
      ["场地空调与桌椅维护", 2000],
    ],
    history: [
      ["create", 12],
      ["submit", 11],
      ["startReview", 8],
    ],
    comments: [
      {
        author: "yuanfang",
        daysAgo: 9,
        body: "补充：已有 9 名浙大学生报名当志愿者。",
      },
    ],
  },
  {
    community: "geling",
    grid: 3,
    org: null,
    proposer: "luoping",
    title: "葛岭社区山林防火宣传与灭火器配置",
    summary:
      "葛岭社区紧邻宝石山山林，在登山口和山脚住户集中处配置灭火器箱，入户发放防火宣传单，组织一次扑火演练。",
    description:
      "葛岭社区紧挨宝石山，秋冬季节干燥，上山烧香、吸烟的游客多，山脚住户担心山火。计划在 4 个登山口和山脚住户集中处设置 8 个灭火器箱，每户发放防火宣传单，在登山口设置防火提示牌，并与应急救援志愿服务队合作组织一次山林扑火演练。",
    category: "disasterRelief",
    beneficiaries: "葛岭社区山脚住户约 180 户，以及登山游客",
    place: "葛岭社区宝石山登山口及山脚住户区",
    startsIn: 15,
    endsIn: 75,
    items: [
      ["灭火器箱与灭火器 8 套", 6400],
      ["防火提示牌", 2000],
      ["宣传单印制", 900],
      ["扑火演练", 2700],
    ],
    history: [
      ["create", 7],
      ["submit", 6],
    ],
  },
];

/**
 * Projects added to the demo after the others, proposed by the seed's last steps (`seedLaterProjects`
 * runs after every other part of the demo) so that every id made before stays as it was; dated
 * weeks back all the same, so they do not lead the newest-first list. Bilingual, so that a search in
 * English finds something: "english" finds the first by its title and the second by its
 * description, in that order (tests/search-demo.test.ts).
 */
const LATER_PROJECTS: ProjectSeed[] = [
  {
    community: "qingnian",
    grid: 1,
    org: null,
    proposer: "hejun",
    title: "青年路社区英语角 English Corner",
    summary:
      "每周六上午在社区议事厅办英语角，由在杭外籍邻居和大学生志愿者带着聊，老人孩子都能来练口语、交朋友。",
    description:
      "青年路社区住着 30 多户外籍居民，不少老人想跟孙辈一起学几句英语，孩子们也想多练口语。英语角每周六上午 9 点到 11 点在社区议事厅举办，分老年、亲子两桌，由外籍邻居和浙江大学志愿者轮流带领，每次一个生活话题（看病、买菜、问路）。Every Saturday morning, neighbours meet to talk in English and Chinese over tea: foreign residents practise their Chinese, and older residents and children practise their English. 项目经费用于购买话题卡片、绘本、茶歇和志愿者交通补贴。",
    category: "culture",
    beneficiaries: "青年路社区想学英语的老人和孩子，以及外籍居民，每次约 25 人",
    place: "青年路社区议事厅",
    startsIn: 10,
    endsIn: 190,
    items: [
      ["话题卡片与英文绘本", 1800],
      ["茶歇（26 次）", 2600],
      ["志愿者交通补贴", 1560],
    ],
    history: [
      ["create", 35],
      ["submit", 34],
    ],
  },
  {
    community: "wensan",
    grid: 2,
    org: null,
    proposer: "yuanfang",
    title: "文三路社区中外文指示牌更新",
    summary:
      "社区里的楼栋号、服务站和避难场所指示牌褪色残缺，外籍租户和来访家属常常找不到路，申请统一更换为中外文对照的新牌子。",
    description:
      "文三路社区靠近高校和科技园，租住的外籍青年和访问学者越来越多。现有指示牌只有中文，很多已经褪色。计划更换 40 块楼栋号牌、12 块服务设施指示牌和 4 块应急避难场所指示牌，全部采用中英文对照（Chinese and English），字号加大，方便老人和外籍居民辨认。Signs for building numbers, the service centre and the emergency shelter, in Chinese and English.",
    category: "communityService",
    beneficiaries: "文三路社区全体居民和来访者，其中外籍居民约 120 人",
    place: "文三路社区各楼栋及公共区域",
    startsIn: 20,
    endsIn: 60,
    items: [
      ["楼栋号牌 40 块", 6000],
      ["服务设施与避难场所指示牌 16 块", 6400],
      ["安装人工", 1600],
    ],
    history: [
      ["create", 33],
      ["submit", 32],
    ],
  },
];

/** Supports at which a submitted project of 东坡路 goes under review by itself. */
const DONGPO_SUPPORT_THRESHOLD = 10;

/** Committee steps: taken by the project's reviewer unless the history names someone. */
const COMMITTEE_STEPS: ReadonlySet<Step> = new Set([
  "startReview",
  "accept",
  "reject",
  "return",
  "select",
]);

export async function seedProjects(db: DB, base = Date.now()): Promise<void> {
  await playProjects(db, base, PROJECTS, true);
}

/** The projects of `LATER_PROJECTS`: run last of the demo, so that no earlier id moves. */
export async function seedLaterProjects(db: DB, base = Date.now()): Promise<void> {
  await playProjects(db, base, LATER_PROJECTS, false);
}

async function playProjects(
  db: DB,
  base: number,
  projects: ProjectSeed[],
  withOrganisations: boolean,
): Promise<void> {
  const kit = seedKit(db, base);
  const shanghaiDate = new Intl.DateTimeFormat("en-CA", { timeZone: "Asia/Shanghai" });
  const dateIn = (days: number) => shanghaiDate.format(new Date(kit.base + days * DAY));
  const timeline = new Timeline();

  /** The community's first-appointed committee member (appointed longest ago). */
  const committee = await db
    .selectFrom("committeeMembers")
    .innerJoin("users", "users.id", "committeeMembers.userId")
    .innerJoin("areas", "areas.id", "committeeMembers.communityId")
    .select(["users.username", "areas.code"])
    .where("committeeMembers.endedAt", "is", null)
    .orderBy("committeeMembers.appointedAt")
    .execute();
  const chairOf = (code: string) => {
    const row = committee.find((c) => c.code === code);
    if (!row?.username) throw new Error(`seedProjects: ${code} has no committee`);
    return row.username;
  };

  if (withOrganisations) {
    timeline.add(kit.daysAgo(30), "support threshold of dongpo", async (now) => {
      await kit.run(setSupportThreshold, "committee", now, {
        communityId: await kit.areaId("dongpo"),
        threshold: DONGPO_SUPPORT_THRESHOLD,
      });
    });
  }

  // Organisations (with the first projects only): the applicant applies (and becomes the first
  // admin), a committee of a served community decides, admins invite and the invited accept.
  const orgIds = new Map<string, number>();
  const orgId = (key: string) => {
    const id = orgIds.get(key);
    if (id === undefined) throw new Error(`seedProjects: organisation ${key} not there yet`);
    return id;
  };
  for (const o of withOrganisations ? ORGANISATIONS : []) {
    timeline.add(kit.daysAgo(o.createdDaysAgo), `apply ${o.name}`, async (now) => {
      const id = await kit.run(applyOrganisation, o.admin, now, {
        name: o.name,
        tier: o.tier,
        registrationNumber: o.registrationNumber,
        services: o.services,
        communities: await Promise.all(o.communities.map((c) => kit.areaId(c))),
        description: o.description,
        contact: o.contact,
      });
      orgIds.set(o.key, id);
    });
    const d = o.decision;
    if (d) {
      timeline.add(kit.daysAgo(d.daysAgo), `decide ${o.name}`, async (now) => {
        await kit.run(
          d.status === "verified" ? verifyOrganisation : declineOrganisation,
          d.by,
          now,
          { id: orgId(o.key), reason: d.reason ?? "" },
        );
      });
    }
  }
  for (const [key, username, invitedDaysAgo, joinedDaysAgo] of withOrganisations
    ? EXTRA_MEMBERS
    : []) {
    const org = ORGANISATIONS.find((o) => o.key === key)!;
    timeline.add(kit.daysAgo(invitedDaysAgo), `invite ${username} to ${org.name}`, async (now) => {
      await kit.run(inviteMember, org.admin, now, {
        id: orgId(key),
        login: { kind: "username", value: username },
        role: "member",
      });
    });
    if (joinedDaysAgo !== null) {
      timeline.add(kit.daysAgo(joinedDaysAgo), `${username} joins ${org.name}`, async (now) => {
        await kit.run(acceptInvitation, username, now, { id: orgId(key) });
      });
    }
  }

  // Projects. Ids follow creation, as the timeline runs the proposals in the order they were made
  // (within one call: `LATER_PROJECTS` come after all, whatever their dates).
  for (const p of projects) {
    const reviewer = p.reviewer ?? chairOf(p.community);
    const what = (step: string) => `${p.title}: ${step}`;
    let projectId: number | null = null;
    const id = () => {
      if (projectId === null) throw new Error(`seedProjects: ${p.title} not proposed yet`);
      return projectId;
    };
    const [first, ...steps] = p.history;
    if (!first || first[0] !== "create") throw new Error(`seedProjects: ${p.title}: no create`);
    let last = first[1];
    for (const [, daysAgo] of steps) {
      if (daysAgo >= last) throw new Error(`seedProjects: ${p.title}: history out of order`);
      last = daysAgo;
    }

    timeline.add(kit.daysAgo(first[1]), what("propose"), async (now) => {
      projectId = await kit.run(proposeProject, first[3] ?? p.proposer, now, {
        communityId: await kit.areaId(p.community),
        organisationId: p.org === null ? null : orgId(p.org),
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
      });
    });
    for (const [step, daysAgo, reason, actor] of steps) {
      if (step === "create") throw new Error(`seedProjects: ${p.title}: created twice`);
      const by = actor ?? (COMMITTEE_STEPS.has(step) ? reviewer : p.proposer);
      // Completing carries the final report, dated the day of the step.
      const report =
        step === "complete"
          ? p.final
            ? { body: p.final[1], spent: p.final[0], onDate: dateIn(-daysAgo) }
            : null
          : {};
      if (report === null) throw new Error(`seedProjects: ${p.title}: completed with no report`);
      timeline.add(kit.daysAgo(daysAgo), what(step), async (now) => {
        await kit.run(takeStep, by, now, {
          id: id(),
          step,
          ...(reason === undefined ? {} : { reason }),
          ...report,
        });
      });
    }
    if (p.final && !p.history.some(([step]) => step === "complete")) {
      throw new Error(`seedProjects: ${p.title}: final report without completing`);
    }
    for (const [daysAgo, spent, body] of p.progress ?? []) {
      timeline.add(kit.daysAgo(daysAgo), what("progress"), async (now) => {
        await kit.run(addProgress, p.proposer, now, {
          id: id(),
          body,
          spent,
          onDate: dateIn(-daysAgo),
        });
      });
    }
    for (const [username, daysAgo] of p.supports ?? []) {
      timeline.add(kit.daysAgo(daysAgo), what(`support by ${username}`), async (now) => {
        await kit.run(supportProject, username, now, { id: id() });
      });
    }
    for (const [username, score, daysAgo] of p.ratings ?? []) {
      timeline.add(kit.daysAgo(daysAgo), what(`rating by ${username}`), async (now) => {
        await kit.run(rateProject, username, now, { id: id(), score });
      });
    }
    for (const c of p.comments ?? []) {
      let commentId: number | null = null;
      const cid = () => {
        if (commentId === null) throw new Error(`seedProjects: ${p.title}: comment not there yet`);
        return commentId;
      };
      timeline.add(kit.daysAgo(c.daysAgo), what(`comment by ${c.author}`), async (now) => {
        commentId = await kit.run(addComment, c.author, now, {
          id: id(),
          body: c.body,
          parentId: null,
        });
      });
      for (const r of c.replies ?? []) {
        timeline.add(kit.daysAgo(r.daysAgo), what(`reply by ${r.author}`), async (now) => {
          await kit.run(addComment, r.author, now, {
            id: id(),
            body: r.body,
            parentId: cid(),
          });
        });
      }
      for (const f of c.flags ?? []) {
        timeline.add(kit.daysAgo(f.daysAgo), what(`report by ${f.by}`), async (now) => {
          await kit.run(flagComment, f.by, now, { commentId: cid(), reason: f.reason });
        });
      }
      const h = c.hidden;
      if (h) {
        timeline.add(kit.daysAgo(h.daysAgo), what(`hidden by ${h.by}`), async (now) => {
          await kit.run(hideComment, h.by, now, { commentId: cid(), reason: h.reason });
        });
      }
    }
  }

  await timeline.play();
}
