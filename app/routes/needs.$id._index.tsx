/**
 * One need: where it is and who has it now, its details (when they are the reader's to see), its
 * timeline, and the forms for whatever the reader's role may do next — "me too", the residents'
 * answer, and the grid worker's, command room's, unit's and committee's steps. Every form posts
 * here; the page reloads when the need moves.
 */
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { json, redirect } from "@remix-run/node";
import { Link, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import { FollowButton } from "~/components/follow";
import {
  ErrorSummary,
  Field,
  IntentForm,
  Notice,
  refusalFor,
  SelectField,
  TextArea,
} from "~/components/forms";
import { useLiveRevalidation } from "~/components/live";
import { NeedStatusBadge, OverdueMark, unitLabel, useNeedLabels } from "~/components/needs";
import { ReadAloud } from "~/components/read-aloud";
import { NEED_NOTE_MAX, STEPS, type NeedStep } from "~/domain/needs/machine";
import { takesProjects } from "~/domain/needs/rules";
import { useRootData } from "~/root";
import { getT } from "~/i18n/i18next.server";
import { linkNeed, meToo, takeNeedStep } from "~/services/needs/commands.server";
import { needPage, type NeedPage } from "~/services/needs/queries.server";
import { following } from "~/services/notices/follow-queries.server";
import { submitFollow } from "~/services/notices/follows.server";
import { intent, submitIntent } from "~/services/runner/form.server";
import { areaName, formatDateTime } from "~/utils/format";
import { idParam, notFound, readFormWithFile, type Refusal } from "~/utils/forms.server";
import { titleMeta } from "~/utils/meta";
import { getCurrent, requireSession } from "~/utils/session.server";

export const handle = { i18n: ["need", "notice"] };
export const meta = titleMeta;

const DAY_MS = 86_400_000;

export async function loader({ request, params }: LoaderFunctionArgs) {
  const id = idParam(params.id);
  const { actor } = await getCurrent(request);
  const [page, t] = await Promise.all([needPage(actor, id), getT(request, "need")]);
  if (!page) notFound();
  return json({
    title: `${t(`categories.${page.need.category}`)} #${page.need.id}`,
    ...page,
    // Only those who may see its details may follow it (a private need's notices would tell more).
    following: page.details ? await following(actor, "need", id) : null,
  });
}

export async function action({ request, params }: ActionFunctionArgs) {
  const id = idParam(params.id);
  const { form, file } = await readFormWithFile(request, "photo");
  const { actor } = await requireSession(request);
  const back = (done: string) => redirect(`/needs/${id}?done=${done}`);
  const followed = submitFollow(actor, form, "need", id, `/needs/${id}`);
  if (followed) return followed;
  return submitIntent(
    {
      meToo: intent(meToo, () => back("meToo")),
      step: intent(takeNeedStep, () => back("step")),
      link: intent(linkNeed, () => back("link")),
    },
    actor,
    form,
    { params: { needId: id, photo: file } },
  );
}

/** The steps whose form asks for a note; the rest take an optional one (or none: the answers). */
const ANSWERS: readonly NeedStep[] = ["answerSatisfied", "answerPartly", "answerNotSatisfied"];

export default function Need() {
  const data = useLoaderData<typeof loader>();
  const { need: n, viewer, timeline } = data;
  const refused = useActionData<Refusal>();
  const [params] = useSearchParams();
  const { t, lng } = useNeedLabels();
  const lite = useRootData()?.mode === "lite";
  useLiveRevalidation([`community:${n.communityId}`]);
  const done = params.get("done");
  const community = areaName({ nameZh: n.communityZh, nameEn: n.communityEn }, lng);
  const grid = areaName({ nameZh: n.gridZh, nameEn: n.gridEn }, lng);
  const answerBy =
    n.checkedAt && n.status === "checked"
      ? new Date(new Date(n.checkedAt).getTime() + 14 * DAY_MS).toISOString()
      : null;
  const staffSteps = viewer.steps.filter((s) => !ANSWERS.includes(s) && s !== "reopen");
  return (
    <article aria-labelledby="need-title">
      <p>
        <Link to={`/needs?community=${n.communityId}`}>{t("need:title")}</Link> ·{" "}
        <Link to={`/communities/${n.communityId}`}>{community}</Link>
      </p>
      <h1 id="need-title" data-read-aloud>
        {t(`need:categories.${n.category}`)} #{n.id}
      </h1>
      <FollowButton following={data.following} />
      <ReadAloud />
      <p>
        <NeedStatusBadge status={n.status} /> <OverdueMark overdue={n.overdue} raised={n.raised} />
      </p>
      {done && (
        <Notice>{t(`need:done.${done === "meToo" || done === "link" ? done : "step"}`)}</Notice>
      )}
      {refused && !refused.values.step && refused.errors._form && (
        <ErrorSummary errors={{ _form: refused.errors._form }} />
      )}
      {n.mergedInto !== null && (
        <p className="card reason">
          <Link to={`/needs/${n.mergedInto}`}>{t("need:mergedInto", { id: n.mergedInto })}</Link>
        </p>
      )}
      {n.status === "notForPlatform" && n.statusNote && (
        <p className="card reason">{t("need:notFor", { note: n.statusNote })}</p>
      )}

      <dl className="facts">
        <dt>{t("need:facts.where")}</dt>
        <dd>
          {areaName({ nameZh: n.streetZh, nameEn: n.streetEn }, lng)} · {community} · {grid}
          {n.place && <> · {n.place}</>}
        </dd>
        <dt>{t("need:facts.reportedAt")}</dt>
        <dd>{formatDateTime(n.createdAt, lng)}</dd>
        <dt>{t("need:facts.channel")}</dt>
        <dd>
          {n.channel === "web" || n.channel === "window"
            ? t(`need:channels.${n.channel}`)
            : t("need:channels.other", { channel: n.channel })}
        </dd>
        <dt>{t("need:facts.intensity")}</dt>
        <dd>{t("need:intensity", { n: n.intensity })}</dd>
        {data.unit && (
          <>
            <dt>{t("need:facts.unit")}</dt>
            <dd>{unitLabel(t, data.unit)}</dd>
          </>
        )}
        {n.deadlineAt && (
          <>
            <dt>{t("need:facts.deadline")}</dt>
            <dd>{formatDateTime(n.deadlineAt, lng)}</dd>
          </>
        )}
        {n.rehandled > 0 && (
          <>
            <dt>{t("need:facts.rehandled")}</dt>
            <dd>{t("need:rehandledTimes", { n: n.rehandled })}</dd>
          </>
        )}
        {n.answer && (
          <>
            <dt>{t("need:facts.answer")}</dt>
            <dd>{t(`need:answers.${n.answer}`)}</dd>
          </>
        )}
      </dl>
      <p className="meta">{t("need:reporterHidden")}</p>

      {data.details ? (
        <section aria-labelledby="description-title" data-read-aloud>
          <h2 id="description-title">{t("need:form.description")}</h2>
          <p className="prose">{n.description}</p>
          {n.photo &&
            (lite && params.get("photos") !== "1" ? (
              <p>
                <a href={`/needs/${n.id}?photos=1`}>{t("need:showPhoto")}</a>
              </p>
            ) : (
              <img
                className="project-photo"
                src={`/needs/${n.id}/photo`}
                alt={t("need:photoAlt")}
                loading="lazy"
              />
            ))}
        </section>
      ) : (
        <p className="card">{t("need:privateDetails")}</p>
      )}

      {viewer.behind && <p>{t("need:youAreBehind")}</p>}
      {viewer.canMeToo && (
        <IntentForm intent="meToo">
          <button type="submit" className="primary">
            {t("need:meToo.button")}
          </button>
        </IntentForm>
      )}

      {viewer.steps.some((s) => ANSWERS.includes(s)) && (
        <section aria-labelledby="answer-title" className="card">
          <h2 id="answer-title">{t("need:answerPrompt")}</h2>
          {answerBy && <p>{t("need:answerBy", { at: formatDateTime(answerBy, lng) })}</p>}
          {viewer.answer && (
            <p>{t("need:yourAnswer", { answer: t(`need:answers.${viewer.answer}`) })}</p>
          )}
          <IntentForm intent="step" className="buttons">
            {ANSWERS.map((s) => (
              <button key={s} type="submit" name="step" value={s}>
                {t(`need:steps.${s}`)}
              </button>
            ))}
          </IntentForm>
        </section>
      )}
      {viewer.steps.includes("reopen") && <StepForm step="reopen" data={data} refused={refused} />}

      {staffSteps.length > 0 && (
        <section aria-labelledby="staff-title">
          <h2 id="staff-title">{t("need:stepForm.forYou")}</h2>
          {staffSteps.map((s) => (
            <StepForm key={s} step={s} data={data} refused={refused} />
          ))}
        </section>
      )}

      {(data.links.length > 0 || viewer.linkChoices || takesProjects(n.status)) && (
        <section aria-labelledby="links-title">
          <h2 id="links-title">{t("need:links.title")}</h2>
          {data.links.length === 0 ? (
            <p>{t("need:links.none")}</p>
          ) : (
            <ul>
              {data.links.map((l) => (
                <li key={`${l.kind}${l.targetId}`}>
                  <LinkLine link={l} />
                </li>
              ))}
            </ul>
          )}
          {takesProjects(n.status) && (
            <p>
              {/* The form carries the need, and the new project answers it. */}
              <Link to={`/projects/new?need=${n.id}`}>{t("need:links.propose")}</Link>
            </p>
          )}
          {viewer.linkChoices && <LinkForms choices={viewer.linkChoices} refused={refused} />}
        </section>
      )}

      <section aria-labelledby="timeline-title">
        <h2 id="timeline-title">{t("need:timeline.title")}</h2>
        <ol className="timeline">
          {timeline.map((e) => (
            <li key={e.id}>
              <span className="meta">{formatDateTime(e.at, lng)}</span> ·{" "}
              <strong>{t(`need:roles.${e.role}`)}</strong>{" "}
              {t(`need:timeline.${e.step}`, {
                unit: unitLabel(t, { name: e.unitName, platform: e.unitPlatform }),
              })}
              {e.assisted && <> {t("need:timeline.assisted")}</>}
              {e.deadlineAt && e.step !== "report" && (
                <> · {t("need:timeline.deadline", { at: formatDateTime(e.deadlineAt, lng) })}</>
              )}
              {e.photo && (
                <p>
                  <a href={`/needs/${n.id}/photo?step=${e.id}`}>{t("need:showPhoto")}</a>
                </p>
              )}
              {e.step === "link" && e.note ? (
                <TimelineLink note={e.note} links={data.links} />
              ) : (
                e.note && <p className="prose">{e.note}</p>
              )}
            </li>
          ))}
        </ol>
      </section>
    </article>
  );
}

type Data = ReturnType<typeof useLoaderData<typeof loader>>;

/** One step's form: its button, and the fields the step takes. */
function StepForm({
  step,
  data,
  refused,
}: {
  step: NeedStep;
  data: Data;
  refused: Refusal | undefined;
}) {
  const { t, lng } = useNeedLabels();
  const mine = refusalFor(refused, "step", { step });
  const viewer = data.viewer as NeedPage["viewer"];
  const needsNote = STEPS[step].needsNote;
  const withPhoto = step === "resolve";
  return (
    <IntentForm
      intent="step"
      ids={{ step }}
      className="card"
      encType={withPhoto ? "multipart/form-data" : undefined}
      aria-label={t(`need:steps.${step}`)}
    >
      <ErrorSummary errors={mine?.errors} />
      {step === "dispatch" && (
        <>
          <SelectField
            name="unitId"
            id={`f-unitId-${step}`}
            label={t("need:stepForm.unit")}
            empty=""
            required
            options={viewer.units.map((u) => ({ value: String(u.id), label: unitLabel(t, u) }))}
            error={mine?.errors.unitId}
          />
          <Field
            name="deadline"
            id={`f-deadline-${step}`}
            type="date"
            label={t("need:stepForm.deadline")}
            error={mine?.errors.deadline}
          />
          <label className="check">
            <input type="checkbox" name="urgent" value="on" /> {t("need:stepForm.urgent")}
          </label>
        </>
      )}
      {step === "askExtension" && (
        <Field
          name="deadline"
          id={`f-deadline-${step}`}
          type="date"
          required
          label={t("need:stepForm.newDeadline")}
          error={mine?.errors.deadline}
        />
      )}
      {step === "merge" && (
        <SelectField
          name="into"
          id={`f-into-${step}`}
          label={t("need:stepForm.into")}
          empty=""
          required
          options={viewer.mergeTargets.map((m) => ({
            value: String(m.id),
            label: `#${m.id} ${t(`need:categories.${m.category}`)} · ${t(`need:statuses.${m.status}`)} · ${formatDateTime(m.createdAt, lng)}`,
          }))}
          error={mine?.errors.into}
        />
      )}
      {step !== "merge" && (
        <TextArea
          name="note"
          id={`f-note-${step}`}
          label={t("need:stepForm.note")}
          hint={t("need:stepForm.noteHint")}
          required={needsNote}
          maxLength={NEED_NOTE_MAX}
          rows={3}
          error={mine?.errors.note}
          defaultValue={mine?.values.note}
        />
      )}
      {withPhoto && (
        <Field
          name="photo"
          id={`f-photo-${step}`}
          type="file"
          accept="image/jpeg,image/png,image/webp"
          label={t("need:stepForm.photo")}
          error={mine?.errors.photo}
        />
      )}
      <button type="submit">{t(`need:steps.${step}`)}</button>
    </IntentForm>
  );
}

/** One link: what it is, the meeting's or project's name, linked; a draft says so. */
function LinkLine({ link }: { link: Data["links"][number] }) {
  const { t } = useNeedLabels();
  return (
    <>
      {t(`need:links.${link.kind}`)}:{" "}
      <Link to={`/${link.kind}s/${link.targetId}`}>{link.topic ?? link.title}</Link>
      {link.draft && ` (${t("need:links.draft")})`}
    </>
  );
}

/**
 * A link's line on the timeline: "meeting:12" as the meeting's name, linked. A project still in
 * draft is named only to those who may read it; others read that one is being written.
 */
function TimelineLink({ note, links }: { note: string; links: Data["links"] }) {
  const { t } = useNeedLabels();
  const [kind, id] = note.split(":");
  const link = links.find((l) => l.kind === kind && String(l.targetId) === id);
  if (!link) return kind === "project" ? <p>{t("need:links.unseenProject")}</p> : null;
  return (
    <p>
      <LinkLine link={link} />
    </p>
  );
}

/** The committee's forms: on a meeting's agenda, or answered by a project. */
function LinkForms({
  choices,
  refused,
}: {
  choices: NonNullable<NeedPage["viewer"]["linkChoices"]>;
  refused: Refusal | undefined;
}) {
  const { t, lng } = useNeedLabels();
  return (
    <>
      {(["meeting", "project"] as const).map((kind) => {
        const mine = refusalFor(refused, "link", { kind });
        const options =
          kind === "meeting"
            ? choices.meetings.map((m) => ({
                value: String(m.id),
                label: `${m.topic} · ${formatDateTime(m.startsAt, lng)}`,
              }))
            : choices.projects.map((p) => ({ value: String(p.id), label: p.title }));
        if (options.length === 0) return null;
        return (
          <IntentForm
            key={kind}
            intent="link"
            ids={{ kind }}
            className="card"
            aria-label={t(`need:links.add.${kind}`)}
          >
            <ErrorSummary errors={mine?.errors} />
            <SelectField
              name="targetId"
              id={`f-targetId-${kind}`}
              label={t(`need:links.${kind}`)}
              empty=""
              required
              options={options}
              error={mine?.errors.targetId}
            />
            <button type="submit">{t(`need:links.add.${kind}`)}</button>
          </IntentForm>
        );
      })}
    </>
  );
}
