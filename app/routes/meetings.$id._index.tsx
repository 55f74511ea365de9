/**
 * A meeting's page: agenda, seats and RSVPs, invitations, status, minutes and commitments, for
 * residents and the committee alike, on one page that works without JavaScript; hence its length.
 */
import { FollowButton } from "~/components/follow";
import { useShownName } from "~/components/person";
import { LinkedNeeds } from "~/components/linked-needs";
import {
  AgendaStatements,
  flattenAttached,
  ConversationList,
} from "~/components/conversations/lists";
import { linkedNeedsLabelled } from "~/utils/linked-needs.server";
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { json, redirect } from "@remix-run/node";
import { Link, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import {
  CheckboxGroup,
  ErrorSummary,
  Field,
  IntentForm,
  Notice,
  refusalFor,
  SelectField,
  TextArea,
  useFieldMessage,
} from "~/components/forms";
import { useLiveRevalidation } from "~/components/live";
import { CommitmentList } from "~/components/meetings";
import { ReadAloud } from "~/components/read-aloud";
import { LOGIN_MAX } from "~/domain/accounts/limits";
import {
  COMMITMENT_MAX,
  COMMITMENT_STATUSES,
  DECISIONS_MAX,
  INVITED_SEAT_KINDS,
  isOverdue,
  nextStatus,
  NOTE_MAX,
  OWNER_KINDS,
  OWNER_NAME_MAX,
  SUMMARY_MAX,
} from "~/domain/meetings/rules";
import { authorize, can as allowed } from "~/domain/permissions/policy";
import { VoteLinks } from "~/components/vote-links";
import type { Lng } from "~/i18n/config";
import { cancelRsvp, inviteToSeat, moveMeeting, rsvp } from "~/services/meetings/commands.server";
import { addCommitment, updateCommitment, writeMinutes } from "~/services/meetings/minutes.server";
import { meetingLists, meetingPage } from "~/services/meetings/queries.server";
import { detachStatement } from "~/services/conversations/commands.server";
import { agendaStatements } from "~/services/conversations/queries.server";
import { getT } from "~/i18n/i18next.server";
import { following } from "~/services/notices/follow-queries.server";
import { submitFollow } from "~/services/notices/follows.server";
import { intent, submitIntent } from "~/services/runner/form.server";
import { idParam, readForm, throwRefusal, type Refusal } from "~/utils/forms.server";
import { areaName, formatDateTime } from "~/utils/format";
import { titleMeta } from "~/utils/meta";
import { getCurrent, requireSession } from "~/utils/session.server";

export const handle = { i18n: ["meeting", "community", "vote", "notice", "conversations"] };
export const meta = titleMeta;

export async function loader({ request, params }: LoaderFunctionArgs) {
  const id = idParam(params.id);
  const { actor } = await getCurrent(request);
  authorize(actor, "meeting.view");
  const { updates, ...page } = await meetingPage(id, actor).catch(throwRefusal);
  const lists = await meetingLists(id, page.area.id);
  const needs = await linkedNeedsLabelled(request, "meeting", lists.needs);
  const { conversations } = lists;
  const attached = flattenAttached(lists.attached);
  return json({
    title: page.meeting.topic,
    ...page,
    needs,
    polls: lists.polls,
    canCreatePoll: allowed(actor, "poll.manage", { communityId: page.area.id }),
    conversations,
    attached,
    canConverse: allowed(actor, "conversation.create", { communityId: page.area.id }),
    canAttach: allowed(actor, "agenda.attachStatements", { communityId: page.area.id }),
    commitments: page.commitments.map((c) => ({
      ...c,
      overdue: isOverdue(c),
      updates: updates.filter((u) => u.commitmentId === c.id),
    })),
    signedIn: actor.userId !== null,
    following: await following(actor, "meeting", id),
  });
}

export async function action({ request, params }: ActionFunctionArgs) {
  const id = idParam(params.id);
  const form = await readForm(request);
  const { actor } = await requireSession(request);
  const back = (done: string) => redirect(`/meetings/${id}?done=${done}`);
  const followed = submitFollow(actor, form, "meeting", id, `/meetings/${id}`);
  if (followed) return followed;
  if (form.intent === "minutes" && form.cite !== undefined) await citeStatements(request, id, form);
  return submitIntent(
    {
      rsvp: intent(rsvp, () => back("rsvped")),
      cancelRsvp: intent(cancelRsvp, () => back("cancelled")),
      move: intent(moveMeeting, (_, i) => back(`moved-${i.to}`)),
      invite: intent(inviteToSeat, () => back("invited")),
      minutes: intent(writeMinutes, () => back("minutes")),
      commitment: intent(addCommitment, () => back("commitment")),
      commitmentUpdate: intent(updateCommitment, () => back("commitmentUpdated")),
      detachStatement: intent(detachStatement, () => back("detached")),
    },
    actor,
    form,
    { params: { meetingId: id } },
  );
}

/**
 * The statements the committee ticked in the minutes form ("cite") are written into the summary
 * as "观点 #12：…" lines, in the reader's language: the minutes are text, and a citation that is
 * text stays readable on paper and in the open data. Only statements attached to this meeting's
 * agenda can be cited; other ids are ignored.
 */
async function citeStatements(request: Request, meetingId: number, form: Record<string, unknown>) {
  const picked = new Set([form.cite].flat().map(String));
  const [attached, t] = await Promise.all([
    agendaStatements(meetingId).then(flattenAttached),
    getT(request, "conversations"),
  ]);
  const lines = attached
    .filter((s) => picked.has(String(s.statementId)))
    .map((s) => t("cite.text", { id: s.statementId, body: s.body }));
  if (lines.length === 0) return;
  const summary = typeof form.summary === "string" ? form.summary.trimEnd() : "";
  form.summary = [summary, ...lines].filter(Boolean).join("\n");
  delete form.cite;
}

const DONE = [
  "edited",
  "unchanged",
  "meetingCancelled",
  "rsvped",
  "cancelled",
  "moved-live",
  "moved-closed",
  "moved-published",
  "invited",
  "minutes",
  "commitment",
  "commitmentUpdated",
  "scheduled",
];
/** Notices whose words are in the conversations namespace. */
const CONVERSATION_DONE: Record<string, string> = { detached: "conversations:attach.detached" };

export default function Meeting() {
  const data = useLoaderData<typeof loader>();
  const { meeting, council, area, agenda, seats, myRsvp, minutes, commitments, can, signedIn } =
    data;
  const refused = useActionData<Refusal>();
  const [params] = useSearchParams();
  const { t, i18n } = useTranslation(["meeting", "common", "community", "conversations"]);
  const shown = useShownName();
  const message = useFieldMessage();
  const lng = i18n.language as Lng;
  const done = params.get("done");
  const next = nextStatus(meeting.status);
  // While the meeting is live its room is the way in: the page's main button, first after the title.
  const roomFirst = meeting.status === "live" && can.readRoom;
  useLiveRevalidation([`community:${area.id}`]);
  const refusedInvite = refusalFor(refused, "invite");
  const refusedMinutes = refusalFor(refused, "minutes");
  const refusedCommitment = refusalFor(refused, "commitment");

  return (
    <article aria-labelledby="meeting-title">
      <p>
        <Link to={`/communities/${area.id}`}>{areaName(area, lng)}</Link> ›{" "}
        <Link to={`/councils/${council.id}`}>{council.name}</Link>
      </p>
      <h1 id="meeting-title" data-read-aloud>
        {meeting.topic}
      </h1>
      {/* A live meeting's room stays the first thing after the title; following comes after. */}
      {roomFirst && (
        <p>
          <Link className="button primary big" to={`/meetings/${meeting.id}/room`}>
            {t("meeting.openRoom")}
          </Link>
        </p>
      )}
      <FollowButton following={data.following} />
      <ReadAloud />
      {done && DONE.includes(done) && <Notice>{t(`done.${done}`)}</Notice>}
      {done && CONVERSATION_DONE[done] && <Notice>{t(CONVERSATION_DONE[done]!)}</Notice>}
      {refused?.errors._form && (
        <div className="error-summary" role="alert">
          <p>{message(refused.errors._form)}</p>
        </div>
      )}
      {/* Removing a statement from the agenda has no field to show its refusal beside. */}
      {refused?.values.intent === "detachStatement" && !refused.errors._form && (
        <div className="error-summary" role="alert">
          {Object.entries(refused.errors).map(([field, e]) => (
            <p key={field}>{message(e)}</p>
          ))}
        </div>
      )}
      {meeting.cancelledAt ? (
        <div className="notice cancelled" role="status" data-read-aloud>
          <p>
            <span className="badge status-cancelled">{t("status.cancelled")}</span>{" "}
            <strong>{t("meeting.cancelledNotice")}</strong>
          </p>
          {meeting.cancelReason && (
            <p>{t("meeting.cancelledBecause", { reason: meeting.cancelReason })}</p>
          )}
        </div>
      ) : (
        <p>
          <span className={`badge status-${meeting.status}`}>{t(`status.${meeting.status}`)}</span>
        </p>
      )}
      <dl className="facts">
        <dt>{t("meeting.when")}</dt>
        <dd>
          {formatDateTime(meeting.startsAt, lng)} – {formatDateTime(meeting.endsAt, lng)}
        </dd>
        <dt>{t("meeting.where")}</dt>
        <dd>{meeting.place}</dd>
        {!roomFirst && !meeting.cancelledAt && (
          <>
            <dt>{t("meeting.online")}</dt>
            <dd>
              {can.readRoom ? (
                <Link to={`/meetings/${meeting.id}/room`}>{t("meeting.openRoom")}</Link>
              ) : (
                t(signedIn ? "meeting.roomPrivate" : "meeting.roomSignIn")
              )}
            </dd>
          </>
        )}
      </dl>
      <p className="description" data-read-aloud>
        {meeting.description}
      </p>
      <p className="buttons">
        <a
          className={roomFirst ? "button small" : "button"}
          href={`/meetings/${meeting.id}/calendar.ics`}
        >
          {t("calendar.add")}
        </a>
        <a className={roomFirst ? "button small" : "button"} href={`/meetings/${meeting.id}/print`}>
          {t("print.link")}
        </a>
      </p>

      <section aria-labelledby="agenda-title" data-read-aloud>
        <h2 id="agenda-title">{t("meeting.agenda")}</h2>
        <ol>
          {agenda.map((a) => (
            <li key={a.id}>
              {a.title} <span className="hint">{t("meeting.timeBox", { minutes: a.minutes })}</span>
              {meeting.status === "live" && meeting.currentAgendaItemId === a.id && (
                <strong className="badge verified"> {t("meeting.current")}</strong>
              )}
              <AgendaStatements items={data.attached.filter((s) => s.agendaItemId === a.id)}>
                {(s) =>
                  data.canAttach && (
                    <IntentForm
                      intent="detachStatement"
                      ids={{ agendaItemId: a.id, statementId: s.statementId }}
                      className="inline"
                    >
                      <button
                        type="submit"
                        className="small"
                        aria-label={`${t("conversations:attach.detach")} #${s.statementId}`}
                      >
                        {t("conversations:attach.detach")}
                      </button>
                    </IntentForm>
                  )
                }
              </AgendaStatements>
            </li>
          ))}
        </ol>
      </section>
      <LinkedNeeds view={data.needs} />

      {(data.conversations.length > 0 || data.canConverse) && (
        <section aria-labelledby="conversations-title">
          <h2 id="conversations-title">{t("conversations:list.title")}</h2>
          <ConversationList items={data.conversations} />
          {data.canConverse && (
            <p>
              <Link
                className="button"
                to={`/councils/${council.id}/conversations/new?meeting=${meeting.id}`}
              >
                {t("conversations:list.new")}
              </Link>
            </p>
          )}
        </section>
      )}

      {(data.polls.length > 0 || data.canCreatePoll) && (
        <section aria-labelledby="polls-title">
          <h2 id="polls-title">{t("vote:list.meetingPolls")}</h2>
          <VoteLinks polls={data.polls} rounds={[]} />
          {data.canCreatePoll && (
            <p>
              <Link className="button" to={`/polls/new?community=${area.id}&meeting=${meeting.id}`}>
                {t("vote:list.newPoll")}
              </Link>
            </p>
          )}
        </section>
      )}

      <section aria-labelledby="seats-title">
        <h2 id="seats-title">{t("meeting.seats")}</h2>
        <ul className="plain">
          {seats.map((s) => (
            <li key={s.kind} className="row">
              <span>
                <strong>{t(`seatKind.${s.kind}`)}</strong>{" "}
                {s.capacity === null
                  ? t("meeting.seatsOpen", { taken: s.taken })
                  : t("meeting.seatsTaken", { taken: s.taken, capacity: s.capacity })}
                {s.assisted > 0 && <> · {t("common:assist.ofThemAssisted", { n: s.assisted })}</>}
                {s.invited.length > 0 && (
                  <span className="hint">
                    {" "}
                    · {s.invited.map((i) => shown(i.displayName)).join(t("common:listSeparator"))}
                  </span>
                )}
              </span>
            </li>
          ))}
        </ul>
        {myRsvp ? (
          <IntentForm intent="cancelRsvp">
            <p>
              {t("meeting.youAreComing", { kind: t(`seatKind.${myRsvp.kind}`) })}
              {myRsvp.assisted && <> {t("common:assist.withAssistance")}</>}
            </p>
            <button type="submit">{t("meeting.cancelRsvp")}</button>
          </IntentForm>
        ) : can.rsvp ? (
          <IntentForm intent="rsvp">
            <button type="submit" className="primary">
              {t("meeting.rsvp")}
            </button>
          </IntentForm>
        ) : (
          meeting.status !== "closed" &&
          meeting.status !== "published" &&
          !meeting.cancelledAt && (
            <p className="hint">
              {t(signedIn ? "meeting.rsvpVerifiedOnly" : "meeting.rsvpSignIn")}
            </p>
          )
        )}
      </section>

      {(minutes.length > 0 || commitments.length > 0) && (
        <section aria-labelledby="minutes-title">
          <h2 id="minutes-title">{t("minutes.title")}</h2>
          {meeting.status !== "published" && <p className="hint">{t("minutes.draft")}</p>}
          {agenda.map((a) => {
            const m = minutes.find((x) => x.agendaItemId === a.id);
            return m ? (
              <section key={a.id} aria-labelledby={`min-${a.id}`} className="card" data-read-aloud>
                <h3 id={`min-${a.id}`}>{a.title}</h3>
                <p>{m.summary}</p>
                {m.decisions && (
                  <p>
                    <strong>{t("minutes.decisions")}</strong> {m.decisions}
                  </p>
                )}
              </section>
            ) : null;
          })}
          <h3>{t("commitments.title")}</h3>
          <CommitmentList
            items={commitments}
            more={(c) => (
              <>
                {c.updates.length > 0 && (
                  <ul>
                    {c.updates.map((u) => (
                      <li key={u.id}>
                        {formatDateTime(u.createdAt, lng)} · {t(`commitmentStatus.${u.status}`)} ·{" "}
                        {u.note}
                      </li>
                    ))}
                  </ul>
                )}
                {can.writeMinutes && c.status !== "done" && c.status !== "dropped" && (
                  <CommitmentUpdateForm
                    commitment={c}
                    refused={refusalFor(refused, "commitmentUpdate", { commitmentId: c.id })}
                  />
                )}
              </>
            )}
          />
        </section>
      )}

      {/* A cancelled meeting has nothing left to run: no move, no invitation, no change. */}
      {can.manage && !meeting.cancelledAt && (
        <section aria-labelledby="manage-title" className="card">
          <h2 id="manage-title">{t("manage.title")}</h2>
          {can.change && (
            <p>
              <Link className="button" to={`/meetings/${meeting.id}/edit`}>
                {t("change.link")}
              </Link>
            </p>
          )}
          {next && (
            <IntentForm intent="move" ids={{ to: next }}>
              <button type="submit" className="primary">
                {t(`manage.move.${next}`)}
              </button>
            </IntentForm>
          )}
          {meeting.status !== "closed" && meeting.status !== "published" && (
            <IntentForm intent="invite">
              <h3>{t("manage.invite")}</h3>
              <ErrorSummary errors={refusedInvite?.errors} />
              <Field
                name="login"
                id="invite-login"
                label={t("manage.inviteLogin")}
                refused={refusedInvite}
                maxLength={LOGIN_MAX}
              />
              <SelectField
                name="kind"
                id="invite-kind"
                label={t("manage.inviteKind")}
                options={INVITED_SEAT_KINDS.map((k) => ({ value: k, label: t(`seatKind.${k}`) }))}
                defaultValue={refusedInvite?.values.kind || "official"}
              />
              <button type="submit">{t("manage.inviteSubmit")}</button>
            </IntentForm>
          )}
        </section>
      )}

      {can.writeMinutes && meeting.status !== "scheduled" && (
        <section aria-labelledby="write-title" className="card">
          <h2 id="write-title">{t("minutes.write")}</h2>
          <IntentForm intent="minutes">
            <ErrorSummary errors={refusedMinutes?.errors} />
            <SelectField
              name="agendaItemId"
              id="min-item"
              label={t("minutes.agendaItem")}
              options={agenda.map((a) => ({ value: String(a.id), label: a.title }))}
              defaultValue={refusedMinutes?.values.agendaItemId}
            />
            <TextArea
              name="summary"
              id="min-summary"
              rows={4}
              label={t("minutes.summary")}
              maxLength={SUMMARY_MAX}
              refused={refusedMinutes}
            />
            <TextArea
              name="decisions"
              id="min-decisions"
              rows={2}
              label={t("minutes.decisionsLabel")}
              maxLength={DECISIONS_MAX}
              refused={refusedMinutes}
            />
            {data.attached.length > 0 && <p className="hint">{t("conversations:cite.hint")}</p>}
            {data.attached.length > 0 && (
              <CheckboxGroup
                name="cite"
                legend={t("conversations:cite.legend")}
                options={data.attached.map((s) => ({
                  value: String(s.statementId),
                  label: t("conversations:cite.text", { id: s.statementId, body: s.body }),
                }))}
                checked={[]}
              />
            )}
            <button type="submit">{t("minutes.save")}</button>
          </IntentForm>
          <IntentForm intent="commitment">
            <h3>{t("commitments.add")}</h3>
            <ErrorSummary errors={refusedCommitment?.errors} />
            <Field
              name="what"
              id="c-what"
              label={t("commitments.what")}
              maxLength={COMMITMENT_MAX}
              refused={refusedCommitment}
            />
            <SelectField
              name="ownerKind"
              id="c-kind"
              label={t("commitments.ownerKind")}
              options={OWNER_KINDS.map((k) => ({ value: k, label: t(`ownerKind.${k}`) }))}
              refused={refusedCommitment}
              defaultValue="department"
            />
            <Field
              name="ownerName"
              id="c-owner"
              label={t("commitments.ownerName")}
              maxLength={OWNER_NAME_MAX}
              refused={refusedCommitment}
            />
            <Field
              name="ownerLogin"
              id="c-owner-login"
              maxLength={LOGIN_MAX}
              autoCapitalize="none"
              spellCheck={false}
              label={t("commitments.ownerLogin")}
              hint={t("commitments.ownerLoginHint")}
              refused={refusedCommitment}
            />
            <Field
              name="dueDate"
              id="c-due"
              type="date"
              label={t("commitments.dueDate")}
              refused={refusedCommitment}
            />
            <button type="submit">{t("commitments.addSubmit")}</button>
          </IntentForm>
        </section>
      )}
    </article>
  );
}

/**
 * Recording a commitment's progress. A refused update comes back with the status and note as typed:
 * without JavaScript the page is new, and the note would otherwise be lost.
 */
function CommitmentUpdateForm({
  commitment: c,
  refused,
}: {
  commitment: { id: number; status: string };
  refused: Refusal | undefined;
}) {
  const { t } = useTranslation(["meeting", "common"]);
  return (
    <IntentForm intent="commitmentUpdate" ids={{ commitmentId: c.id }} className="card">
      <SelectField
        name="status"
        id={`cs-${c.id}`}
        label={t("commitments.newStatus")}
        options={COMMITMENT_STATUSES.map((s) => ({ value: s, label: t(`commitmentStatus.${s}`) }))}
        defaultValue={refused?.values.status ?? c.status}
      />
      <TextArea
        id={`cn-${c.id}`}
        name="note"
        rows={2}
        label={t("commitments.note")}
        maxLength={NOTE_MAX}
        refused={refused}
      />
      <button type="submit">{t("commitments.update")}</button>
    </IntentForm>
  );
}
