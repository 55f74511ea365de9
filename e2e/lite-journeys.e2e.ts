/**
 * The journeys of the earlier issues that had run only with JavaScript or only in standard mode,
 * again in 长辈版 with JavaScript off (zh-CN and en across the file): accounts and settings, a
 * meeting from scheduling to published minutes, an organisation from application to a new member,
 * a resident's micro-project through comments, a report and a returned review, and a paper ballot
 * at the service window. Each journey uses fresh people (the committee is the seeded one), refuses
 * at least one form and checks the message is in the page's language and the form kept what was
 * typed. Every page must come without a <script> element, and every POST must be a plain form
 * submission (a document request, never fetch).
 */
import type { Browser, BrowserContext, Locator, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { baseURL, DEMO_PASSWORD, launch, newContext, signIn } from "./support/browser";
import { closePollNow, seededCommunity, seededVotes, type SeededCommunity } from "./support/seeded";

type Lng = "zh-CN" | "en";

let browser: Browser;
let dongpo: SeededCommunity;
let names: Record<string, string>;
beforeAll(async () => {
  browser = await launch();
  dongpo = await seededCommunity("dongpo");
  const { users } = await seededVotes({}, {}, { committee: "committee" });
  names = { committee: users.committee!.displayName };
});
afterAll(async () => {
  await browser?.close();
});

const stamp = () => `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
const PASSWORD = "lite journey 1";

/** What a journey opened: each page's language and scripts are checked as it loads. */
interface Lite {
  ctx: BrowserContext;
  page: Page;
  lng: Lng;
  /** Requests no 长辈版 page without JavaScript may make: scripts, and posts that are not forms. */
  stray: string[];
}

async function lite(lng: Lng): Promise<Lite> {
  const ctx = await newContext(browser, { mode: "lite", js: false, lng });
  const page = await ctx.newPage();
  const stray: string[] = [];
  page.on("request", (r) => {
    if (r.resourceType() === "script") stray.push(`script ${r.url()}`);
    if (r.method() !== "GET" && r.resourceType() !== "document") {
      stray.push(`${r.method()} ${r.resourceType()} ${r.url()}`);
    }
  });
  return { ctx, page, lng, stray };
}

async function checkPage(l: Lite) {
  expect(await l.page.locator("script").count(), l.page.url()).toBe(0);
  expect(await l.page.locator("html").getAttribute("lang")).toBe(l.lng);
  expect(l.stray).toEqual([]);
}

/** Follow a link: a plain GET of the next document. */
async function follow(l: Lite, link: Locator) {
  await Promise.all([l.page.waitForEvent("load"), link.click()]);
  await checkPage(l);
}

async function open(l: Lite, path: string) {
  const res = await l.page.goto(path);
  expect(res?.status(), path).toBe(200);
  await checkPage(l);
}

/** Submit a form by clicking its button; waits for the next document and returns the POST's status. */
async function submit(l: Lite, button: Locator): Promise<number> {
  const [res] = await Promise.all([
    l.page.waitForResponse((r) => r.request().method() === "POST"),
    l.page.waitForEvent("load"),
    button.click(),
  ]);
  await checkPage(l);
  return res.status();
}

const main = (l: Lite) => l.page.locator("main").innerText();
const notice = (l: Lite) => l.page.locator(".notice").innerText();
const summary = (l: Lite) => l.page.locator(".error-summary").innerText();
const button = (l: Lite, name: string) => l.page.getByRole("button", { name, exact: true });

const T = {
  "zh-CN": {
    displayName: "称呼",
    login: "手机号或用户名",
    password: /^密码/,
    consent: "我已阅读并同意上面的隐私说明",
    join: "注册",
    community: "东坡路社区",
    ask: "申请加入这个社区",
    verify: (n: string) => `认证通过：${n}`,
  },
  en: {
    displayName: "Name shown to others",
    login: "Mobile number or username",
    password: /^Password/,
    consent: "I have read and accept the privacy notice above",
    join: "Create account",
    community: "Dongpo Road Community",
    ask: "Ask to join this community",
    verify: (n: string) => `Verify ${n}`,
  },
};

interface Person extends Lite {
  login: string;
  name: string;
}

/** A new account, signed in, in its own 长辈版 browser. */
async function register(lng: Lng, tag: string): Promise<Person> {
  const t = T[lng];
  const l = await lite(lng);
  const s = stamp();
  const person = {
    ...l,
    login: `${tag}${s}`,
    name: lng === "en" ? `${tag} ${s}` : `居民${tag}${s}`,
  };
  await open(l, "/join");
  await l.page.getByLabel(t.displayName).fill(person.name);
  await l.page.getByLabel(t.login).fill(person.login);
  await l.page.getByLabel(t.password).fill(PASSWORD);
  await l.page.getByLabel(t.consent).check();
  expect(await submit(l, button(l, t.join))).toBe(302);
  expect(l.page.url()).toMatch(/\/communities\?welcome=1/);
  return person;
}

async function askToJoin(p: Person) {
  await open(p, `/communities/${dongpo.community}`);
  expect(await submit(p, button(p, T[p.lng].ask))).toBe(302);
  expect(p.page.url()).toMatch(/done=requested/);
}

async function verify(committee: Lite, p: Person) {
  await open(committee, `/communities/${dongpo.community}`);
  expect(await submit(committee, button(committee, T[committee.lng].verify(p.name)))).toBe(302);
  expect(committee.page.url()).toMatch(/done=verified/);
}

/** A verified resident of 东坡路社区, made for this journey. */
async function freshResident(lng: Lng, tag: string, committee: Lite): Promise<Person> {
  const p = await register(lng, tag);
  await askToJoin(p);
  await verify(committee, p);
  return p;
}

async function signedIn(lng: Lng, login: string, password = DEMO_PASSWORD): Promise<Lite> {
  const l = await lite(lng);
  await signIn(l.page, login, password);
  await checkPage(l);
  return l;
}

/** A datetime-local value in China time, `minutes` from now. */
function chinaTime(minutes: number): string {
  return new Date(Date.now() + (8 * 60 + minutes) * 60_000).toISOString().slice(0, 16);
}

async function closeAll(...ls: Lite[]) {
  for (const l of ls) await l.ctx.close();
}

describe("长辈版 without JavaScript", () => {
  it("accounts: register, sign out and in, settings and devices, my data, delete (zh-CN → en)", async () => {
    const s = stamp();
    const login = `acct${s}`;
    const name = `长辈${s}`;
    const l = await lite("zh-CN");

    // A password too short is refused in Chinese; the name and login stay as typed.
    await open(l, "/join");
    await l.page.getByLabel("称呼").fill(name);
    await l.page.getByLabel("手机号或用户名").fill(login);
    await l.page.getByLabel(/^密码/).fill("short");
    await l.page.getByLabel("我已阅读并同意上面的隐私说明").check();
    expect(await submit(l, button(l, "注册"))).toBe(400);
    expect(await summary(l)).toContain("密码至少 8 位。");
    expect(await l.page.getByLabel("称呼").inputValue()).toBe(name);
    expect(await l.page.getByLabel("手机号或用户名").inputValue()).toBe(login);
    expect(await l.page.getByLabel(/^密码/).inputValue()).toBe("");
    await l.page.getByLabel(/^密码/).fill(PASSWORD);
    await l.page.getByLabel("我已阅读并同意上面的隐私说明").check();
    expect(await submit(l, button(l, "注册"))).toBe(302);
    expect(l.page.url()).toMatch(/welcome=1/);

    // Sign out, then a wrong password, then in.
    await open(l, "/logout");
    expect(await submit(l, button(l, "退出登录"))).toBe(302);
    await open(l, "/login");
    await l.page.getByLabel("手机号或用户名").fill(login);
    await l.page.getByLabel(/^密码$/).fill("not the password");
    expect(await submit(l, button(l, "登录"))).toBe(401);
    expect(await summary(l)).toContain("用户名（手机号）或密码不对。");
    expect(await l.page.getByLabel("手机号或用户名").inputValue()).toBe(login);
    await l.page.getByLabel(/^密码$/).fill(PASSWORD);
    expect(await submit(l, button(l, "登录"))).toBe(302);
    expect(new URL(l.page.url()).pathname).toBe("/");

    // A second device signs in; the first sees both and signs the other out.
    const other = await signedIn("zh-CN", login, PASSWORD);
    await open(l, "/settings");
    const devices = l.page.locator("[aria-labelledby=sessions-title] li");
    expect(await devices.count()).toBe(2);
    expect(await submit(l, button(l, "退出这台设备"))).toBe(302);
    expect(await notice(l)).toBe("已退出那台设备上的登录。");
    expect(await devices.count()).toBe(1);
    await other.page.goto("/me/data");
    expect(other.page.url()).toMatch(/\/login/);
    await checkPage(other);

    // Language and mode: standard mode brings scripts back; 长辈版 takes them away again.
    await l.page.getByLabel("English").check();
    await l.page.getByLabel("标准版").check();
    await Promise.all([l.page.waitForEvent("load"), button(l, "保存设置").click()]);
    expect(await l.page.locator("html").getAttribute("lang")).toBe("en");
    expect(await l.page.locator("script").count()).toBeGreaterThan(0);
    expect(await notice(l)).toBe("Your settings were saved.");
    l.stray.length = 0;
    await l.page.getByLabel("Elder mode (large type, light)").check();
    l.lng = "en";
    expect(await submit(l, button(l, "Save settings"))).toBe(302);
    expect(await notice(l)).toBe("Your settings were saved.");

    // My data: on the page and as a download.
    await follow(
      l,
      l.page.getByRole("link", { name: "See or download my data, or delete my account" }),
    );
    expect(await l.page.locator("h1").innerText()).toBe("My data");
    expect(await main(l)).toContain(name);
    const href = await l.page
      .getByRole("link", { name: "Download all my data (JSON file)" })
      .getAttribute("href");
    expect(href).toBe("/me/data.json");
    const download = await l.page.request.get(href!);
    expect(download.status()).toBe(200);
    const data = (await download.json()) as { account: { displayName: string } };
    expect(data.account.displayName).toBe(name);

    // Deleting: a wrong password is refused in English; the right one deletes the account.
    const confirm = l.page.getByLabel("Enter your password to confirm");
    await confirm.fill("wrong password");
    expect(await submit(l, button(l, "Delete my account for good"))).toBe(400);
    expect(await summary(l)).toContain("That password is wrong; the account was not deleted.");
    await confirm.fill(PASSWORD);
    expect(await submit(l, button(l, "Delete my account for good"))).toBe(302);
    expect(l.page.url()).toMatch(/\/\?deleted=1/);
    expect(await notice(l)).toBe("Your account was deleted, and its data removed.");

    await open(l, "/login");
    await l.page.getByLabel("Mobile number or username").fill(login);
    await l.page.getByLabel(/^Password$/).fill(PASSWORD);
    expect(await submit(l, button(l, "Sign in"))).toBe(401);
    expect(await summary(l)).toContain("The username (mobile number) or password is wrong.");
    await closeAll(l, other);
  });

  it("a meeting: scheduled, RSVPs refused and taken, minutes and a commitment, published (en)", async () => {
    const committee = await signedIn("en", "committee");
    const s = stamp();
    const topic = `Bins ${s}`;

    // Scheduling: an end before the start is refused, with everything typed kept.
    await open(committee, `/councils/${dongpo.council}/meetings/new`);
    const field = (label: string) => committee.page.getByLabel(label, { exact: true });
    await field("Topic").fill(topic);
    await field("About this meeting").fill("Where the new bins go, and who empties them.");
    await field("Starts").fill(chinaTime(3 * 24 * 60));
    await field("Ends").fill(chinaTime(3 * 24 * 60 - 30));
    await field("Place (address for those who come in person)").fill("Community hall, room 2");
    await field("Agenda item 1").fill("Where the bins stand");
    await field("Minutes for item 1").fill("20");
    await field("Agenda item 2").fill("Who empties them");
    await field("Residents").fill("1");
    await field("Experts").fill("*");
    expect(await submit(committee, button(committee, "Schedule the meeting"))).toBe(400);
    expect(await summary(committee)).toContain("The end must be after the start.");
    expect(await field("Topic").inputValue()).toBe(topic);
    expect(await field("Agenda item 2").inputValue()).toBe("Who empties them");
    expect(await field("Residents").inputValue()).toBe("1");
    await field("Ends").fill(chinaTime(3 * 24 * 60 + 90));
    expect(await submit(committee, button(committee, "Schedule the meeting"))).toBe(302);
    expect(committee.page.url()).toMatch(/\/meetings\/\d+\?done=scheduled/);
    const meeting = new URL(committee.page.url()).pathname;
    expect(await notice(committee)).toBe("Meeting scheduled.");
    expect(await main(committee)).toContain("0 of 1 taken");

    // The calendar file is linked and served.
    const ics = await committee.page
      .getByRole("link", { name: "Add to my calendar" })
      .getAttribute("href");
    expect(ics).toBe(`${meeting}/calendar.ics`);
    const calendar = await committee.page.request.get(ics!);
    expect(calendar.status()).toBe(200);
    expect(await calendar.text()).toMatch(new RegExp(`BEGIN:VCALENDAR[\\s\\S]*SUMMARY:${topic}`));

    // Not yet verified: no sign-up button, and a sign-up posted anyway is refused in English.
    const a = await register("en", "rsvp");
    await askToJoin(a);
    await open(a, meeting);
    expect(await main(a)).toContain(
      "Verified residents of this community and invited seat holders can sign up.",
    );
    expect(await button(a, "I will attend").count()).toBe(0);
    const forged = await a.page.request.post(`${meeting}?index`, {
      form: { intent: "rsvp" },
      headers: { Origin: baseURL() },
    });
    expect(forged.status()).toBe(403);
    const refusal = await forged.text();
    expect(refusal).toContain('<html lang="en"');
    expect(refusal).toContain("You are not allowed to do this.");

    // Verified, but the one resident seat has just gone: refused on the page, then taken.
    await verify(committee, a);
    await open(a, meeting);
    const resident = await signedIn("en", "resident");
    await open(resident, meeting);
    expect(await submit(resident, button(resident, "I will attend"))).toBe(302);
    expect(await submit(a, button(a, "I will attend"))).toBe(409);
    expect(await a.page.locator(".error-summary").innerText()).toBe(
      "These seats are full; signing up is not possible now.",
    );
    await open(resident, meeting);
    expect(await submit(resident, button(resident, "Cancel my place"))).toBe(302);
    expect(await notice(resident)).toBe("Your place is cancelled.");
    await open(a, meeting);
    expect(await submit(a, button(a, "I will attend"))).toBe(302);
    expect(await notice(a)).toBe("You are signed up.");
    expect(await main(a)).toContain("You are signed up (Residents seat).");
    expect(await submit(a, button(a, "Cancel my place"))).toBe(302);
    expect(await notice(a)).toBe("Your place is cancelled.");
    expect(await submit(a, button(a, "I will attend"))).toBe(302);

    // The committee runs it: minutes, a commitment (refused once), progress (refused once).
    await open(committee, meeting);
    expect(await submit(committee, button(committee, "Start the meeting"))).toBe(302);
    expect(await notice(committee)).toBe("The meeting has started.");
    const c = committee.page;
    await c.getByLabel("Agenda item", { exact: true }).selectOption({ label: "Who empties them" });
    await c.getByLabel("Points discussed").fill("The cleaning company empties them at 7 each day.");
    await c.getByLabel("Decisions made").fill("Two more bins by building 3.");
    expect(await submit(committee, button(committee, "Save minutes"))).toBe(302);
    expect(await notice(committee)).toBe("Minutes saved.");
    expect(await main(committee)).toContain("Decided: Two more bins by building 3.");

    await c.getByLabel("Owner", { exact: true }).fill("Sanitation team");
    await c.getByLabel("Due date").fill("2027-01-15");
    expect(await submit(committee, button(committee, "Record"))).toBe(400);
    expect(await summary(committee)).toContain("This field is required.");
    expect(await c.getByLabel("Owner", { exact: true }).inputValue()).toBe("Sanitation team");
    expect(await c.getByLabel("Due date").inputValue()).toBe("2027-01-15");
    await c.getByLabel("What will be done").fill(`Two bins by building 3 (${s})`);
    expect(await submit(committee, button(committee, "Record"))).toBe(302);
    expect(await notice(committee)).toBe("Commitment recorded.");
    const card = c.locator("li.card", { hasText: `Two bins by building 3 (${s})` });
    expect(await card.innerText()).toContain("Owner (department): Sanitation team");

    await card.getByLabel("New status").selectOption({ label: "In progress" });
    await card.getByLabel("Progress note").fill("Ordered; ID 110101199003074578 of the buyer");
    expect(await submit(committee, card.getByRole("button", { name: "Record progress" }))).toBe(
      400,
    );
    expect(await card.innerText()).toContain(
      "Please do not enter an ID card number. Liuhe never collects them.",
    );
    expect(await card.getByLabel("Progress note").inputValue()).toBe(
      "Ordered; ID 110101199003074578 of the buyer",
    );
    expect(await card.getByLabel("New status").inputValue()).toBe("in_progress");
    await card.getByLabel("Progress note").fill("Ordered from the district depot.");
    expect(await submit(committee, card.getByRole("button", { name: "Record progress" }))).toBe(
      302,
    );
    expect(await notice(committee)).toBe("Progress recorded.");
    expect(await card.innerText()).toContain("In progress · Ordered from the district depot.");

    expect(await submit(committee, button(committee, "End the meeting"))).toBe(302);
    expect(await submit(committee, button(committee, "Publish the minutes"))).toBe(302);
    expect(await notice(committee)).toBe("The minutes are published.");
    await open(a, meeting);
    expect(await a.page.locator(".badge.status-published").innerText()).toBe("Minutes published");
    expect(await main(a)).toContain("Decided: Two more bins by building 3.");
    await closeAll(committee, a, resident);
  });

  it("an organisation: applied for, verified by the committee, a member invited who accepts (zh-CN)", async () => {
    const applicant = await register("zh-CN", "org");
    const s = stamp();
    const orgName = `东坡邻里互助社${s}`;
    const description = "组织居民志愿者，为独居老人买菜、陪诊、修理小家电。";

    // Nothing ticked: refused in Chinese, with what was typed kept.
    await open(applicant, "/orgs/new");
    const p = applicant.page;
    await p.getByLabel("组织名称").fill(orgName);
    await p.getByLabel("组织简介").fill(description);
    expect(await submit(applicant, button(applicant, "提交认证"))).toBe(400);
    const errors = await summary(applicant);
    expect(errors).toContain("请至少选择一个服务领域。");
    expect(errors).toContain("请至少选择一个社区。");
    expect(await p.getByLabel("组织名称").inputValue()).toBe(orgName);
    expect(await p.getByLabel("组织简介").inputValue()).toBe(description);
    await p.getByLabel("养老服务").check();
    await p.getByLabel("困难帮扶").check();
    await p.getByLabel("东坡路社区", { exact: true }).check();
    expect(await submit(applicant, button(applicant, "提交认证"))).toBe(302);
    expect(p.url()).toMatch(/\/orgs\/\d+\?done=applied/);
    const org = new URL(p.url()).pathname;
    expect(await notice(applicant)).toBe("已提交认证申请。");
    expect(await main(applicant)).toContain("等待认证");

    // The committee finds it on the community page; declining needs a reason; then verifies.
    const committee = await signedIn("zh-CN", "committee");
    await open(committee, `/communities/${dongpo.community}`);
    const pending = committee.page.locator("[aria-labelledby=pending-orgs-title]");
    await follow(committee, pending.getByRole("link", { name: orgName }));
    expect(new URL(committee.page.url()).pathname).toBe(org);
    expect(await submit(committee, button(committee, "不通过"))).toBe(400);
    expect(await summary(committee)).toContain("请填写理由。");
    expect(await submit(committee, button(committee, "认证通过"))).toBe(302);
    expect(await notice(committee)).toBe("已记录认证决定。");
    expect(await main(committee)).toContain(`认证时间`);
    expect(await main(committee)).toContain(names.committee!);
    expect(await main(committee)).not.toContain("等待认证");

    // The applicant invites a member: a malformed login is refused and kept; then the real one.
    const member = await register("zh-CN", "mem");
    await open(applicant, org);
    const invite = p.getByLabel("对方的用户名或手机号");
    await invite.fill("王 阿姨");
    await p.getByLabel("角色").selectOption({ label: "组织管理员" });
    expect(await submit(applicant, button(applicant, "发送邀请"))).toBe(400);
    expect(await summary(applicant)).toContain("请填写 11 位手机号，或以字母开头的用户名");
    expect(await invite.inputValue()).toBe("王 阿姨");
    expect(await p.getByLabel("角色").inputValue()).toBe("admin");
    await invite.fill(member.login);
    await p.getByLabel("角色").selectOption({ label: "成员" });
    expect(await submit(applicant, button(applicant, "发送邀请"))).toBe(302);
    expect(await notice(applicant)).toBe("邀请已发送。");
    const row = p.locator("[aria-labelledby=members-title] li", { hasText: member.name });
    expect(await row.innerText()).toContain("已邀请");

    await open(member, org);
    expect(await main(member)).toContain("邀请您以成员身份加入。");
    expect(await submit(member, button(member, "接受"))).toBe(302);
    expect(await notice(member)).toBe("欢迎，您已成为成员。");
    const mine = member.page.locator("[aria-labelledby=members-title] li", {
      hasText: member.name,
    });
    expect(await mine.innerText()).toContain("成员");
    expect(await mine.innerText()).not.toContain("已邀请");
    await closeAll(applicant, committee, member);
  });

  it("a resident's micro-project: supports, comments, a report, hiding, a returned review (en)", async () => {
    const committee = await signedIn("en", "committee");
    const proposer = await freshResident("en", "prop", committee);
    const neighbour = await freshResident("en", "nbr", committee);
    const s = stamp();
    const title = `Bench by the east gate ${s}`;

    // A verified resident proposes in their own name and submits.
    await open(proposer, "/projects/new");
    const f = (label: string) => proposer.page.getByLabel(label, { exact: true });
    await f("Title").fill(title);
    await f("Summary").fill("A bench where older neighbours wait for the bus.");
    await f("Description").fill("Residents wait standing at the east gate. A bench and a shade.");
    await f("Community").selectOption({ label: "Dongpo Road Community" });
    await f("Category").selectOption({ label: "Elderly care" });
    await f("Who benefits").fill("About 40 older residents");
    await f("Starts on").fill("2027-04-01");
    await f("Ends on").fill("2027-04-30");
    await f("Item 1").fill("Bench and shade");
    await f("Amount of item 1 in yuan").fill("3200");
    expect(await submit(proposer, button(proposer, "Save as draft"))).toBe(302);
    const project = new URL(proposer.page.url()).pathname;
    expect(await submit(proposer, button(proposer, "Submit for review"))).toBe(302);
    expect(await proposer.page.locator("main .badge").first().innerText()).toBe("Submitted");

    // A neighbour supports, withdraws, supports again, and comments (an ID number refused).
    await open(neighbour, project);
    expect(await submit(neighbour, button(neighbour, "Support this project"))).toBe(302);
    expect(await main(neighbour)).toContain("You support this project.");
    expect(await submit(neighbour, button(neighbour, "Withdraw my support"))).toBe(302);
    expect(await notice(neighbour)).toBe("Your support was withdrawn.");
    expect(await submit(neighbour, button(neighbour, "Support this project"))).toBe(302);
    const comments = neighbour.page.locator("#comments > form");
    const typed = `Yes please; my ID is 110101199003074578 ${s}`;
    await comments.getByLabel("Your comment").fill(typed);
    expect(await submit(neighbour, comments.getByRole("button", { name: "Send" }))).toBe(400);
    expect(await comments.innerText()).toContain(
      "Please do not enter an ID card number. Liuhe never collects them.",
    );
    expect(await comments.getByLabel("Your comment").inputValue()).toBe(typed);
    const text = `The bus stop needs this badly ${s}`;
    await comments.getByLabel("Your comment").fill(text);
    expect(await submit(neighbour, comments.getByRole("button", { name: "Send" }))).toBe(302);
    expect(await notice(neighbour)).toBe("Your comment is published.");

    // The proposer reports the comment: a one-letter reason is refused and kept, unfolded.
    await open(proposer, project);
    const comment = (l: Lite) => l.page.locator("div.comment", { hasText: text });
    await comment(proposer).locator("summary", { hasText: "Report" }).click();
    await comment(proposer).getByLabel("What is wrong with it?").fill("x");
    expect(
      await submit(proposer, comment(proposer).getByRole("button", { name: "Send the report" })),
    ).toBe(400);
    expect(await comment(proposer).innerText()).toContain("At least 2 characters.");
    const reason = comment(proposer).getByLabel("What is wrong with it?");
    expect(await reason.isVisible()).toBe(true);
    expect(await reason.inputValue()).toBe("x");
    await reason.fill("Off topic for the bench");
    expect(
      await submit(proposer, comment(proposer).getByRole("button", { name: "Send the report" })),
    ).toBe(302);
    expect(await notice(proposer)).toBe("Thank you. The committee will look at the comment.");

    // The committee sees the report, hides the comment with a reason and shows it again.
    await open(committee, project);
    expect(await comment(committee).innerText()).toContain("reported 1 times");
    await comment(committee).locator("summary", { hasText: "Hide" }).click();
    await comment(committee).getByLabel("Reason for hiding").fill("Checking with the author");
    expect(
      await submit(committee, comment(committee).getByRole("button", { name: "Hide the comment" })),
    ).toBe(302);
    expect(await notice(committee)).toBe("The comment is hidden.");
    await open(neighbour, project);
    expect(await comment(neighbour).innerText()).toContain(
      "Hidden by the committee: Checking with the author",
    );
    expect(
      await submit(committee, comment(committee).getByRole("button", { name: "Show again" })),
    ).toBe(302);
    expect(await notice(committee)).toBe("The comment is shown again.");
    expect(await comment(committee).innerText()).not.toContain("Hidden by the committee");

    // Review: returning without a reason is refused; with one, the proposer sees it and resubmits.
    expect(await submit(committee, button(committee, "Start review"))).toBe(302);
    const why = committee.page.locator("#f-reason-return");
    await why.fill("x");
    expect(await submit(committee, button(committee, "Return for changes"))).toBe(400);
    expect(await summary(committee)).toContain("At least 2 characters.");
    expect(await why.inputValue()).toBe("x");
    await why.fill("Say where exactly the bench goes.");
    expect(await submit(committee, button(committee, "Return for changes"))).toBe(302);
    await open(proposer, project);
    expect(await proposer.page.locator("main .badge").first().innerText()).toBe(
      "Returned for changes",
    );
    expect(await main(proposer)).toContain("Say where exactly the bench goes.");
    expect(await submit(proposer, button(proposer, "Submit for review"))).toBe(302);
    expect(await proposer.page.locator("main .badge").first().innerText()).toBe("Submitted");
    await closeAll(committee, proposer, neighbour);
  });

  it("a paper vote at the service window: a new poll, a record refused then made, the box counted and confirmed (zh-CN)", async () => {
    const committee = await signedIn("zh-CN", "committee");
    const voter = await freshResident("zh-CN", "paper", committee);
    const s = stamp();
    const question = `东门加装长椅选哪种？${s}`;

    // One option only is refused; the question and option stay.
    await open(committee, `/polls/new?community=${dongpo.community}`);
    const c = committee.page;
    await c.getByLabel("问题").fill(question);
    await c.getByLabel("选项 1", { exact: true }).fill("木质长椅");
    await c.getByLabel("开始时间").fill(chinaTime(-10));
    await c.getByLabel("截止时间").fill(chinaTime(2 * 24 * 60));
    expect(await submit(committee, button(committee, "发起投票"))).toBe(400);
    expect(await summary(committee)).toMatch(/请填写 2 到 \d+ 个不同的选项。/);
    expect(await c.getByLabel("问题").inputValue()).toBe(question);
    expect(await c.getByLabel("选项 1", { exact: true }).inputValue()).toBe("木质长椅");
    await c.getByLabel("选项 2", { exact: true }).fill("石质长椅");
    expect(await submit(committee, button(committee, "发起投票"))).toBe(302);
    const poll = new URL(c.url()).pathname;
    expect(poll).toMatch(/^\/polls\/\d+$/);
    expect(await c.locator("h1").innerText()).toBe(question);

    // The window's desk: no resident picked is refused; then the paper vote is recorded, with no
    // choice anywhere on the desk.
    const desk = c.getByRole("region", { name: "登记纸质投票" });
    expect(await desk.getByLabel("石质长椅").count()).toBe(0);
    expect(await submit(committee, desk.getByRole("button", { name: "登记已投纸质票" }))).toBe(400);
    expect(await desk.innerText()).toContain("请选择居民。");
    await desk.getByLabel("居民", { exact: true }).selectOption({ label: voter.name });
    expect(await submit(committee, desk.getByRole("button", { name: "登记已投纸质票" }))).toBe(200);
    expect(await c.locator(".notice[role=status]").innerText()).toBe(
      "已登记。请把该居民折好的选票原样投入票箱。",
    );
    const register = c.getByRole("region", { name: "已投纸质票的居民" });
    expect(await register.locator("li", { hasText: voter.name }).innerText()).toContain(
      `${names.committee} 登记`,
    );

    // The resident has voted: the page says so and offers no ballot.
    await open(voter, poll);
    expect(await main(voter)).toContain("您已投票，谢谢。");
    expect(await button(voter, "投票").count()).toBe(0);

    // After closing, the box is counted: the paper entered, the count submitted.
    await closePollNow(Number(poll.split("/").pop()));
    await open(committee, poll);
    const box = c.getByRole("region", { name: "开箱计票" });
    expect(await submit(committee, box.getByRole("button", { name: "录入这张选票" }))).toBe(400);
    expect(await box.innerText()).toContain("请选择一项。");
    await box.getByLabel("石质长椅").check();
    expect(await submit(committee, box.getByRole("button", { name: "录入这张选票" }))).toBe(200);
    expect(await c.locator(".notice[role=status]").innerText()).toBe("已录入。");
    expect(await box.innerText()).toContain("第 1 张：石质长椅");
    const send = box.getByRole("button", { name: "提交计票结果，请另一位成员核对" });
    expect(await submit(committee, send)).toBe(200);
    expect(await c.getByRole("button", { name: "确认计票结果" }).count()).toBe(0);

    // A second committee member confirms it: the results are final and published.
    const second = await signedIn("zh-CN", "committee2");
    await open(second, poll);
    const confirm = second.page.getByRole("button", { name: "确认计票结果" });
    expect(await submit(second, confirm)).toBe(200);
    expect(await second.page.locator(".notice[role=status]").innerText()).toBe(
      "计票结果已确认：纸质选票已计入并公布。",
    );
    expect(await confirm.count()).toBe(0);
    expect(await main(second)).toContain("其中纸质 1 张");
    await closeAll(committee, voter, second);
  });
});
