/**
 * A community's page: its live and upcoming meetings, membership, the committee's review queues,
 * councils, projects and votes.
 * Each section is short; together they pass 400 lines, and splitting the page would split its URL.
 */
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { json, redirect } from "@remix-run/node";
import { Link, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import {
  ErrorSummary,
  Field,
  IntentForm,
  LoginField,
  Notice,
  refusalFor,
  TextArea,
  useFieldMessage,
} from "~/components/forms";
import { useLiveRevalidation } from "~/components/live";
import { authorize, can } from "~/domain/permissions/policy";
import type { Lng } from "~/i18n/config";
import { createCouncil } from "~/services/meetings/councils.server";
import { aheadRows, communityShown, voteRows } from "~/services/communities/shown.server";
import { meetingsAhead } from "~/services/meetings/queries.server";
import { CommitmentList, MeetingList } from "~/components/meetings";
import { DECISION_REASON_MAX } from "~/domain/community/rules";
import { COUNCIL_NAME_MAX, COUNCIL_PURPOSE_MAX } from "~/domain/meetings/rules";
import {
  appointCommitteeMember,
  decideMembership,
  endCommitteeMember,
  requestMembership,
  withdrawMembership,
} from "~/services/communities/commands.server";
import { communityMine, communityVotes, listPending } from "~/services/communities/queries.server";
import { idParam, notFound, readForm, type Refusal } from "~/utils/forms.server";
import { areaName, formatDate, formatDateTime } from "~/utils/format";
import { titleMeta } from "~/utils/meta";
import { readPreferences } from "~/utils/preferences.server";
import { getCurrent, requireSession } from "~/utils/session.server";
import { CommunityProjects } from "~/components/projects";
import { CommunityVotes } from "~/components/community-votes";
import { pendingOrganisations } from "~/services/organisations/queries.server";
import { setSupportThreshold } from "~/services/projects/commands.server";
import { reviewQueue } from "~/services/projects/queries.server";
import { intent, submitIntent } from "~/services/runner/form.server";

export const handle = { i18n: ["community", "meeting", "project", "vote"] };
export const meta = titleMeta;

/** The meetings ahead and the votes of each kind the page lists. */
const AHEAD_SHOWN = 5;
const VOTES_SHOWN = 10;

export async function loader({ request, params }: LoaderFunctionArgs) {
  const id = idParam(params.id);
  const { session, actor } = await getCurrent(request);
  authorize(actor, "community.view", { communityId: id });
  // What everyone sees alike comes from the short shared cache (services/communities/shown).
  const shown = await communityShown(id);
  if (!shown) notFound();
  const { page, councils, commitments, projects, threshold } = shown;
  const lng = readPreferences(request).lng;
  const pending = can(actor, "membership.viewPending", { communityId: id })
    ? await listPending(actor, id)
    : null;
  const isCommittee = can(actor, "project.review", { communityId: id });
  // The meetings and votes are everyone's (kept); the viewer's own part of the page, their
  // membership included, is one statement read over them.
  const [ahead, voting] = await Promise.all([aheadRows(id), voteRows(id)]);
  const [own, reviewing, pendingOrgs] = await Promise.all([
    communityMine(
      session?.user.id ?? null,
      id,
      { rows: ahead, limit: AHEAD_SHOWN },
      { rows: voting, limit: VOTES_SHOWN },
    ),
    isCommittee ? reviewQueue(actor, id) : null,
    isCommittee ? pendingOrganisations(actor, id) : null,
  ]);
  const meetings = meetingsAhead(actor, id, AHEAD_SHOWN, ahead, own);
  const votes = communityVotes(actor, id, VOTES_SHOWN, voting, own);
  const mine = own?.membership[0];
  return json({
    title: areaName(page.community, lng),
    councils,
    meetings,
    commitments,
    projects,
    threshold,
    reviewing,
    pendingOrgs,
    votes,
    canCreateVotes: can(actor, "poll.manage", { communityId: id }),
    page,
    userId: session?.user.id ?? null,
    signedIn: Boolean(session),
    mine: mine ?? null,
    pending,
    canAppoint: can(actor, "committee.appoint", { communityId: id }),
    canCreateCouncil: can(actor, "council.manage", { communityId: id }),
    canViewAudit: can(actor, "audit.view", { communityId: id }),
  });
}

/** Every intent of the page is a command: parsed, permitted, written and audited by the runner. */
export async function action({ request, params }: ActionFunctionArgs) {
  const id = idParam(params.id);
  const form = await readForm(request);
  const { actor } = await requireSession(request);
  const back = (done: string) => redirect(`/communities/${id}?done=${done}`);
  return submitIntent(
    {
      request: intent(requestMembership, () => back("requested")),
      withdraw: intent(withdrawMembership, () => back("withdrawn")),
      decide: intent(decideMembership, (status) => back(status)),
      appoint: intent(appointCommitteeMember, () => back("appointed")),
      createCouncil: intent(createCouncil, (c) => redirect(`/councils/${c}`)),
      endCommittee: intent(endCommitteeMember, () => back("ended")),
      threshold: intent(setSupportThreshold, () => back("thresholdSet")),
    },
    actor,
    form,
    { params: { communityId: id, areaId: id } },
  );
}

const DONE = [
  "requested",
  "withdrawn",
  "verified",
  "declined",
  "appointed",
  "ended",
  "thresholdSet",
] as const;

export default function Community() {
  const {
    page,
    userId,
    signedIn,
    mine,
    pending,
    canAppoint,
    canViewAudit,
    canCreateCouncil,
    councils,
    meetings,
    commitments,
    projects,
    threshold,
    reviewing,
    pendingOrgs,
    votes,
    canCreateVotes,
  } = useLoaderData<typeof loader>();
  // New requests reach the committee's list, and decisions reach the resident, without a reload.
  useLiveRevalidation(
    [`community:${page.community.id}`, userId ? `user:${userId}` : ""].filter(Boolean),
  );
  const refused = useActionData<Refusal>();
  const [params] = useSearchParams();
  const { t, i18n } = useTranslation(["community", "common"]);
  const message = useFieldMessage();
  const lng = i18n.language as Lng;
  const done = params.get("done");
  const { community } = page;
  const refusedIntent = refused?.values.intent;
  const refusedCouncil = refusalFor(refused, "createCouncil");
  const refusedAppoint = refusalFor(refused, "appoint");

  return (
    <article aria-labelledby="community-title">
      <nav aria-label={t("community.breadcrumb")} className="breadcrumb">
        <ol>
          <li>
            <Link to="/communities">{t("directory.title")}</Link>
          </li>
          {page.ancestors.map((a) => (
            <li key={a.id}>{areaName(a, lng)}</li>
          ))}
        </ol>
      </nav>
      <h1 id="community-title">{areaName(community, lng)}</h1>
      {done && (DONE as readonly string[]).includes(done) && (
        <Notice>{t(`community.done.${done}`)}</Notice>
      )}
      {refused && !["decide", "appoint", "createCouncil"].includes(refusedIntent ?? "") && (
        <ErrorSummary errors={refused.errors} />
      )}

      {meetings.live.length > 0 && (
        <section aria-labelledby="live-title">
          <h2 id="live-title">{t("meeting:council.live")}</h2>
          <MeetingList meetings={meetings.live} />
        </section>
      )}

      <section aria-labelledby="me-title" className="card">
        <h2 id="me-title">{t("community.me.title")}</h2>
        {!signedIn && (
          <p>
            {t("community.me.signIn")}{" "}
            <Link to={`/login?next=/communities/${community.id}`}>{t("common:nav.login")}</Link> ·{" "}
            <Link to="/join">{t("common:nav.join")}</Link>
          </p>
        )}
        {signedIn && !mine && (
          <IntentForm intent="request">
            <p>{t("community.me.notMember")}</p>
            <button type="submit" className="primary">
              {t("community.me.request")}
            </button>
          </IntentForm>
        )}
        {mine?.status === "pending" && (
          <IntentForm intent="withdraw" ids={{ membershipId: mine.id }}>
            <p>
              <strong className="badge pending">{t("community.status.pending")}</strong>{" "}
              {t("community.me.pendingSince", { at: formatDate(mine.requestedAt, lng) })}
            </p>
            <button type="submit">{t("community.me.withdraw")}</button>
          </IntentForm>
        )}
        {mine?.status === "verified" && (
          <IntentForm intent="withdraw" ids={{ membershipId: mine.id }}>
            <p>
              <strong className="badge verified">{t("community.status.verified")}</strong>{" "}
              {mine.decidedAt &&
                t("community.me.verifiedSince", { at: formatDate(mine.decidedAt, lng) })}
            </p>
            <button type="submit">{t("community.me.leave")}</button>
          </IntentForm>
        )}
        {mine?.status === "declined" && (
          <IntentForm intent="request">
            <p>
              <strong className="badge declined">{t("community.status.declined")}</strong>{" "}
              {mine.decisionReason && t("community.me.reason", { reason: mine.decisionReason })}
            </p>
            <button type="submit" className="primary">
              {t("community.me.requestAgain")}
            </button>
          </IntentForm>
        )}
      </section>

      <section aria-labelledby="upcoming-title">
        <h2 id="upcoming-title">{t("meeting:council.upcoming")}</h2>
        {meetings.upcoming.length === 0 ? (
          <p>{t("meeting:council.noUpcoming")}</p>
        ) : (
          <MeetingList meetings={meetings.upcoming} />
        )}
        {meetings.more && <p className="hint">{t("community.meetings.more")}</p>}
      </section>

      <section aria-labelledby="facts-title">
        <h2 id="facts-title">{t("community.facts")}</h2>
        <dl className="facts">
          <dt>{t("community.residents")}</dt>
          <dd>{t("community.residentsCount", { count: page.verifiedCount })}</dd>
          <dt>{t("community.grids")}</dt>
          <dd>{page.grids.map((g) => areaName(g, lng)).join(t("common:listSeparator"))}</dd>
        </dl>
      </section>

      <section aria-labelledby="councils-title">
        <h2 id="councils-title">{t("meeting:council.list")}</h2>
        <ul className="plain">
          {councils.map((c) => (
            <li key={c.id} className="card">
              <h3>
                <Link to={`/councils/${c.id}`}>{c.name}</Link>
              </h3>
              <p className="hint">{c.purpose}</p>
            </li>
          ))}
        </ul>
        {canCreateCouncil && (
          <IntentForm intent="createCouncil" className="card">
            <h3>{t("meeting:council.create")}</h3>
            <Field
              name="name"
              id="council-name"
              label={t("meeting:council.name")}
              maxLength={COUNCIL_NAME_MAX}
              refused={refusedCouncil}
            />
            <TextArea
              name="purpose"
              id="council-purpose"
              rows={2}
              label={t("meeting:council.purpose")}
              maxLength={COUNCIL_PURPOSE_MAX}
              refused={refusedCouncil}
            />
            <button type="submit">{t("meeting:council.createSubmit")}</button>
          </IntentForm>
        )}
        {commitments.length > 0 && (
          <>
            <h3>{t("meeting:commitments.communityTitle")}</h3>
            <CommitmentList items={commitments} showMeeting />
          </>
        )}
      </section>

      <CommunityProjects
        communityId={community.id}
        projects={projects}
        threshold={threshold}
        reviewing={reviewing}
        pendingOrgs={pendingOrgs}
        refused={refusedIntent === "threshold" ? refused : undefined}
      />

      <section aria-labelledby="votes-title">
        <h2 id="votes-title">{t("community.votes.title")}</h2>
        <CommunityVotes polls={votes.polls} rounds={votes.rounds} />
        {canCreateVotes && (
          <p className="buttons">
            <Link className="button" to={`/polls/new?community=${community.id}`}>
              {t("vote:list.newPoll")}
            </Link>
            <Link className="button" to={`/budgets/new?community=${community.id}`}>
              {t("vote:list.newRound")}
            </Link>
          </p>
        )}
      </section>

      <section aria-labelledby="committee-title">
        <h2 id="committee-title">{t("community.committee")}</h2>
        {page.committee.length === 0 ? (
          <p>{t("community.noCommittee")}</p>
        ) : (
          <ul className="plain">
            {page.committee.map((m) => (
              <li key={m.id} className="row">
                <span>
                  {m.displayName}{" "}
                  <span className="hint">
                    {t("community.since", { at: formatDate(m.since, lng) })}
                  </span>
                </span>
                {canAppoint && (
                  <IntentForm
                    intent="endCommittee"
                    ids={{ committeeMemberId: m.id }}
                    className="inline"
                  >
                    <button type="submit">
                      {t("community.admin.end", { name: m.displayName })}
                    </button>
                  </IntentForm>
                )}
              </li>
            ))}
          </ul>
        )}
        {canAppoint && (
          <IntentForm intent="appoint" className="card">
            <h3>{t("community.admin.appointTitle")}</h3>
            <LoginField
              label={t("community.admin.login")}
              hint={t("community.admin.loginHint")}
              defaultValue={refusedAppoint?.values.login}
              error={refusedAppoint && (refusedAppoint.errors.login ?? refusedAppoint.errors._form)}
            />
            <button type="submit">{t("community.admin.appoint")}</button>
          </IntentForm>
        )}
      </section>

      {pending && (
        <section aria-labelledby="pending-title">
          <h2 id="pending-title">{t("community.pending.title", { count: pending.length })}</h2>
          {pending.length === 0 && <p>{t("community.pending.none")}</p>}
          <ul className="plain">
            {pending.map((p) => {
              const err = refusalFor(refused, "decide", { membershipId: p.id });
              return (
                <li key={p.id} className="card">
                  <h3>
                    {p.displayName} <span className="hint">({p.login})</span>
                  </h3>
                  <p className="hint">
                    {t("community.pending.requestedAt", { at: formatDateTime(p.requestedAt, lng) })}
                  </p>
                  {err?.errors._form && (
                    <p className="error" role="alert">
                      {message(err.errors._form)}
                    </p>
                  )}
                  <IntentForm intent="decide" ids={{ membershipId: p.id }}>
                    <TextArea
                      id={`reason-${p.id}`}
                      name="reason"
                      rows={2}
                      maxLength={DECISION_REASON_MAX}
                      label={t("community.pending.reason")}
                      hint={t("community.pending.reasonHint")}
                      refused={err}
                    />
                    <div className="buttons">
                      <button type="submit" name="decision" value="verify" className="primary">
                        {t("community.pending.verify", { name: p.displayName })}
                      </button>
                      <button type="submit" name="decision" value="decline">
                        {t("community.pending.decline", { name: p.displayName })}
                      </button>
                    </div>
                  </IntentForm>
                </li>
              );
            })}
          </ul>
        </section>
      )}

      {canViewAudit && (
        <p>
          <Link to={`/communities/${community.id}/audit`}>{t("community.auditLink")}</Link>
        </p>
      )}
    </article>
  );
}
