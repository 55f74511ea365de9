/**
 * The home page leads. Signed in: for each of the person's communities, what is happening now,
 * what is open to them, what waits for them, and what is new since their last visit (in that
 * order: the live room first). A visitor: what is live and open across the communities, and how
 * to join. The same plain lists in 长辈版.
 */
import type { LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { Link, useLoaderData, useSearchParams } from "@remix-run/react";
import type { ReactNode } from "react";
import { useTranslation } from "react-i18next";
import { Notice } from "~/components/forms";
import { meetingTimes } from "~/components/meetings";
import { useShownName } from "~/components/person";
import type { Lng } from "~/i18n/config";
import { getT } from "~/i18n/i18next.server";
import { homeFor, publicHome, type NewsItem } from "~/services/home/queries.server";
import { areaName, formatDateTime } from "~/utils/format";
import { titleMeta } from "~/utils/meta";
import { getCurrent } from "~/utils/session.server";
import { readVisit } from "~/utils/visit.server";

export const handle = { i18n: ["community", "meeting"] };
export const meta = titleMeta;

export async function loader({ request }: LoaderFunctionArgs) {
  const { session, actor } = await getCurrent(request);
  const t = await getT(request);
  const title = t("home.title");
  if (!session || actor.userId === null) {
    return json({ title, name: null, mine: null, visitor: await publicHome() });
  }
  const visit = readVisit(request, actor.userId);
  return json(
    {
      title,
      name: session.user.displayName,
      mine: await homeFor({ ...actor, userId: actor.userId }, visit.since),
      visitor: null,
    },
    { headers: { "Set-Cookie": visit.setCookie, "Cache-Control": "private, no-store" } },
  );
}

type Data = ReturnType<typeof useLoaderData<typeof loader>>;
type Mine = NonNullable<Data["mine"]>;
type Block = Mine["communities"][number];
type Visitor = NonNullable<Data["visitor"]>;

export default function Home() {
  const data = useLoaderData<typeof loader>();
  return data.mine ? (
    <SignedIn name={data.name!} mine={data.mine} />
  ) : (
    <Welcome visitor={data.visitor!} />
  );
}

/** A titled part of the page; `level` 2 for the page's own sections, 3 inside a community. */
function Part({
  id,
  title,
  level,
  children,
}: {
  id: string;
  title: string;
  level: 2 | 3;
  children: ReactNode;
}) {
  const Heading = level === 2 ? "h2" : "h3";
  return (
    <section aria-labelledby={id} className="home-part">
      <Heading id={id}>{title}</Heading>
      {children}
    </section>
  );
}

function RoomButton({ id }: { id: number }) {
  const { t } = useTranslation("meeting");
  return (
    <p>
      <Link className="button primary big" to={`/meetings/${id}/room`}>
        {t("meeting.openRoom")}
      </Link>
    </p>
  );
}

interface LiveRow {
  id: number;
  topic: string;
  startsAt: string;
  endsAt: string;
  place: string;
  canEnterRoom: boolean;
  councilName?: string;
  community?: string;
}

/** Live meetings, each with the room as its one large button (when the viewer may read it). */
function LiveList({ meetings }: { meetings: LiveRow[] }) {
  const { t, i18n } = useTranslation(["common", "meeting"]);
  const lng = i18n.language as Lng;
  return (
    <ul className="plain">
      {meetings.map((m) => (
        <li key={m.id} className="card live">
          <h4>
            <Link to={`/meetings/${m.id}`}>{m.topic}</Link>{" "}
            <span className="badge status-live">{t("meeting:status.live")}</span>
          </h4>
          <p className="hint">
            {meetingTimes(m, lng)} · {m.place}
            {m.councilName && <> · {m.councilName}</>}
            {m.community && <> · {m.community}</>}
          </p>
          {m.canEnterRoom ? <RoomButton id={m.id} /> : <p>{t("meeting:meeting.roomPrivate")}</p>}
        </li>
      ))}
    </ul>
  );
}

function VoteLink({ kind, id, title }: { kind: "poll" | "round"; id: number; title: string }) {
  const { t } = useTranslation();
  return (
    <>
      <Link to={kind === "poll" ? `/polls/${id}` : `/budgets/${id}`}>{title}</Link>{" "}
      <span className="hint">({t(`home.open.${kind}`)})</span>
    </>
  );
}

function SignedIn({ name, mine }: { name: string; mine: Mine }) {
  const { t } = useTranslation();
  const [params] = useSearchParams();
  return (
    <section aria-labelledby="home-title" className="home">
      {params.get("deleted") && <Notice>{t("home.deleted")}</Notice>}
      <h1 id="home-title">{t("home.hello", { name })}</h1>
      {mine.orgInvites.length > 0 && (
        <Part id="org-invites-title" title={t("home.waiting.title")} level={2}>
          <ul>
            {mine.orgInvites.map((o) => (
              <li key={o.id}>
                <Link to={`/orgs/${o.id}`}>{t("home.waiting.orgInvite", { name: o.name })}</Link>
              </li>
            ))}
          </ul>
        </Part>
      )}
      {mine.communities.length === 0 && (
        <>
          <h2>{t("home.myCommunities")}</h2>
          <p>
            {t("home.noCommunity")} <Link to="/communities">{t("home.findCommunity")}</Link>
          </p>
        </>
      )}
      {mine.communities.map((c) => (
        <CommunityBlock key={c.communityId} block={c} since={mine.since} />
      ))}
    </section>
  );
}

function CommunityBlock({ block: c, since }: { block: Block; since: string | null }) {
  const { t, i18n } = useTranslation(["common", "community", "meeting"]);
  const lng = i18n.language as Lng;
  const id = c.communityId;
  const open = c.open;
  const nothingOpen =
    open.votes.length === 0 && open.meetings.length === 0 && open.projects.length === 0;
  return (
    <section aria-labelledby={`c${id}-title`} className="home-community">
      <h2 id={`c${id}-title`}>
        <Link to={`/communities/${id}`}>{areaName(c, lng)}</Link>{" "}
        <span className={`badge ${c.myStatus}`}>
          {t(`community:community.status.${c.myStatus}`)}
        </span>
      </h2>

      {c.now.length > 0 && (
        <Part id={`c${id}-now`} title={t("home.now.title")} level={3}>
          <LiveList meetings={c.now} />
        </Part>
      )}

      <Part id={`c${id}-open`} title={t("home.open.title")} level={3}>
        {nothingOpen && (
          <p>
            {c.myStatus === "pending" || c.myStatus === "declined"
              ? t("home.open.notVerified")
              : t("home.open.none")}
          </p>
        )}
        {open.votes.length > 0 && (
          <>
            <h4>{t("home.open.votes")}</h4>
            <ul>
              {open.votes.map((v) => (
                <li key={`${v.kind}${v.id}`}>
                  <VoteLink {...v} /> ·{" "}
                  {t("home.open.closes", { at: formatDateTime(v.closesAt, lng) })}
                </li>
              ))}
            </ul>
            {open.moreVotes && (
              <p>
                <Link to={`/communities/${id}#votes-title`}>{t("home.open.moreVotes")}</Link>
              </p>
            )}
          </>
        )}
        {open.meetings.length > 0 && (
          <>
            <h4>{t("home.open.meetings")}</h4>
            <ul>
              {open.meetings.map((m) => (
                <li key={m.id}>
                  <Link to={`/meetings/${m.id}#seats-title`}>{m.topic}</Link> ·{" "}
                  {meetingTimes(m, lng)} · {m.place}
                </li>
              ))}
            </ul>
          </>
        )}
        {open.projects.length > 0 && (
          <>
            <h4>{t("home.open.projects")}</h4>
            <ul>
              {open.projects.map((p) => (
                <li key={p.id}>
                  <Link to={`/projects/${p.id}`}>{p.title}</Link> ·{" "}
                  {t("home.open.supporters", { count: p.supportCount })}
                </li>
              ))}
            </ul>
            {open.moreProjects && (
              <p>
                <Link to={`/projects?community=${id}`}>{t("home.open.moreProjects")}</Link>
              </p>
            )}
          </>
        )}
      </Part>

      <Waiting block={c} />

      <Part
        id={`c${id}-news`}
        title={since ? t("home.news.title") : t("home.news.titleWeek")}
        level={3}
      >
        {since && (
          <p className="hint">{t("home.news.since", { at: formatDateTime(since, lng) })}</p>
        )}
        {c.news.length === 0 ? <p>{t("home.news.none")}</p> : <NewsList items={c.news} />}
        <p className="hint">
          {t("home.residents", { count: c.verifiedCount })} ·{" "}
          {t("home.newThisWeek", { count: c.newResidentsThisWeek })}
        </p>
      </Part>
    </section>
  );
}

function Waiting({ block: c }: { block: Block }) {
  const { t, i18n } = useTranslation(["common", "meeting"]);
  const lng = i18n.language as Lng;
  const id = c.communityId;
  const { returned, invitations, committee: q } = c.waiting;
  const items: Array<{ key: string; to: string; text: string; more?: string }> = [
    ...returned.map((p) => ({
      key: `r${p.id}`,
      to: `/projects/${p.id}/edit`,
      text: t("home.waiting.returned", { title: p.title }),
      more: p.statusReason ? t("home.waiting.reason", { reason: p.statusReason }) : undefined,
    })),
    ...invitations.map((m) => ({
      key: `i${m.id}`,
      to: `/meetings/${m.id}#seats-title`,
      text: t("home.waiting.invited", {
        title: m.topic,
        seat: t(`meeting:seatKind.${m.kind}`),
        at: formatDateTime(m.startsAt, lng),
      }),
    })),
  ];
  if (q) {
    if (q.requests > 0)
      items.push({
        key: "requests",
        to: `/communities/${id}#pending-title`,
        text: t("home.pendingRequests", { count: q.requests }),
      });
    if (q.reviews > 0)
      items.push({
        key: "reviews",
        to: `/communities/${id}#review-queue-title`,
        text: t("home.waiting.reviews", { count: q.reviews }),
      });
    if (q.organisations > 0)
      items.push({
        key: "orgs",
        to: `/communities/${id}#pending-orgs-title`,
        text: t("home.waiting.organisations", { count: q.organisations }),
      });
    for (const f of q.roomFlags)
      items.push({
        key: `rf${f.meetingId}`,
        to: `/meetings/${f.meetingId}/room#mod-title`,
        text: t("home.waiting.roomFlags", { title: f.topic, count: f.count }),
      });
    for (const f of q.commentFlags)
      items.push({
        key: `cf${f.projectId}`,
        to: `/projects/${f.projectId}#comments-title`,
        text: t("home.waiting.commentFlags", { title: f.title, count: f.count }),
      });
    for (const [i, p] of q.paperCounts.entries())
      items.push({
        key: `pc${i}`,
        to: p.href,
        text: t(p.mine ? "home.waiting.paperCountMine" : "home.waiting.paperCount", {
          title: p.title,
        }),
      });
  }
  if (items.length === 0) return null;
  return (
    <Part id={`c${id}-waiting`} title={t("home.waiting.title")} level={3}>
      <ul>
        {items.map((item) => (
          <li key={item.key}>
            <Link to={item.to}>{item.text}</Link>
            {item.more && <span className="hint"> · {item.more}</span>}
          </li>
        ))}
      </ul>
    </Part>
  );
}

function NewsList({ items }: { items: NewsItem[] }) {
  const { t, i18n } = useTranslation();
  const lng = i18n.language as Lng;
  const shown = useShownName();
  const text = (n: NewsItem) => {
    switch (n.kind) {
      case "residents":
        return t("home.news.residents", { count: n.count });
      case "committee":
        return t(n.action === "committee.appoint" ? "home.appointed" : "home.stoodDown", {
          name: shown(n.title),
          at: formatDateTime(n.at, lng),
        });
      default:
        return t(`home.news.${n.kind}`, { title: n.title });
    }
  };
  return (
    <ul>
      {items.map((n, i) => (
        <li key={i}>
          {n.href ? <Link to={n.href}>{text(n)}</Link> : text(n)}
          {n.kind !== "committee" && <span className="hint"> · {formatDateTime(n.at, lng)}</span>}
        </li>
      ))}
    </ul>
  );
}

function Welcome({ visitor }: { visitor: Visitor }) {
  const { t, i18n } = useTranslation(["common", "community"]);
  const lng = i18n.language as Lng;
  const [params] = useSearchParams();
  return (
    <section aria-labelledby="home-title" className="home">
      {params.get("deleted") && <Notice>{t("home.deleted")}</Notice>}
      <h1 id="home-title">{t("home.welcomeTitle")}</h1>
      <p className="lead">{t("home.pitch")}</p>
      <p className="buttons">
        <Link className="button primary" to="/join">
          {t("nav.join")}
        </Link>
        <Link className="button" to="/login">
          {t("nav.login")}
        </Link>
      </p>

      {visitor.now.length > 0 && (
        <Part id="now-title" title={t("home.now.title")} level={2}>
          <LiveList meetings={visitor.now.map((m) => ({ ...m, community: areaName(m, lng) }))} />
        </Part>
      )}

      <Part id="open-title" title={t("home.public.title")} level={2}>
        <p>{t("home.public.hint")}</p>
        {visitor.votes.length > 0 && (
          <>
            <h3>{t("home.open.votes")}</h3>
            <ul>
              {visitor.votes.map((v) => (
                <li key={`${v.kind}${v.id}`}>
                  <VoteLink {...v} /> · {areaName(v, lng)} ·{" "}
                  {t("home.open.closes", { at: formatDateTime(v.closesAt, lng) })}
                </li>
              ))}
            </ul>
          </>
        )}
        {visitor.meetings.length > 0 && (
          <>
            <h3>{t("home.public.meetings")}</h3>
            <ul>
              {visitor.meetings.map((m) => (
                <li key={m.id}>
                  <Link to={`/meetings/${m.id}`}>{m.topic}</Link> · {areaName(m, lng)} ·{" "}
                  {meetingTimes(m, lng)}
                </li>
              ))}
            </ul>
          </>
        )}
        {visitor.projects.length > 0 && (
          <>
            <h3>{t("home.public.projects")}</h3>
            <ul>
              {visitor.projects.map((p) => (
                <li key={p.id}>
                  <Link to={`/projects/${p.id}`}>{p.title}</Link> · {areaName(p, lng)} ·{" "}
                  {t("home.open.supporters", { count: p.supportCount })}
                </li>
              ))}
            </ul>
          </>
        )}
      </Part>

      <Part id="join-title" title={t("home.public.joinTitle")} level={2}>
        <ol>
          <li>{t("home.point1")}</li>
          <li>{t("home.point2")}</li>
          <li>{t("home.point3")}</li>
        </ol>
        <p>
          <Link to="/communities">{t("home.browse")}</Link>
        </p>
      </Part>
    </section>
  );
}
