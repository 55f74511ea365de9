/**
 * A micro-project's page: everything a resident, a proposer and the committee do with one project
 * (support, steps, reports, ratings, comments and their moderation) is on this one page by design,
 * so its forms and their refusals live here; the pieces shared with other pages are in components.
 */
import { FollowButton } from "~/components/follow";
import { LinkedNeeds } from "~/components/linked-needs";
import { linkedNeedsView } from "~/utils/linked-needs.server";
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { chinaToday } from "~/domain/time";
import { json, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import { useLiveRevalidation } from "~/components/live";
import {
  ErrorSummary,
  Field,
  IntentForm,
  Notice,
  refusalFor,
  TextArea,
  useFieldMessage,
} from "~/components/forms";
import { BudgetTable, StatusBadge, useProjectLabels } from "~/components/projects";
import { useShownName } from "~/components/person";
import { ReadAloud } from "~/components/read-aloud";
import {
  COMMENT_MAX,
  isSupportable,
  MODERATION_REASON_MAX,
  STEP_REASON_MAX,
  STEPS,
  UPDATE_BODY_MAX,
} from "~/domain/projects/rules";
import { useRootData } from "~/root";
import { addProgress, takeStep } from "~/services/projects/commands.server";
import {
  addComment,
  flagComment,
  hideComment,
  rateProject,
  restoreComment,
  supportProject,
  withdrawSupport,
} from "~/services/projects/participation.server";
import { projectPage, type CommentView } from "~/services/projects/queries.server";
import { following } from "~/services/notices/follow-queries.server";
import { submitFollow } from "~/services/notices/follows.server";
import { intent, submitIntent } from "~/services/runner/form.server";
import { areaName, formatDate, formatDateTime, formatDay, formatYuan } from "~/utils/format";
import { idParam, notFound, readForm, type Refusal } from "~/utils/forms.server";
import { titleMeta } from "~/utils/meta";
import { getCurrent, requireSession } from "~/utils/session.server";

export const handle = { i18n: ["project", "notice"] };
export const meta = titleMeta;

export async function loader({ request, params }: LoaderFunctionArgs) {
  const id = idParam(params.id);
  const { actor } = await getCurrent(request);
  const [page, needs] = await Promise.all([
    projectPage(actor, id),
    linkedNeedsView(request, "project", id),
  ]);
  if (!page) notFound();
  return json({
    title: page.project.title,
    ...page,
    needs,
    today: chinaToday(),
    following: await following(actor, "project", id),
  });
}

export async function action({ request, params }: ActionFunctionArgs) {
  const id = idParam(params.id);
  const form = await readForm(request);
  const { actor } = await requireSession(request);
  const back = (done: string, anchor = "") => redirect(`/projects/${id}?done=${done}${anchor}`);
  const followed = submitFollow(actor, form, "project", id, `/projects/${id}`);
  if (followed) return followed;
  const onComment = (done: string) => (_: unknown, i: { commentId: number }) =>
    back(done, `#comment-${i.commentId}`);
  return submitIntent(
    {
      step: intent(takeStep, (_, i) => back(`step-${i.step}`)),
      progress: intent(addProgress, () => back("progress", "#updates")),
      support: intent(supportProject, () => back("supported")),
      withdraw: intent(withdrawSupport, () => back("withdrawn")),
      rate: intent(rateProject, () => back("rated", "#rating")),
      comment: intent(addComment, (commentId) => back("commented", `#comment-${commentId}`)),
      flag: intent(flagComment, onComment("flagged")),
      hide: intent(hideComment, onComment("hidden")),
      restore: intent(restoreComment, onComment("restored")),
    },
    actor,
    form,
    { params: { id } },
  );
}

type Data = ReturnType<typeof useLoaderData<typeof loader>>;

export default function Project() {
  const data = useLoaderData<typeof loader>();
  const { project: p, items, viewer } = data;
  const refused = useActionData<Refusal>();
  const [params] = useSearchParams();
  const { t, lng } = useProjectLabels();
  const shown = useShownName();
  const lite = useRootData()?.mode === "lite";
  useLiveRevalidation([`community:${p.communityId}`]);
  const done = params.get("done");
  const community = areaName({ nameZh: p.communityZh, nameEn: p.communityEn }, lng);
  const intent = refused?.values.intent;
  return (
    <article aria-labelledby="project-title">
      <p>
        <Link to={`/projects?community=${p.communityId}`}>{t("project:projects.title")}</Link> ·{" "}
        <Link to={`/communities/${p.communityId}`}>{community}</Link>
      </p>
      <h1 id="project-title" data-read-aloud>
        {p.title}
      </h1>
      <FollowButton following={data.following} />
      <ReadAloud />
      <p>
        <StatusBadge status={p.status} />
      </p>
      {done && <Notice>{t(`project:done.${done.startsWith("step-") ? "step" : done}`)}</Notice>}
      {intent === undefined || intent === "step" ? (
        <ErrorSummary errors={refused?.errors} />
      ) : (
        refused?.errors._form && <ErrorSummary errors={{ _form: refused.errors._form }} />
      )}
      {p.statusReason &&
        (p.status === "rejected" || p.status === "returned" || p.status === "abandoned") && (
          <p className="card reason">
            <strong>{t(`project:reasonFor.${p.status}`)}</strong> {p.statusReason}
          </p>
        )}
      <p className="lead" data-read-aloud>
        {p.summary}
      </p>
      {p.hasPhoto &&
        (lite && params.get("photos") !== "1" ? (
          <p>
            <a href={`/projects/${p.id}?photos=1`}>{t("project:showPhoto")}</a>
          </p>
        ) : (
          <img
            className="project-photo"
            src={`/projects/${p.id}/photo`}
            alt={t("project:photoAlt", { title: p.title })}
            loading="lazy"
          />
        ))}

      <dl className="facts">
        <dt>{t("project:form.community")}</dt>
        <dd>
          {community}
          {p.gridZh && <> · {areaName({ nameZh: p.gridZh, nameEn: p.gridEn ?? "" }, lng)}</>}
          {p.place && <> · {p.place}</>}
        </dd>
        <dt>{t("project:form.category")}</dt>
        <dd>{t(`project:services.${p.category}`)}</dd>
        <dt>{t("project:proposedBy")}</dt>
        <dd>
          {p.organisationId !== null && p.organisationName ? (
            <Link to={`/orgs/${p.organisationId}`}>{p.organisationName}</Link>
          ) : (
            shown(p.proposerName)
          )}
        </dd>
        <dt>{t("project:form.beneficiaries")}</dt>
        <dd>{p.beneficiaries}</dd>
        <dt>{t("project:timeline")}</dt>
        <dd>
          {formatDay(p.startsOn, lng)} – {formatDay(p.endsOn, lng)}
        </dd>
        <dt>{t("project:supports")}</dt>
        <dd>
          {t("project:supportCount", { count: p.supportCount })}
          {p.assistedSupports > 0 && (
            <> · {t("common:assist.ofThemAssisted", { n: p.assistedSupports })}</>
          )}
        </dd>
        {(p.status === "inProgress" || p.status === "completed" || p.spentTotal > 0) && (
          <>
            <dt>{t("project:spent")}</dt>
            <dd>
              {t("project:spentOf", {
                spent: formatYuan(p.spentTotal, lng),
                budget: formatYuan(p.budgetTotal, lng),
              })}
            </dd>
          </>
        )}
      </dl>

      <p>
        <a href={`/projects/${p.id}/print`}>{t("project:print.link")}</a>
      </p>

      <SupportBox data={data} />

      <section aria-labelledby="description-title" data-read-aloud>
        <h2 id="description-title">{t("project:form.description")}</h2>
        <p className="prose">{p.description}</p>
      </section>

      <section aria-labelledby="budget-title">
        <h2 id="budget-title">{t("project:form.budget")}</h2>
        <BudgetTable items={items} total={p.budgetTotal} />
      </section>

      <LinkedNeeds view={data.needs} />

      <Steps data={data} refused={refused} />

      {(data.updates.length > 0 || viewer.canReport) && (
        <section aria-labelledby="updates-title" id="updates">
          <h2 id="updates-title">{t("project:updates.title")}</h2>
          {data.updates.length === 0 ? (
            <p>{t("project:updates.none")}</p>
          ) : (
            <ol className="timeline">
              {data.updates.map((u) => (
                <li key={u.id}>
                  <p className="meta">
                    {formatDay(u.onDate, lng)} ·{" "}
                    {u.kind === "final"
                      ? t("project:updates.final")
                      : t("project:updates.progress")}
                    · {shown(u.authorName)} ·{" "}
                    {t("project:updates.spent", { amount: formatYuan(u.spent, lng) })}
                  </p>
                  <p className="prose">{u.body}</p>
                </li>
              ))}
            </ol>
          )}
          {viewer.canReport && (
            <Form method="post" className="card">
              <h3>{t("project:updates.add")}</h3>
              <input type="hidden" name="intent" value="progress" />
              <ReportFields
                refused={intent === "progress" ? refused : undefined}
                today={data.today}
              />
              <button type="submit">{t("project:updates.submit")}</button>
            </Form>
          )}
        </section>
      )}

      {p.status === "completed" && (
        <Rating data={data} refused={intent === "rate" ? refused : undefined} />
      )}

      <section aria-labelledby="history-title">
        <h2 id="history-title">{t("project:history.title")}</h2>
        <ol className="timeline">
          {data.events.map((e) => (
            <li key={e.id}>
              <span className="meta">{formatDateTime(e.at, lng)}</span> ·{" "}
              {t(`project:history.steps.${e.step}`, { defaultValue: e.step })} ·{" "}
              {e.step === "autoReview"
                ? t("project:history.automatically", { count: Number(e.reason ?? 0) })
                : shown(e.actorName)}
              {e.assisted && <> {t("common:assist.withAssistance")}</>}
              {e.step !== "autoReview" && e.reason && <> — {e.reason}</>}
            </li>
          ))}
        </ol>
      </section>

      <Comments data={data} refused={refused} />
    </article>
  );
}

function SupportBox({ data }: { data: Data }) {
  const { t } = useProjectLabels();
  const { viewer, project: p } = data;
  if (viewer.supported) {
    return (
      <Form method="post" className="card support-box">
        <p>{t("project:support.youSupport")}</p>
        <button type="submit" name="intent" value="withdraw">
          {t("project:support.withdraw")}
        </button>
      </Form>
    );
  }
  if (viewer.canSupport) {
    return (
      <Form method="post" className="card support-box">
        <button type="submit" name="intent" value="support" className="primary big">
          {t("project:support.button")}
        </button>
      </Form>
    );
  }
  if (!isSupportable(p.status)) return null;
  return (
    <p className="hint">
      {viewer.signedIn ? (
        t("project:support.onlyResidents")
      ) : (
        <Link to={`/login?next=/projects/${p.id}`}>{t("project:support.signIn")}</Link>
      )}
    </p>
  );
}

function ReportFields({ refused, today }: { refused: Refusal | undefined; today: string }) {
  const { t } = useProjectLabels();
  return (
    <>
      <TextArea
        name="body"
        label={t("project:updates.body")}
        rows={4}
        maxLength={UPDATE_BODY_MAX}
        refused={refused}
      />
      <Field
        name="spent"
        label={t("project:updates.spentLabel")}
        hint={t("project:updates.spentHint")}
        inputMode="numeric"
        defaultValue={refused?.values.spent ?? "0"}
        error={refused?.errors.spent}
      />
      <Field
        name="onDate"
        type="date"
        label={t("project:updates.onDate")}
        defaultValue={refused?.values.onDate ?? today}
        max={today}
        error={refused?.errors.onDate}
      />
    </>
  );
}

function Steps({ data, refused }: { data: Data; refused: Refusal | undefined }) {
  const { t } = useProjectLabels();
  const { viewer, project: p } = data;
  if (viewer.steps.length === 0 && !viewer.canEdit) return null;
  return (
    <section aria-labelledby="steps-title" className="card">
      <h2 id="steps-title">{t("project:steps.title")}</h2>
      {viewer.canEdit && (
        <p>
          <Link className="button" to={`/projects/${p.id}/edit`}>
            {t("project:steps.edit")}
          </Link>
        </p>
      )}
      {viewer.steps.map((step) => {
        const r = refusalFor(refused, "step", { step });
        return (
          <IntentForm intent="step" ids={{ step }} key={step} className="step-form">
            <p className="hint">{t(`project:steps.hint.${step}`)}</p>
            {STEPS[step].needsReason && (
              <TextArea
                name="reason"
                id={`f-reason-${step}`}
                label={t("project:steps.reason")}
                rows={2}
                maxLength={STEP_REASON_MAX}
                refused={r}
              />
            )}
            {step === "complete" && <ReportFields refused={r} today={data.today} />}
            <button
              type="submit"
              className={step === "reject" || step === "abandon" ? "danger" : "primary"}
            >
              {t(`project:steps.do.${step}`)}
            </button>
          </IntentForm>
        );
      })}
    </section>
  );
}

function Rating({ data, refused }: { data: Data; refused: Refusal | undefined }) {
  const { t } = useProjectLabels();
  const message = useFieldMessage();
  const { project: p, viewer } = data;
  return (
    <section aria-labelledby="rating-title" id="rating">
      <h2 id="rating-title">{t("project:rating.title")}</h2>
      <p>
        {p.averageRating === null
          ? t("project:rating.none")
          : t("project:rating.average", { rating: p.averageRating, count: p.ratingCount })}
      </p>
      {viewer.rated !== null && <p>{t("project:rating.yours", { score: viewer.rated })}</p>}
      {viewer.canRate && (
        <IntentForm intent="rate" className="card">
          <fieldset className={`field${refused?.errors.score ? " has-error" : ""}`}>
            <legend>{t("project:rating.question")}</legend>
            {refused?.errors.score && <p className="error">{message(refused.errors.score)}</p>}
            {[5, 4, 3, 2, 1].map((n) => (
              <label key={n} className="check">
                <input type="radio" name="score" value={n} /> {t(`project:rating.scores.${n}`)}
              </label>
            ))}
          </fieldset>
          <button type="submit">{t("project:rating.submit")}</button>
        </IntentForm>
      )}
    </section>
  );
}

function Comments({ data, refused }: { data: Data; refused: Refusal | undefined }) {
  const { t } = useProjectLabels();
  const { comments, viewer, project: p } = data;
  const top = comments.filter((c) => c.parentId === null);
  const replies = (id: number) => comments.filter((c) => c.parentId === id);
  const commentRefused = refused?.values.intent === "comment" ? refused : undefined;
  /** The refused comment typed in reply to this comment, or (no parent) as a new thread. */
  const refusedFor = (parentId: number | undefined) => {
    const typedParent = commentRefused?.values.parentId;
    const same = parentId === undefined ? !typedParent : typedParent === String(parentId);
    return same ? commentRefused : undefined;
  };
  return (
    <section aria-labelledby="comments-title" id="comments">
      <h2 id="comments-title">{t("project:comments.title", { count: comments.length })}</h2>
      {top.length === 0 && <p>{t("project:comments.none")}</p>}
      <ol className="comments">
        {top.map((c) => (
          <li key={c.id}>
            <Comment c={c} data={data} refused={refused} />
            {replies(c.id).length > 0 && (
              <ol className="replies">
                {replies(c.id).map((r) => (
                  <li key={r.id}>
                    <Comment c={r} data={data} refused={refused} />
                  </li>
                ))}
              </ol>
            )}
            {viewer.canComment && (
              <details className="reply" open={refusedFor(c.id) !== undefined}>
                <summary>{t("project:comments.reply")}</summary>
                <CommentForm parentId={c.id} refused={refusedFor(c.id)} />
              </details>
            )}
          </li>
        ))}
      </ol>
      {viewer.canComment ? (
        <CommentForm refused={refusedFor(undefined)} />
      ) : (
        p.status !== "draft" && (
          <p className="hint">
            {viewer.signedIn ? (
              t("project:comments.onlyResidents")
            ) : (
              <Link to={`/login?next=/projects/${p.id}`}>{t("project:comments.signIn")}</Link>
            )}
          </p>
        )
      )}
    </section>
  );
}

/** A new comment, or (with a parent) a reply to one. */
function CommentForm({ parentId, refused }: { parentId?: number; refused: Refusal | undefined }) {
  const { t } = useProjectLabels();
  const reply = parentId !== undefined;
  return (
    <IntentForm
      intent="comment"
      ids={parentId === undefined ? {} : { parentId }}
      className={reply ? undefined : "card"}
    >
      <TextArea
        name="body"
        id={reply ? `f-reply-${parentId}` : undefined}
        label={reply ? t("project:comments.replyLabel") : t("project:comments.add")}
        rows={reply ? 2 : 3}
        maxLength={COMMENT_MAX}
        refused={refused}
      />
      <button type="submit">{t("project:comments.send")}</button>
    </IntentForm>
  );
}

function Comment({
  c,
  data,
  refused,
}: {
  c: CommentView;
  data: Data;
  refused: Refusal | undefined;
}) {
  const { t, lng } = useProjectLabels();
  const shown = useShownName();
  const { viewer } = data;
  const mine = refused && refused.values.commentId === String(c.id) ? refused : undefined;
  return (
    <div className={`comment${c.hidden ? " hidden" : ""}`} id={`comment-${c.id}`}>
      <p className="meta">
        {shown(c.authorName)}
        {c.assisted && <> {t("common:assist.withAssistance")}</>} · {formatDate(c.createdAt, lng)}
        {viewer.canModerate && c.flagCount > 0 && (
          <> · {t("project:comments.flags", { count: c.flagCount })}</>
        )}
      </p>
      {c.hidden && (
        <p className="hint">
          {c.hiddenByFlags
            ? t("project:comments.hiddenByFlags")
            : t("project:comments.hiddenBecause", { reason: c.hiddenReason ?? "" })}
        </p>
      )}
      {c.body !== null && <p className="prose">{c.body}</p>}
      {mine?.errors && <ErrorSummary errors={mine.errors} />}
      {viewer.canModerate &&
        (c.hidden ? (
          <Form method="post" className="inline">
            <input type="hidden" name="commentId" value={c.id} />
            <button type="submit" name="intent" value="restore" className="small">
              {t("project:comments.restore")}
            </button>
          </Form>
        ) : (
          <CommentAction commentId={c.id} intent="hide" refused={mine} />
        ))}
      {viewer.canComment &&
        !c.hidden &&
        !c.flaggedByMe &&
        c.authorId !== null &&
        c.authorId !== viewer.userId && (
          <CommentAction commentId={c.id} intent="flag" refused={mine} />
        )}
    </div>
  );
}

/**
 * Hiding or reporting a comment: a reason in a fold-out form, so the list stays short. A refused
 * reason comes back unfolded with what was typed: without JavaScript the page is new, and a closed
 * fold would hide both the field and the reason the person wrote.
 */
function CommentAction({
  commentId,
  intent,
  refused: refusedOnComment,
}: {
  commentId: number;
  intent: "hide" | "flag";
  /** This comment's refused form, whichever action it was. */
  refused: Refusal | undefined;
}) {
  const { t } = useProjectLabels();
  const refused = refusalFor(refusedOnComment, intent);
  return (
    <details open={refused !== undefined}>
      <summary>{t(`project:comments.${intent}`)}</summary>
      <Form method="post">
        <input type="hidden" name="commentId" value={commentId} />
        <Field
          name="reason"
          id={`f-${intent}-${commentId}`}
          label={t(`project:comments.${intent}Reason`)}
          maxLength={MODERATION_REASON_MAX}
          refused={refused}
        />
        <button type="submit" name="intent" value={intent} className="small">
          {t(`project:comments.${intent}Submit`)}
        </button>
      </Form>
    </details>
  );
}
