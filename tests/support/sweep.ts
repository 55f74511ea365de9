/**
 * A sweep over the app's pages as each kind of visitor: the rows the pages ask about, a cookie per
 * visitor (anonymous, a newcomer, a resident of the community and of another one, an organisation
 * admin, a committee member, and a committee member acting for a resident at the service window),
 * every page with its address, and how to call a route module as Remix would. Used by
 * tests/no-500s.test.ts (every loader) and tests/fuzz-forms.test.ts (every action).
 */
import fs from "node:fs";
import path from "node:path";
import { conversationSchema } from "~/domain/conversations/schemas";
import { roundSchema } from "~/domain/voting/schemas";
import { namespaces, supportedLngs } from "~/i18n/config";
import { action as assistAction } from "~/routes/assist";
import { createConversation } from "~/services/conversations/commands.server";
import { reportNeed } from "~/services/needs/commands.server";
import { proposeProject } from "~/services/projects/commands.server";
import { run as runCommand } from "~/services/runner/command.server";
import { createPoll, createRound } from "~/services/voting/commands.server";
import {
  chinaLocal,
  cookieFor,
  makeCommitteeMember,
  makeCommunity,
  makeMeeting,
  makeOrganisation,
  makeProject,
  makeResident,
  gridsOf,
  makeUser,
  pollInput,
  projectInput,
} from "./factories";
import { formRequest, run } from "./remix";

export const ROLES = [
  "anonymous",
  "newcomer",
  "resident",
  "residentElsewhere",
  "orgAdmin",
  "committee",
  "sitting",
] as const;
export type Role = (typeof ROLES)[number];

/** The rows the pages are asked about, and a cookie per role. */
export interface Fixture {
  community: number;
  council: number;
  meeting: number;
  privateMeeting: number;
  organisation: number;
  project: number;
  draft: number;
  poll: number;
  round: number;
  /** A public need and a private one (a neighbour dispute), both reported by the resident. */
  need: number;
  privateNeed: number;
  /** An open conversation of the meeting, with seed statements. */
  conversation: number;
  cookies: Record<Role, string | null>;
}
/** The rows and the visitors of a sweep: two communities and everything the pages ask about. */
export async function makeFixture(): Promise<Fixture> {
  const community = await makeCommunity("sweep");
  const elsewhere = await makeCommunity("sweep-far");
  const { councilId: council, meetingId: meeting } = await makeMeeting(community);
  const { meetingId: privateMeeting } = await makeMeeting(community, {
    isPublic: false,
    status: "scheduled",
  });
  const newcomer = await makeUser();
  const resident = await makeResident(community);
  const residentElsewhere = await makeResident(elsewhere);
  const orgAdmin = await makeUser();
  const organisation = await makeOrganisation({ communities: [community], members: [orgAdmin] });
  const committee = await makeCommitteeMember(community);
  const assisted = await makeResident(community, { displayName: "孙阿姨" });

  const project = await makeProject(community);
  const another = await makeProject(community);
  // A draft of the resident the window acts for: acting for them, it may be edited.
  const draft = await runCommand(proposeProject, assisted, {
    ...projectInput(community),
    photo: null,
  });
  const poll = await runCommand(createPoll, committee, {
    ...pollInput(),
    communityId: community,
    meetingId: null,
  });
  const round = await runCommand(createRound, committee, {
    ...roundSchema.parse({
      title: "微实事预算轮",
      budget: "10000",
      method: "greedy",
      project: [String(project), String(another)],
      opensAt: chinaLocal(Date.now() - 3_600_000),
      closesAt: chinaLocal(Date.now() + 3_600_000),
    }),
    communityId: community,
  });

  const [grid] = await gridsOf(community);
  const reported = (category: "repairsFacilities" | "neighbourDispute") =>
    runCommand(reportNeed, resident, {
      communityId: community,
      gridId: grid!,
      category,
      place: "3幢",
      description: "楼道灯坏了，晚上看不清台阶。",
      visibility: "auto",
      photo: null,
    });
  const { conversationId: conversation } = await runCommand(
    createConversation,
    committee,
    conversationSchema.parse({
      councilId: String(council),
      meetingId: String(meeting),
      question: "小区停车怎么管？",
      opensAt: chinaLocal(Date.now() - 3_600_000),
      closesAt: chinaLocal(Date.now() + 3_600_000),
      eligibility: "residents",
      seeds: "夜间停车应该收费\n绿地不应该改成停车位",
    }),
  );
  const need = await reported("repairsFacilities");
  const privateNeed = await reported("neighbourDispute");

  // The sitting lives in one session of the committee member; another session of theirs is not in it.
  const sitting = await cookieFor(committee.userId!);
  const started = await run(
    assistAction,
    formRequest(
      "/assist",
      { intent: "start", residentId: String(assisted.userId), consent: "signed" },
      { cookie: sitting },
    ),
  );
  if (started.status !== 302) throw new Error(`the sitting did not start (${started.status})`);

  return {
    community,
    council,
    meeting,
    privateMeeting,
    organisation,
    project,
    draft,
    poll,
    round,
    need,
    privateNeed,
    conversation,
    cookies: {
      anonymous: null,
      newcomer: await cookieFor(newcomer),
      resident: await cookieFor(resident.userId!),
      residentElsewhere: await cookieFor(residentElsewhere.userId!),
      orgAdmin: await cookieFor(orgAdmin),
      committee: await cookieFor(committee.userId!),
      sitting,
    },
  };
}

/**
 * One page: its route module (file name under app/routes), its address, its `$id`, or its other
 * route parameters (a `$file`) when it has some.
 */
export interface Page {
  route: string;
  url: (f: Fixture) => string;
  id?: (f: Fixture) => number;
  /** Fixed, or of the fixture's rows (an `$id` with a `$file`). */
  params?: Record<string, string> | ((f: Fixture) => Record<string, string>);
}

export const page = (
  route: string,
  url: Page["url"],
  id?: Page["id"],
  params?: Page["params"],
): Page => ({
  route,
  url,
  id,
  params,
});

/** The route parameters Remix would pass the page's loader. */
export function paramsOf(p: Page, f: Fixture): Record<string, string> {
  if (p.params) return typeof p.params === "function" ? p.params(f) : p.params;
  if (p.id) return { id: String(p.id(f)) };
  return p.route === "$" ? { "*": "no/such/page" } : {};
}

export const PAGES: Page[] = [
  page("_index", () => "/"),
  page("$", () => "/no/such/page"),
  page("assist", () => "/assist"),
  page("join", () => "/join"),
  page("login", () => "/login"),
  page("logout", () => "/logout"),
  page("settings", () => "/settings"),
  page("permissions", () => "/permissions"),
  page("me.assisted", () => "/me/assisted"),
  page("notifications", () => "/notifications"),
  page("notifications_.print", () => "/notifications/print"),
  page("me.data", () => "/me/data"),
  page("me.data[.json]", () => "/me/data.json"),
  page("communities._index", () => "/communities"),
  page(
    "communities.$id._index",
    (f) => `/communities/${f.community}`,
    (f) => f.community,
  ),
  page(
    "communities.$id.audit",
    (f) => `/communities/${f.community}/audit`,
    (f) => f.community,
  ),
  page(
    "councils.$id._index",
    (f) => `/councils/${f.council}`,
    (f) => f.council,
  ),
  page(
    "councils.$id.calendar[.ics]",
    (f) => `/councils/${f.council}/calendar.ics`,
    (f) => f.council,
  ),
  page(
    "councils.$id.meetings.new",
    (f) => `/councils/${f.council}/meetings/new`,
    (f) => f.council,
  ),
  ...(["meeting", "privateMeeting"] as const).flatMap((m) => [
    page(
      "meetings.$id._index",
      (f) => `/meetings/${f[m]}`,
      (f) => f[m],
    ),
    page(
      "meetings.$id.calendar[.ics]",
      (f) => `/meetings/${f[m]}/calendar.ics`,
      (f) => f[m],
    ),
    page(
      "meetings.$id.edit",
      (f) => `/meetings/${f[m]}/edit`,
      (f) => f[m],
    ),
    page(
      "meetings.$id.print",
      (f) => `/meetings/${f[m]}/print`,
      (f) => f[m],
    ),
    page(
      "meetings.$id.room",
      (f) => `/meetings/${f[m]}/room`,
      (f) => f[m],
    ),
  ]),
  page("orgs._index", () => "/orgs"),
  page("orgs.new", () => "/orgs/new"),
  page(
    "orgs.$id._index",
    (f) => `/orgs/${f.organisation}`,
    (f) => f.organisation,
  ),
  page(
    "orgs.$id.edit",
    (f) => `/orgs/${f.organisation}/edit`,
    (f) => f.organisation,
  ),
  page("projects._index", () => "/projects"),
  page("projects.new", () => "/projects/new"),
  ...(["project", "draft"] as const).flatMap((p) => [
    page(
      "projects.$id._index",
      (f) => `/projects/${f[p]}`,
      (f) => f[p],
    ),
    page(
      "projects.$id.edit",
      (f) => `/projects/${f[p]}/edit`,
      (f) => f[p],
    ),
    page(
      "projects.$id.photo",
      (f) => `/projects/${f[p]}/photo`,
      (f) => f[p],
    ),
    page(
      "projects.$id.print",
      (f) => `/projects/${f[p]}/print`,
      (f) => f[p],
    ),
  ]),
  page("open-data._index", () => "/open-data"),
  page("open-data.$file", () => "/open-data/projects.csv", undefined, { file: "projects.csv" }),
  page("open-data.$file", () => "/open-data/needs.json", undefined, { file: "needs.json" }),
  page("open-data.$file", () => "/open-data/people.json", undefined, { file: "people.json" }),
  page("needs._index", () => "/needs"),
  page("needs._index", (f) => `/needs?community=${f.community}&status=all&sort=intensity`),
  page("needs._index", () => "/needs?mine=1"),
  page("needs.new", () => "/needs/new"),
  page("needs.staff", () => "/needs/staff"),
  page("needs.figures", () => "/needs/figures"),
  page("needs.figures", () => "/needs/figures?month=2026-06&scope=999999"),
  page("needs.keys", () => "/needs/keys"),
  page("index._index", () => "/index"),
  page("index._index", () => "/index?month=2999-01"),
  page("index.method", () => "/index/method?version=99"),
  page(
    "index.$id",
    (f) => `/index/${f.community}?measure=participation`,
    (f) => f.community,
  ),
  page(
    "index.$id",
    (f) => `/index/${f.community}?month=2026-13`,
    (f) => f.community,
  ),
  page(
    "index.$id.$chart",
    (f) => `/index/${f.community}/radar.svg?month=2026-13&lng=en`,
    undefined,
    (f) => ({ id: String(f.community), chart: "radar.svg" }),
  ),
  page(
    "index.$id.$chart",
    (f) => `/index/${f.community}/pie.svg`,
    undefined,
    (f) => ({ id: String(f.community), chart: "pie.svg" }),
  ),
  ...(["need", "privateNeed"] as const).flatMap((n) => [
    page(
      "needs.$id._index",
      (f) => `/needs/${f[n]}`,
      (f) => f[n],
    ),
    page(
      "needs.$id.photo",
      (f) => `/needs/${f[n]}/photo`,
      (f) => f[n],
    ),
  ]),
  page(
    "councils.$id.conversations.new",
    (f) => `/councils/${f.council}/conversations/new`,
    (f) => f.council,
  ),
  page(
    "conversations.$id._index",
    (f) => `/conversations/${f.conversation}`,
    (f) => f.conversation,
  ),
  page(
    "conversations.$id._index",
    () => "/conversations/999999",
    () => 999_999,
  ),
  page(
    "conversations.$id.similar",
    (f) => `/conversations/${f.conversation}/similar?q=停车`,
    (f) => f.conversation,
  ),
  page(
    "conversations.$id.export.$file",
    (f) => `/conversations/${f.conversation}/export/participants-votes.csv`,
    undefined,
    (f) => ({ id: String(f.conversation), file: "participants-votes.csv" }),
  ),
  page(
    "conversations.$id.export.$file",
    (f) => `/conversations/${f.conversation}/export/nothing.csv`,
    undefined,
    (f) => ({ id: String(f.conversation), file: "nothing.csv" }),
  ),
  page("polls.new", (f) => `/polls/new?community=${f.community}`),
  page("polls.new", (f) => `/polls/new?community=${f.community}&meeting=${f.meeting}`),
  page(
    "polls.$id._index",
    (f) => `/polls/${f.poll}`,
    (f) => f.poll,
  ),
  page(
    "polls.$id.print",
    (f) => `/polls/${f.poll}/print`,
    (f) => f.poll,
  ),
  page(
    "polls.$id.ballots[.csv]",
    (f) => `/polls/${f.poll}/ballots.csv`,
    (f) => f.poll,
  ),
  page(
    "polls.$id.ballots[.json]",
    (f) => `/polls/${f.poll}/ballots.json`,
    (f) => f.poll,
  ),
  page("budgets.new", (f) => `/budgets/new?community=${f.community}`),
  page(
    "budgets.$id._index",
    (f) => `/budgets/${f.round}`,
    (f) => f.round,
  ),
  page(
    "budgets.$id.print",
    (f) => `/budgets/${f.round}/print`,
    (f) => f.round,
  ),
  page(
    "budgets.$id.ballots[.csv]",
    (f) => `/budgets/${f.round}/ballots.csv`,
    (f) => f.round,
  ),
  page(
    "budgets.$id.ballots[.json]",
    (f) => `/budgets/${f.round}/ballots.json`,
    (f) => f.round,
  ),
  page(
    "budgets.$id.round[.pb]",
    (f) => `/budgets/${f.round}/round.pb`,
    (f) => f.round,
  ),
];

/**
 * Route modules with a loader that answers the same whoever asks, and so are not swept: the health
 * check, and the Open311 API, which reads no session and answers in its own error format
 * (tests/open311.test.ts calls it over HTTP).
 */
export const NOT_SWEPT = new Set([
  "healthz",
  "open311.v2.services[.json]",
  "open311.v2.requests[.json]",
  "open311.v2.requests.$id",
]);

export const ROUTES_DIR = path.resolve("app/routes");

export type Loader = Parameters<typeof run>[0];

export async function moduleOf(route: string): Promise<{ loader: Loader; action?: Loader }> {
  const file = [".ts", ".tsx"]
    .map((ext) => path.join(ROUTES_DIR, route + ext))
    .find((p) => fs.existsSync(p));
  if (!file) throw new Error(`no route module app/routes/${route}`);
  return (await import(/* @vite-ignore */ file)) as { loader: Loader; action?: Loader };
}

export function get(url: string, cookie: string | null): Request {
  return new Request(`http://localhost${url}`, { headers: cookie ? { Cookie: cookie } : {} });
}

/** What Remix would answer: the Response, or the status it would give a thrown non-Response. */
export async function answer(loader: Loader, request: Request, params: Record<string, string>) {
  try {
    const res = await run(loader, request, params);
    return { status: res.status, res, thrown: null };
  } catch (e) {
    return { status: 500, res: null, thrown: e };
  }
}

/** Whether a locale key ("ns:a.b", or "a.b" in common) has a text in every language. */
export function translated(key: string): boolean {
  const [ns, rest] = key.includes(":") ? key.split(":", 2) : ["common", key];
  if (!(namespaces as readonly string[]).includes(ns!)) return false;
  return supportedLngs.every((lng) => {
    const data: unknown = JSON.parse(
      fs.readFileSync(path.resolve("public/locales", lng, `${ns}.json`), "utf8"),
    );
    const value = rest!
      .split(".")
      .reduce<unknown>((o, k) => (o as Record<string, unknown> | undefined)?.[k], data);
    return typeof value === "string" && value.length > 0;
  });
}
