import { useShownName } from "~/components/person";
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { json, redirect } from "@remix-run/node";
import { Link, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { FollowButton } from "~/components/follow";
import { ErrorSummary, Field, IntentForm, Notice, TextArea } from "~/components/forms";
import { ConversationList } from "~/components/conversations/lists";
import { CommitmentList, MeetingList } from "~/components/meetings";
import { COUNCIL_NAME_MAX, COUNCIL_PURPOSE_MAX } from "~/domain/meetings/rules";
import { authorize, can } from "~/domain/permissions/policy";
import type { Lng } from "~/i18n/config";
import {
  addCouncilMember,
  removeCouncilMember,
  updateCouncil,
} from "~/services/meetings/councils.server";
import { councilConversations } from "~/services/conversations/queries.server";
import { councilPage } from "~/services/meetings/queries.server";
import { following } from "~/services/notices/follow-queries.server";
import { submitFollow } from "~/services/notices/follows.server";
import { intent, submitIntent } from "~/services/runner/form.server";
import { idParam, notFound, readForm, type Refusal } from "~/utils/forms.server";
import { areaName } from "~/utils/format";
import { titleMeta } from "~/utils/meta";
import { getCurrent, requireSession } from "~/utils/session.server";

export const handle = { i18n: ["meeting", "community", "notice", "conversations"] };
export const meta = titleMeta;

export async function loader({ request, params }: LoaderFunctionArgs) {
  const id = idParam(params.id);
  const { actor } = await getCurrent(request);
  const page = await councilPage(id);
  if (!page) notFound();
  authorize(actor, "council.view", { communityId: page.council.areaId });
  return json({
    title: page.council.name,
    ...page,
    canManage: can(actor, "council.manage", { communityId: page.council.areaId }),
    canSchedule: can(actor, "meeting.manage", { communityId: page.council.areaId }),
    canConverse: can(actor, "conversation.create", { communityId: page.council.areaId }),
    conversations: await councilConversations(id),
    following: await following(actor, "council", id),
  });
}

export async function action({ request, params }: ActionFunctionArgs) {
  const id = idParam(params.id);
  const form = await readForm(request);
  const { actor } = await requireSession(request);
  const saved = () => redirect(`/councils/${id}?done=saved`);
  const followed = submitFollow(actor, form, "council", id, `/councils/${id}`);
  if (followed) return followed;
  return submitIntent(
    {
      edit: intent(updateCouncil, saved),
      addMember: intent(addCouncilMember, saved),
      removeMember: intent(removeCouncilMember, saved),
    },
    actor,
    form,
    { params: { councilId: id } },
  );
}

export default function Council() {
  const data = useLoaderData<typeof loader>();
  const { council, area, live, upcoming, past, members, commitments, canManage, canSchedule } =
    data;
  const refused = useActionData<Refusal>();
  const [params] = useSearchParams();
  const { t, i18n } = useTranslation(["meeting", "common", "conversations"]);
  const shown = useShownName();
  const lng = i18n.language as Lng;
  return (
    <article aria-labelledby="council-title">
      <p>
        <Link to={`/communities/${area.id}`}>{areaName(area, lng)}</Link>
      </p>
      <h1 id="council-title">{council.name}</h1>
      <FollowButton following={data.following} />
      {params.get("done") === "saved" && <Notice>{t("council.saved")}</Notice>}
      <p>{council.purpose}</p>
      {members.length > 0 && (
        <p>
          {t("council.members")}:{" "}
          {members.map((m) => shown(m.displayName)).join(t("common:listSeparator"))}
        </p>
      )}
      <p className="buttons">
        {canSchedule && (
          <Link className="button primary" to={`/councils/${council.id}/meetings/new`}>
            {t("council.schedule")}
          </Link>
        )}
        <a className="button" href={`/councils/${council.id}/calendar.ics`}>
          {t("calendar.subscribe")}
        </a>
      </p>

      {live.length > 0 && (
        <section aria-labelledby="live-title">
          <h2 id="live-title">{t("council.live")}</h2>
          <MeetingList meetings={live} />
        </section>
      )}

      <section aria-labelledby="upcoming-title">
        <h2 id="upcoming-title">{t("council.upcoming")}</h2>
        {upcoming.length === 0 ? (
          <p>{t("council.noUpcoming")}</p>
        ) : (
          <MeetingList meetings={upcoming} />
        )}
      </section>

      <section aria-labelledby="conversations-title">
        <h2 id="conversations-title">{t("conversations:list.title")}</h2>
        <ConversationList items={data.conversations} />
        {data.canConverse && (
          <p>
            <Link className="button" to={`/councils/${council.id}/conversations/new`}>
              {t("conversations:list.new")}
            </Link>
          </p>
        )}
      </section>

      <section aria-labelledby="commitments-title">
        <h2 id="commitments-title">{t("council.openCommitments")}</h2>
        {commitments.length === 0 ? (
          <p>{t("commitments.none")}</p>
        ) : (
          <CommitmentList items={commitments} showMeeting />
        )}
      </section>

      <section aria-labelledby="past-title">
        <h2 id="past-title">{t("council.past")}</h2>
        {past.length === 0 ? <p>{t("council.noPast")}</p> : <MeetingList meetings={past} />}
      </section>

      {canManage && (
        <section aria-labelledby="edit-title" className="card">
          <h2 id="edit-title">{t("council.edit")}</h2>
          <IntentForm intent="edit">
            <ErrorSummary
              errors={refused?.errors}
              labels={{ name: t("council.name"), purpose: t("council.purpose") }}
            />
            <Field
              name="name"
              label={t("council.name")}
              defaultValue={refused?.values.name ?? council.name}
              error={refused?.errors.name}
              maxLength={COUNCIL_NAME_MAX}
            />
            <TextArea
              name="purpose"
              label={t("council.purpose")}
              rows={3}
              defaultValue={refused?.values.purpose ?? council.purpose}
              error={refused?.errors.purpose}
              maxLength={COUNCIL_PURPOSE_MAX}
            />
            <button type="submit">{t("council.save")}</button>
          </IntentForm>
        </section>
      )}
    </article>
  );
}
