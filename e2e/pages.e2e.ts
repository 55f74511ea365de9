/**
 * Every page, in both modes and both languages: axe-core finds no violations (run in Chinese, see
 * `checkPage`), no raw locale key
 * or unfilled interpolation (such as "{{min}}") shows, no web font, no dialog or window the
 * reader did not open, and 长辈版 has no script at all (none requested either), no image, large
 * type and large targets, and the switch in the first screen. With the large-text preference,
 * standard mode has at least 18 px body text and still reflows at 320 px.
 */
import fs from "node:fs";
import zlib from "node:zlib";
import path from "node:path";
import AxeBuilder from "@axe-core/playwright";
import type {
  Browser,
  BrowserContext,
  ConsoleMessage,
  Cookie,
  Dialog,
  Page,
  Request,
} from "playwright-core";
import { afterAll, beforeAll, describe, expect, it, type ExpectStatic } from "vitest";
import { seededByTitle, seededCommunity, seededConversation, seededNeeds } from "./support/seeded";
import { launch, newContext, signIn } from "./support/browser";

let browser: Browser;
beforeAll(async () => {
  browser = await launch();
});
afterAll(async () => {
  await browser?.close();
});

/** Every dotted locale key, bare and with its namespace: none may appear on a page. */
const RAW_KEYS = (() => {
  const out: string[] = [];
  const root = path.resolve("public/locales/zh-CN");
  const walk = (o: Record<string, unknown>, prefix: string, ns: string) => {
    for (const [k, v] of Object.entries(o)) {
      const key = `${prefix}${k}`;
      if (v && typeof v === "object") walk(v as Record<string, unknown>, `${key}.`, ns);
      else if (key.includes(".")) out.push(key, `${ns}:${key}`);
    }
  };
  for (const f of fs.readdirSync(root)) {
    walk(
      JSON.parse(fs.readFileSync(path.join(root, f), "utf8")) as Record<string, unknown>,
      "",
      f.replace(".json", ""),
    );
  }
  return out;
})();

// lh100001 is 陈桂芳, whom the service window registered (db/seed-assist.ts).
type Who =
  "anonymous" | "resident" | "committee" | "admin" | "lh100001" | "gridworker" | "dispatcher";
/**
 * Each page, who looks at it, and the heading that proves the right route rendered. A `bare` page
 * is meant for paper: it has no header, navigation, switches or footer at all.
 */
const PAGES: Array<{ path: string; who: Who; h1: RegExp; form?: boolean; bare?: boolean }> = [
  { path: "/", who: "anonymous", h1: /欢迎来到六和议事|Welcome to Liuhe/ },
  { path: "/", who: "committee", h1: /您好|Hello/ },
  { path: "/join", who: "anonymous", h1: /注册账号|Create an account/ },
  { path: "/join", who: "anonymous", h1: /注册账号|Create an account/, form: true },
  { path: "/login", who: "anonymous", h1: /^登录$|^Sign in$/ },
  { path: "/login", who: "anonymous", h1: /^登录$|^Sign in$/, form: true },
  { path: "/communities", who: "anonymous", h1: /^社区$|^Communities$/ },
  { path: "/communities/COMMUNITY", who: "anonymous", h1: /东坡路社区|Dongpo Road/ },
  { path: "/communities/COMMUNITY", who: "resident", h1: /东坡路社区|Dongpo Road/ },
  { path: "/communities/COMMUNITY", who: "committee", h1: /东坡路社区|Dongpo Road/ },
  { path: "/communities/COMMUNITY", who: "admin", h1: /东坡路社区|Dongpo Road/ },
  { path: "/communities/COMMUNITY/audit", who: "committee", h1: /审计日志|Audit log/ },
  { path: "/councils/COUNCIL", who: "anonymous", h1: /我们圆桌会/ },
  { path: "/councils/COUNCIL", who: "committee", h1: /我们圆桌会/ },
  {
    path: "/councils/COUNCIL/meetings/new",
    who: "committee",
    h1: /安排一场会议|Schedule a meeting/,
  },
  {
    path: "/councils/COUNCIL/meetings/new",
    who: "committee",
    h1: /安排一场会议|Schedule a meeting/,
    form: true,
  },
  {
    path: "/councils/COUNCIL/conversations/new",
    who: "committee",
    h1: /发起意见征集|Start a conversation/,
  },
  {
    path: "/councils/COUNCIL/conversations/new",
    who: "committee",
    h1: /发起意见征集|Start a conversation/,
    form: true,
  },
  // 意见征集: the demo seed's conversation of the council (db/seed-conversations.ts).
  { path: "/conversations/CONVERSATION", who: "anonymous", h1: /./ },
  { path: "/conversations/CONVERSATION", who: "resident", h1: /./ },
  { path: "/conversations/CONVERSATION", who: "committee", h1: /./ },
  { path: "/meetings/PAST", who: "anonymous", h1: /加装电梯/ },
  { path: "/meetings/PAST", who: "committee", h1: /加装电梯/ },
  { path: "/meetings/LIVE", who: "resident", h1: /停车/ },
  { path: "/meetings/UPCOMING", who: "resident", h1: /垃圾分类/ },
  { path: "/meetings/UPCOMING/print", who: "anonymous", h1: /垃圾分类/, bare: true },
  { path: "/meetings/LIVE/room", who: "anonymous", h1: /讨论室|Discussion room/ },
  { path: "/meetings/LIVE/room", who: "resident", h1: /讨论室|Discussion room/ },
  { path: "/meetings/LIVE/room", who: "committee", h1: /讨论室|Discussion room/ },
  { path: "/projects", who: "anonymous", h1: /^微实事$|^Micro-projects$/ },
  { path: "/projects?q=养老&sort=supported", who: "anonymous", h1: /^微实事$|^Micro-projects$/ },
  { path: "/projects/new", who: "resident", h1: /提出微实事|Propose a micro-project/ },
  { path: "/projects/new", who: "resident", h1: /提出微实事|Propose a micro-project/, form: true },
  { path: "/projects/PROJSUB", who: "anonymous", h1: /加装电梯/ },
  { path: "/projects/PROJSUB", who: "committee", h1: /加装电梯/ },
  { path: "/projects/PROJDONE", who: "resident", h1: /邻里节/ },
  { path: "/projects/PROJDONE/print", who: "anonymous", h1: /邻里节/, bare: true },
  { path: "/projects/PROJRET/edit", who: "resident", h1: /修改项目|Edit the project/ },
  { path: "/orgs", who: "anonymous", h1: /^社会组织$|^Social organisations$/ },
  { path: "/orgs/new", who: "resident", h1: /登记社会组织|List a social organisation/ },
  { path: "/orgs/new", who: "resident", h1: /登记社会组织|List a social organisation/, form: true },
  { path: "/orgs/ORGYIYANG", who: "anonymous", h1: /颐养之家/ },
  { path: "/orgs/ORGPENDING", who: "committee", h1: /银发数字课堂/ },
  { path: "/polls/POLLOPEN", who: "anonymous", h1: /停车位/ },
  { path: "/polls/POLLOPEN", who: "resident", h1: /停车位/ },
  { path: "/polls/POLLOPEN", who: "committee", h1: /停车位/ },
  { path: "/polls/POLLDONE", who: "anonymous", h1: /充电棚/ },
  { path: "/polls/POLLOPEN/print", who: "anonymous", h1: /停车位/, bare: true },
  { path: "/polls/new?community=COMMUNITY", who: "committee", h1: /发起投票|Create a poll/ },
  {
    path: "/polls/new?community=COMMUNITY",
    who: "committee",
    h1: /发起投票|Create a poll/,
    form: true,
  },
  { path: "/budgets/ROUNDOPEN", who: "resident", h1: /征集中/ },
  { path: "/budgets/ROUNDDONE", who: "anonymous", h1: /2026年东坡路社区微实事预算/ },
  {
    path: "/budgets/new?community=COMMUNITY",
    who: "committee",
    h1: /发起预算轮|Create a budget round/,
  },
  { path: "/needs", who: "anonymous", h1: /^民情诉求$|^Needs \(民情\)$/ },
  { path: "/needs?community=COMMUNITY", who: "anonymous", h1: /民情诉求|Needs/ },
  { path: "/needs?street=STREET&status=toDispatch", who: "dispatcher", h1: /全街道|Whole street/ },
  { path: "/needs/new", who: "resident", h1: /^反映问题$|^Report a need$/ },
  {
    path: "/needs/new?grid=GRID&category=repairsFacilities&q=楼道灯",
    who: "resident",
    h1: /^反映问题$|^Report a need$/,
  },
  {
    path: "/needs/staff",
    who: "committee",
    h1: /网格员、指挥室和处置单位|Grid workers, command rooms/,
  },
  {
    path: "/needs/staff",
    who: "admin",
    h1: /网格员、指挥室和处置单位|Grid workers, command rooms/,
  },
  { path: "/needs/NEEDLAMP", who: "anonymous", h1: /维修与设施|Repairs and facilities/ },
  { path: "/needs/NEEDLAMP", who: "resident", h1: /维修与设施|Repairs and facilities/ },
  { path: "/needs/NEEDWASTE", who: "dispatcher", h1: /环境卫生|Environment and sanitation/ },
  { path: "/needs/NEEDNOISE", who: "gridworker", h1: /邻里纠纷|Neighbour dispute/ },
  {
    path: "/needs/figures",
    who: "anonymous",
    h1: /民情强度与闭环数据|Needs: intensity and loop figures/,
  },
  // 六和指数: the demo seed computes a year of snapshots (db/seed.ts), so these show figures.
  { path: "/index", who: "anonymous", h1: /^六和指数$|^Liuhe Index$/ },
  { path: "/index", who: "admin", h1: /^六和指数$|^Liuhe Index$/ },
  {
    path: "/index/COMMUNITY",
    who: "anonymous",
    h1: /东坡路社区 · 六和指数|Dongpo Road.* · Liuhe Index/,
  },
  {
    path: "/index/COMMUNITY?measure=commitmentsOnTime",
    who: "anonymous",
    h1: /东坡路社区 · 六和指数|Dongpo Road.* · Liuhe Index/,
  },
  {
    path: "/index/STREET",
    who: "anonymous",
    h1: /湖滨街道 · 六和指数|Hubin Subdistrict · Liuhe Index/,
  },
  { path: "/index/method", who: "anonymous", h1: /六和指数的方法|How the Liuhe Index is computed/ },
  { path: "/index/method", who: "admin", h1: /六和指数的方法|How the Liuhe Index is computed/ },
  { path: "/settings", who: "resident", h1: /^设置$|^Settings$/ },
  { path: "/me/data", who: "resident", h1: /我的数据|My data/ },
  { path: "/me/assisted", who: "lh100001", h1: /代办记录|Assistance record/ },
  { path: "/notifications", who: "resident", h1: /^我的通知$|^My notices$/ },
  {
    path: "/notifications/print",
    who: "resident",
    h1: /的通知$|^Notices for /,
    bare: true,
  },
  { path: "/assist", who: "committee", h1: /服务窗口|Service window/ },
  { path: "/assist?q=陈", who: "committee", h1: /服务窗口|Service window/ },
  { path: "/permissions", who: "anonymous", h1: /权责清单|Who may do what/ },
  { path: "/open-data", who: "anonymous", h1: /^开放数据$|^Open data$/ },
  { path: "/needs/keys", who: "admin", h1: /其他渠道的数据接口密钥|Other channels' API keys/ },
  {
    path: "/needs/keys",
    who: "admin",
    h1: /其他渠道的数据接口密钥|Other channels' API keys/,
    form: true,
  },
  { path: "/logout", who: "resident", h1: /退出登录|Sign out/ },
  { path: "/no-such-page", who: "anonymous", h1: /找不到这个页面|Page not found/ },
];

/**
 * Several pages are checked at once (vitest.e2e.config.ts's maxConcurrency): the browser and the
 * server wait on each other a lot. So every cache here holds the Promise, not its value: the first
 * caller starts the work and the others wait for the same result, never start it twice.
 */
const contexts = new Map<string, Promise<BrowserContext>>();
let ids: Promise<Record<string, number>> | null = null;

/** The seeded ids of 东坡路社区, its council and its meetings. */
function seededIds() {
  ids ??= (async () => {
    const c = await seededCommunity("dongpo");
    return {
      COMMUNITY: c.community,
      COUNCIL: c.council,
      PAST: c.past,
      LIVE: c.live,
      UPCOMING: c.upcoming,
      CONVERSATION: (await seededConversation(c.council)).id,
      ...(await seededNeeds(
        {
          NEEDLAMP: "楼道声控灯坏了一个多月，晚上上下楼看不清台阶，老人怕摔。",
          NEEDWASTE: "垃圾桶满了没人清，夏天气味很大，还招老鼠。",
          NEEDNOISE: "楼上住户装修，每天早上七点就开始电钻，和他们说了也不听。",
        },
        { STREET: "hubin", GRID: "dongpo-g1" },
      )),
      ...(await seededByTitle(
        {
          PROJSUB: "为老旧小区加装电梯意见征集与协调",
          PROJDONE: "东坡路社区邻里节文艺汇演",
          PROJRET: "楼道堆物清理与消防通道整治",
        },
        { ORGYIYANG: "颐养之家为老服务中心", ORGPENDING: "湖滨银发数字课堂" },
        { POLLOPEN: "社区停车位划线方案选哪一个？", POLLDONE: "电动自行车集中充电棚建在哪里？" },
        {
          ROUNDOPEN: "2027年东坡路社区微实事预算（征集中）",
          ROUNDDONE: "2026年东坡路社区微实事预算",
        },
      )),
    };
  })();
  return ids;
}

/**
 * Each person signs in once for the whole sweep; every context of theirs (each language, mode and
 * text size) starts with that session's cookie. The sign-in sets nothing but the session cookie.
 */
const sessions = new Map<Exclude<Who, "anonymous">, Promise<Cookie[]>>();
function sessionOf(who: Exclude<Who, "anonymous">) {
  let cookies = sessions.get(who);
  if (!cookies) {
    cookies = (async () => {
      const ctx = await newContext(browser);
      try {
        const page = await ctx.newPage();
        await signIn(page, who);
        return (await ctx.cookies()).filter((c) => c.name !== "lng" && c.name !== "mode");
      } finally {
        await ctx.close();
      }
    })();
    // A failed sign-in is not kept: the next page of theirs tries again.
    cookies.catch(() => sessions.delete(who));
    sessions.set(who, cookies);
  }
  return cookies;
}

const contextKey = (who: Who, lng: "zh-CN" | "en", mode: "full" | "lite", text?: "large") =>
  `${who}/${lng}/${mode}${text ? "/large" : ""}`;

function contextFor(who: Who, lng: "zh-CN" | "en", mode: "full" | "lite", text?: "large") {
  const key = contextKey(who, lng, mode, text);
  let ctx = contexts.get(key);
  if (!ctx) {
    ctx = (async () => {
      // axe needs JavaScript to run; 长辈版 pages ship none, so what it checks is the same HTML.
      const c = await newContext(browser, { lng, mode, js: true, text });
      if (who !== "anonymous") await c.addCookies(await sessionOf(who));
      return c;
    })();
    ctx.catch(() => contexts.delete(key));
    contexts.set(key, ctx);
  }
  return ctx;
}

/**
 * Pages that finished their check, kept open for the next check in the same context, which
 * navigates one instead of opening a new one. A new page cost about as much as loading one (a
 * renderer of its own, and axe compiled afresh in it): the 长辈版 block in Chinese took 232 s with a
 * page per check and 127 s with pages kept. What a check reads is the document it loaded: the
 * scripts standard mode weighs are that document's resource entries, which list scripts served
 * from the renderer's memory too (a kept page listed the same scripts and sizes as a new one).
 * A check that failed leaves its page open and unused until its context closes.
 */
const idlePages = new Map<string, Page[]>();

async function openPage(ctx: BrowserContext, key: string): Promise<Page> {
  const kept = idlePages.get(key)?.pop();
  return kept && !kept.isClosed() ? kept : ctx.newPage();
}

/** After a check that passed: keeps its page for the next check in the context. */
function donePage(page: Page, key: string) {
  const list = idlePages.get(key) ?? idlePages.set(key, []).get(key)!;
  list.push(page);
}

/** Closes the contexts whose key ends so, once every page of the block that used them is done. */
async function closeContexts(suffix: string) {
  for (const [key, ctx] of [...contexts]) {
    if (!key.endsWith(suffix)) continue;
    contexts.delete(key);
    idlePages.delete(key);
    await ctx.then((c) => c.close()).catch(() => undefined);
  }
}

/** Page weights seen in this run; the largest go into the README (test-results/page-weights.json). */
const weights = {
  lite: [] as Array<{ label: string; bytes: number }>,
  js: [] as Array<{ label: string; bytes: number }>,
};
afterAll(() => {
  const top = (list: Array<{ label: string; bytes: number }>) =>
    [...list].sort((a, b) => b.bytes - a.bytes).slice(0, 3);
  fs.mkdirSync("test-results", { recursive: true });
  fs.writeFileSync(
    "test-results/page-weights.json",
    JSON.stringify({ liteHtmlGzip: top(weights.lite), fullJsCompressed: top(weights.js) }, null, 2),
  );
});

/** The WCAG 1.4.12 text-spacing overrides: content must survive them without overflowing. */
const TEXT_SPACING = `* { line-height: 1.5 !important; letter-spacing: 0.12em !important;
  word-spacing: 0.16em !important; } p { margin-bottom: 2em !important; }`;

/** Widths the document overflows the viewport by (tables scroll inside their own wrapper). */
const overflow = (page: Page) =>
  page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);

async function checkReflow(expect: ExpectStatic, page: Page, label: string) {
  const size = page.viewportSize()!;
  // WCAG 1.4.10: readable at 320 CSS px without scrolling sideways.
  await page.setViewportSize({ width: 320, height: size.height });
  expect(await overflow(page), `${label}: horizontal scroll at 320 px`).toBeLessThanOrEqual(1);
  // As a reader's own stylesheet would: through the CSSOM, which the page's Content-Security-Policy
  // (no inline <style> without its nonce) does not govern.
  const withSpacing = (css: string | null) =>
    page.evaluate((text) => {
      const doc = document as Document & { adoptedStyleSheets: CSSStyleSheet[] };
      if (text === null) return void (doc.adoptedStyleSheets = []);
      const sheet = new CSSStyleSheet();
      sheet.replaceSync(text);
      doc.adoptedStyleSheets = [sheet];
    }, css);
  await withSpacing(TEXT_SPACING);
  expect(await overflow(page), `${label}: overflow with text spacing`).toBeLessThanOrEqual(1);
  await withSpacing(null);
  await page.setViewportSize(size);
}

/**
 * Target sizes in 长辈版 (WCAG 2.5.5, AAA, and the stricter rule): every button is at least
 * 60×60 px; every other target (links, inputs, selects, text areas, summaries, the labels of
 * checkboxes and radios) at least 44×44 px. The one exemption is WCAG's own: a link inline in a
 * sentence, whose size is set by the line of text around it. A link counts as inline only if it is
 * displayed inline and its block holds other words besides it; a link alone in its paragraph, list
 * item or cell is a target of its own and must be 44×44.
 */
function measureTargets() {
  const blockOf = (el: Element) => {
    let b = el.parentElement;
    while (b && getComputedStyle(b).display.startsWith("inline")) b = b.parentElement;
    return b;
  };
  const visible = (el: Element) => {
    const r = el.getBoundingClientRect();
    return r.width > 0 && r.height > 0 && getComputedStyle(el).visibility !== "hidden";
  };
  const describe = (el: Element) => el.outerHTML.slice(0, 100);
  const small: string[] = [];
  const inline: string[] = [];
  for (const el of document.querySelectorAll("button")) {
    if (!visible(el) || !el.closest("main")) continue;
    const r = el.getBoundingClientRect();
    if (r.width < 60 || r.height < 60)
      small.push(`${describe(el)} ${Math.round(r.width)}×${Math.round(r.height)} (< 60×60)`);
  }
  const selector = [
    "a[href]",
    "input:not([type=hidden])",
    "select",
    "textarea",
    "summary",
    "label:has(> input[type=checkbox])",
    "label:has(> input[type=radio])",
  ].join(",");
  const labelsOfChoices = [
    ...document.querySelectorAll("input[type=checkbox], input[type=radio]"),
  ].flatMap((i) => [...((i as HTMLInputElement).labels ?? [])]);
  for (const el of [...document.querySelectorAll(selector), ...labelsOfChoices]) {
    if (!visible(el)) continue;
    if (el.matches("a") && getComputedStyle(el).display === "inline") {
      const block = blockOf(el);
      const own = (el.textContent ?? "").trim();
      const around = (block?.textContent ?? "").trim();
      if (around.length > own.length) {
        const st = getComputedStyle(el);
        const ratio = parseFloat(st.lineHeight) / parseFloat(st.fontSize);
        if (!(ratio >= 1.5)) inline.push(`${describe(el)} line height ${ratio.toFixed(2)}`);
        continue;
      }
    }
    const r = el.getBoundingClientRect();
    if (r.width < 44 || r.height < 44)
      small.push(`${describe(el)} ${Math.round(r.width)}×${Math.round(r.height)} (< 44×44)`);
  }
  return { small, inline };
}

/** The WCAG A and AA rules axe checks on every page. */
const WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21aa", "wcag22aa"];

/**
 * One axe run: the WCAG A/AA rules and, in 长辈版, AAA contrast (7:1) as well. axe runs a rule
 * enabled in `rules` on top of the `runOnly` tags (its ruleShouldRun), so the two sets come from
 * one pass over the page, split by rule id. `options()` replaces every option, `withTags()` then
 * sets `runOnly` on top: in the other order the tags would be lost and every rule would run.
 * Legacy mode runs axe.run() in the page itself instead of runPartial() there and finishRun() in a
 * blank page it opens for the purpose (a new page and a second copy of axe for every check); the
 * one thing it gives up is cross-origin frames, and no page of the site has a frame.
 */
async function runAxe(page: Page, mode: "full" | "lite") {
  const results = await new AxeBuilder({ page })
    .options({
      // Passes and the rest come back with one example each: only violations are read here.
      resultTypes: ["violations"],
      ...(mode === "lite" ? { rules: { "color-contrast-enhanced": { enabled: true } } } : {}),
    })
    .withTags(WCAG_TAGS)
    .setLegacyMode()
    .analyze();
  const isEnhanced = (v: { id: string }) => v.id === "color-contrast-enhanced";
  return {
    violations: results.violations
      .filter((v) => !isEnhanced(v))
      .map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`),
    lowContrast: results.violations
      .filter(isEnhanced)
      .flatMap((v) => v.nodes.map((n) => n.target.join(" "))),
  };
}

async function checkPage(
  expect: ExpectStatic,
  page: Page,
  lng: "zh-CN" | "en",
  mode: "full" | "lite",
  label: string,
  html?: Buffer,
  bare = false,
) {
  // Action names shown on purpose (<code>community.view</code>) are not locale keys on display.
  const text = await page.evaluate(() => {
    const body = document.body.cloneNode(true) as HTMLElement;
    body.querySelectorAll("code, script, style, template").forEach((c) => c.remove());
    return body.innerText;
  });
  const raw = RAW_KEYS.filter((k) => text.includes(k));
  expect(raw, `${label}: raw locale keys`).toEqual([]);
  expect(text, `${label}: unfilled placeholder`).not.toMatch(/\{\{\w+\}\}/);

  // axe runs on the Chinese pages, the default language, in both modes: half the sweep's time was
  // axe, and the English pages are the same markup, styles and colours with other words in it.
  // The English words are checked by the rest of this sweep as the Chinese ones are (raw keys,
  // unfilled "{{…}}" interpolations, reflow at 320 px, 长辈版's target sizes), and
  // tests/locales.test.ts refuses an empty text, so every accessible name has words in both
  // languages.
  const axe = lng === "zh-CN" ? await runAxe(page, mode) : null;
  if (axe) expect(axe.violations, `${label}: axe`).toEqual([]);

  // No web fonts in either mode: system fonts only, nothing to download before the text shows.
  const fonts = await page.evaluate(() => {
    let faces = 0;
    for (const sheet of document.styleSheets) {
      for (const rule of sheet.cssRules) if (rule instanceof CSSFontFaceRule) faces += 1;
    }
    return { faces, loaded: document.fonts.size };
  });
  expect(fonts, `${label}: web fonts`).toEqual({ faces: 0, loaded: 0 });

  // Nothing the reader did not open: no modal on arrival.
  const modals = await page
    .locator("dialog[open], [role=dialog], [role=alertdialog], [aria-modal=true]")
    .count();
  expect(modals, `${label}: dialog open on load`).toBe(0);

  if (bare) {
    // A paper sheet: nothing of the site around it, and nothing to press.
    expect(
      await page.locator("header, nav, .site-footer, .switches, .skip-link, button").count(),
      `${label}: site chrome on a paper page`,
    ).toBe(0);
  } else {
    // The 长辈版 switch is in the first screen.
    const box = await page.locator("a.switch-mode").boundingBox();
    expect(box && box.y + box.height <= 800, `${label}: mode switch in first screen`).toBe(true);
  }

  await checkReflow(expect, page, label);

  if (mode === "full") {
    // Target: at most 150 KB of JavaScript, compressed, on a first visit.
    const js = await page.evaluate(() =>
      performance
        .getEntriesByType("resource")
        .filter((e) => (e as PerformanceResourceTiming).name.endsWith(".js"))
        .reduce((sum, e) => sum + (e as PerformanceResourceTiming).encodedBodySize, 0),
    );
    weights.js.push({ label, bytes: js });
    expect(js, `${label}: compressed JavaScript bytes`).toBeLessThanOrEqual(150 * 1024);
  }

  if (mode === "lite") {
    expect(await page.locator("script").count(), `${label}: scripts`).toBe(0);
    // The first response, compressed as the server sends it, fits the first 14 KB round trip.
    if (html) {
      const compressed = zlib.gzipSync(html, { level: 6 }).length;
      weights.lite.push({ label, bytes: compressed });
      expect(compressed, `${label}: compressed HTML bytes`).toBeLessThanOrEqual(14 * 1024);
    }
    // 长辈版 aims at AAA contrast for body text (7:1).
    if (axe) expect(axe.lowContrast, `${label}: contrast below 7:1`).toEqual([]);
    const style = await page.evaluate(() => {
      const s = getComputedStyle(document.body);
      const controls = [
        ...document.querySelectorAll("main button, main input:not([type=hidden]), main textarea"),
      ]
        .filter((el) => (el as HTMLElement).offsetParent !== null)
        .map((el) => ({ el: el.outerHTML.slice(0, 80), h: el.getBoundingClientRect().height }));
      return { font: parseFloat(s.fontSize), line: parseFloat(s.lineHeight), controls };
    });
    expect(style.font, `${label}: body font`).toBeGreaterThanOrEqual(20);
    expect(style.line / style.font, `${label}: line height`).toBeGreaterThanOrEqual(1.5);
    for (const c of style.controls) expect(c.h, `${label}: ${c.el}`).toBeGreaterThanOrEqual(44);
    const buttons = await page
      .locator("main button")
      .evaluateAll((els) => els.map((e) => e.getBoundingClientRect().height));
    for (const h of buttons) expect(h, `${label}: button height`).toBeGreaterThanOrEqual(60);
    const targets = await page.evaluate(measureTargets);
    expect(targets.small, `${label}: targets too small`).toEqual([]);
    // Inline links in a sentence are exempt from the size, but their lines are spaced (≥ 1.5).
    expect(targets.inline, `${label}: inline links on tight lines`).toEqual([]);
  }
}

describe("the sweep's own axe run", () => {
  // A check that cannot fail checks nothing: on a page made to fail only AAA contrast, and to fail
  // a rule outside the WCAG tags, 长辈版's run must report the first and not the second.
  it("reports contrast below 7:1 in 长辈版, and only the WCAG rules besides", async () => {
    const ctx = await browser.newContext();
    const page = await ctx.newPage();
    await page.setContent(`<!doctype html><html lang="en"><head><title>Contrast</title></head>
      <body><div>Outside every landmark: axe's "region" rule, a best practice, not WCAG.</div>
      <main><h1>Contrast</h1><p id="grey" style="color: #767676; background: #fff">
      Grey on white, 4.5:1: enough for AA, not for AAA.</p></main></body></html>`);
    expect(await runAxe(page, "lite")).toEqual({ violations: [], lowContrast: ["#grey"] });
    expect(await runAxe(page, "full")).toEqual({ violations: [], lowContrast: [] });
    // Below AA: a violation in either mode.
    await page.setContent(`<!doctype html><html lang="en"><head><title>Contrast</title></head>
      <body><main><h1>Contrast</h1><p id="pale" style="color: #999; background: #fff">
      Pale grey on white, 2.8:1: too little for AA.</p></main></body></html>`);
    // The enhanced rule leaves what fails AA to the AA rule: so 长辈版 runs both.
    for (const mode of ["lite", "full"] as const) {
      expect(await runAxe(page, mode), mode).toEqual({
        violations: [expect.stringMatching(/^color-contrast: #pale/)],
        lowContrast: [],
      });
    }
    await ctx.close();
  });
});

describe.each([
  ["zh-CN", "full"],
  ["zh-CN", "lite"],
  ["en", "full"],
  ["en", "lite"],
] as const)("pages in %s, %s mode", (lng, mode) => {
  // Runs after every page of this block has finished, concurrent ones included.
  afterAll(() => closeContexts(`/${lng}/${mode}`));

  // Concurrent pages share their person's context, as sequential ones did: each watches only for
  // what it opened itself (its own dialogs, its own pop-ups, its own requests and console).
  it.concurrent.for(PAGES)(
    "$path as $who",
    async ({ path: p, who, h1, form, bare }, { expect }) => {
      const ctx = await contextFor(who, lng, mode);
      const key = contextKey(who, lng, mode);
      const page = await openPage(ctx, key);
      // Hydration mismatches and script failures show up here in the production build.
      const errors: string[] = [];
      const onPageError = (e: Error) => errors.push(e.message);
      const onConsole = (m: ConsoleMessage) => {
        if (m.type() === "error" && !/status of 4\d\d/.test(m.text())) errors.push(m.text());
      };
      page.on("pageerror", onPageError);
      page.on("console", onConsole);
      const known = await seededIds();
      // Tokens in capitals stand for seeded ids.
      const target = p.replace(/\b[A-Z]{4,}\b/g, (token) => String(known[token] ?? token));
      // Nothing may open by itself: no alert/confirm/prompt, no new window or tab.
      const popups: string[] = [];
      const onDialog = (d: Dialog) => {
        popups.push(`${d.type()}: ${d.message()}`);
        void d.dismiss();
      };
      page.on("dialog", onDialog);
      // A window or tab this page opens is its pop-up (with rel=noopener too); the pages axe and the
      // pages checked alongside this one open in the same context are not.
      const onPopup = (p2: Page) => popups.push(`new window: ${p2.url()}`);
      page.on("popup", onPopup);
      // 长辈版 requests no script, font or image at all (photos only when asked, and none is here).
      const fetched: string[] = [];
      const onRequest = (r: Request) => {
        const type = r.resourceType();
        if (
          ["script", "font", "image"].includes(type) ||
          /\.(m?js|woff2?|ttf|otf|eot)(\?|$)/.test(new URL(r.url()).pathname)
        )
          fetched.push(`${type} ${r.url()}`);
      };
      page.on("request", onRequest);
      const res = await page.goto(target);
      expect(res?.status()).toBe(p === "/no-such-page" ? 404 : 200);
      // As sent: no NUL byte (React 18 pads its 2 KB pieces with them; entry.server drops them).
      const html = await res!.body();
      expect(html.includes(0), "NUL bytes in the page").toBe(false);
      expect(await page.locator("html").getAttribute("lang")).toBe(lng);
      if (form) {
        // An empty submission: the refused form must be as accessible as the fresh one.
        await Promise.all([
          page.waitForResponse((r) => r.request().method() === "POST"),
          page.locator("main button[type=submit]").first().click(),
        ]);
        await page.waitForLoadState("load");
        await page.locator(".error-summary").waitFor();
      }
      // Loading is over.
      page.off("popup", onPopup);
      expect(popups, "dialogs or windows nobody asked for").toEqual([]);
      const fonts = fetched.filter((f) => mode === "lite" || f.startsWith("font"));
      expect(fonts, "a script, font or image in 长辈版, or a web font").toEqual([]);
      expect(await page.locator("h1").first().innerText()).toMatch(h1);
      await checkPage(
        expect,
        page,
        lng,
        mode,
        `${lng}/${mode} ${target} as ${who}${form ? " (refused form)" : ""}`,
        form ? undefined : html,
        bare,
      );
      expect(errors, "errors in the browser console").toEqual([]);
      page.off("pageerror", onPageError);
      page.off("console", onConsole);
      page.off("dialog", onDialog);
      page.off("request", onRequest);
      donePage(page, key);
    },
  );
});

// Large text in English only: the sizes are the stylesheet's, the same in both languages, and
// reflow is hardest in English, whose long words cannot break where Chinese text can (both
// languages ran this block until 2026-12-02: a sixth of the sweep's time).
describe.each(["en"] as const)("large text in standard mode, %s", (lng) => {
  afterAll(() => closeContexts(`/${lng}/full/large`));

  it.concurrent.for(PAGES.filter((pg) => !pg.form))(
    "$path as $who",
    async ({ path: p, who, h1 }, { expect }) => {
      const ctx = await contextFor(who, lng, "full", "large");
      const key = contextKey(who, lng, "full", "large");
      const page = await openPage(ctx, key);
      const known = await seededIds();
      const target = p.replace(/\b[A-Z]{4,}\b/g, (token) => String(known[token] ?? token));
      await page.goto(target);
      expect(await page.locator("h1").first().innerText()).toMatch(h1);
      const label = `${lng}/full/large ${target} as ${who}`;
      const sizes = await page.evaluate(() => ({
        html: document.documentElement.className,
        body: parseFloat(getComputedStyle(document.body).fontSize),
        // The smallest running text in main: paragraphs and list items, hints included.
        smallest: Math.min(
          ...[...document.querySelectorAll("main p, main li, main dd, main td")].map((el) =>
            parseFloat(getComputedStyle(el).fontSize),
          ),
        ),
      }));
      expect(sizes.html, `${label}: class`).toContain("text-large");
      expect(sizes.body, `${label}: body font`).toBeGreaterThanOrEqual(18);
      expect(sizes.smallest, `${label}: smallest running text`).toBeGreaterThanOrEqual(16);
      await checkReflow(expect, page, label);
      donePage(page, key);
    },
  );
});
