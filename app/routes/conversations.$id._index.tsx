/**
 * One conversation (意见征集): the question; one statement at a time with 同意 / 不同意 / 跳过;
 * the person's own votes, changeable; writing a statement, with near-duplicates pointed out; the
 * opinion map (the scatter in standard mode, its tables always); and the committee's moderation
 * queue, attaching statements to an agenda item, and closing early. Every form posts here and
 * works without JavaScript and in 长辈版; with JavaScript the vote card answers through a fetcher.
 */
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { json, redirect } from "@remix-run/node";
import { Link, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { AttachForm, CloseForm, ModerationQueue } from "~/components/conversations/committee";
import { OpinionMap } from "~/components/conversations/opinion-map";
import { EXPORT_FILES, type MapView, voteWord } from "~/components/conversations/types";
import { MyVotes, VoteCard } from "~/components/conversations/voting";
import { MyStatements, WriteStatement, type SimilarAnswer } from "~/components/conversations/write";
import { Notice, useKeyMessage } from "~/components/forms";
import type { Lng } from "~/i18n/config";
import { getT } from "~/i18n/i18next.server";
import { opinionScatter } from "~/services/conversations/chart.server";
import {
  attachStatements,
  closeConversation,
  moderateStatement,
  submitStatement,
  voteStatement,
} from "~/services/conversations/commands.server";
import {
  conversationPage,
  nextStatement,
  similarStatements,
} from "~/services/conversations/queries.server";
import { intent, submitIntent } from "~/services/runner/form.server";
import { areaName, formatDateTime } from "~/utils/format";
import { idParam, notFound, readForm, type Refusal } from "~/utils/forms.server";
import { titleMeta } from "~/utils/meta";
import { readPreferences } from "~/utils/preferences.server";
import { getCurrent, requireSession } from "~/utils/session.server";

export const handle = { i18n: ["conversations"] };
export const meta = titleMeta;

/** How many near-duplicates the check shows. */
const SIMILAR_SHOWN = 5;
/** How many consensus and divisive statements the committee is offered to attach. */
const ATTACH_OFFERED = 8;

type Page = NonNullable<Awaited<ReturnType<typeof conversationPage>>>;

/** The stored map as the page shows it: no participant, only groups, figures and statements. */
function mapView(map: Page["map"]): MapView {
  if (map.status === "none") return { status: "none" };
  if (map.status === "tooFew") {
    return { status: "tooFew", reason: map.reason ?? null, computedAt: map.computedAt };
  }
  return {
    status: "ok",
    computedAt: map.computedAt,
    votes: map.votes,
    participantsInMap: map.participantsInMap,
    groups: map.groups.map((g) => ({
      id: g.id,
      size: g.size,
      representative: g.representative.map((r) => ({
        statement: r.statement,
        direction: r.direction,
        probability: r.probability,
        restProbability: r.restProbability,
        count: r.count,
        seen: r.seen,
      })),
    })),
    consensus: map.consensus,
    divisive: map.divisive,
  };
}

export async function loader({ request, params }: LoaderFunctionArgs) {
  const id = idParam(params.id);
  const { actor } = await getCurrent(request);
  const lite = readPreferences(request).mode === "lite";
  const page = await conversationPage(actor, id, { lite });
  if (!page) notFound();
  const [next, t] = await Promise.all([
    page.can.vote ? nextStatement(actor, id) : null,
    getT(request, ["conversations", "common"]),
  ]);
  const map = mapView(page.map);
  const svg =
    !lite && map.status === "ok" && page.map.status === "ok"
      ? opinionScatter(t, { id: "opinion-map", points: page.map.points, groups: map.groups })
      : null;
  const accepted = page.statements.map((s) => ({ id: s.id, body: s.body }));
  const pick = (rows: ReadonlyArray<{ statement: number }>) =>
    rows
      .slice(0, ATTACH_OFFERED)
      .map((r) => accepted.find((s) => s.id === r.statement))
      .filter((s): s is { id: number; body: string } => s !== undefined);
  return json({
    title: page.conversation.question,
    conversation: page.conversation,
    can: page.can,
    signedIn: actor.userId !== null,
    counts: page.counts,
    statements: accepted,
    map,
    svg,
    next: next && {
      statement: next.statement,
      remaining: next.remaining,
      myVotes: page.myVotes.map((v) => ({
        id: v.statementId,
        body: v.body,
        vote: voteWord(v.vote),
      })),
    },
    myStatements: page.myStatements,
    pending: page.can.moderate ? page.pending.map((s) => ({ id: s.id, body: s.body })) : [],
    rejected: page.can.moderate ? page.rejected : [],
    attach: page.can.attach
      ? {
          items: page.agendaItems.map((i) => ({
            id: i.id,
            label: `${i.meetingTopic} · ${i.title}`,
          })),
          consensus: map.status === "ok" ? pick(map.consensus) : [],
          divisive: map.status === "ok" ? pick(map.divisive) : [],
        }
      : null,
  });
}

export async function action({ request, params }: ActionFunctionArgs) {
  const id = idParam(params.id);
  const form = await readForm(request);
  const { actor } = await requireSession(request);
  const back = (done: string, anchor = "") =>
    redirect(`/conversations/${id}?done=${done}${anchor}`);
  // A statement not yet confirmed is first checked for near-duplicates (without JavaScript this
  // is how the person sees them); an empty or refused one goes on to the command's own refusal.
  if (form.intent === "statement" && form.confirm !== "1" && typeof form.body === "string") {
    const words = form.body.trim();
    const similar = words ? await similarStatements(id, words, SIMILAR_SHOWN) : [];
    if (similar.length > 0) {
      const answer: SimilarAnswer = {
        similar: similar.map((s) => ({ id: s.id, body: s.body })),
        values: { intent: "statement", body: form.body },
      };
      return json(answer);
    }
  }
  return submitIntent(
    {
      // The vote card's fetcher wants data, not a page: the page's data reloads by itself.
      vote: intent(voteStatement, () =>
        form.via === "fetcher" ? json({ voted: true as const }) : back("voted", "#vote"),
      ),
      statement: intent(submitStatement, (r) =>
        back(r.status === "pending" ? "pending" : "submitted", "#write"),
      ),
      moderate: intent(moderateStatement, () => back("moderated", "#moderate")),
      attach: intent(attachStatements, () => back("attached", "#attach")),
      close: intent(closeConversation, () => back("closed")),
    },
    actor,
    form,
    { params: { conversationId: id } },
  );
}

const DONE: Record<string, string> = {
  created: "new.created",
  voted: "vote.voted",
  submitted: "write.submitted",
  pending: "write.pending",
  moderated: "moderate.done",
  attached: "attach.done",
  closed: "close.done",
};

export default function Conversation() {
  const data = useLoaderData<typeof loader>();
  const { conversation: c, can, counts, next } = data;
  const answer = useActionData<Refusal | SimilarAnswer>();
  const refused = answer && "errors" in answer ? answer : undefined;
  const similar = answer && "similar" in answer ? answer : undefined;
  const [params] = useSearchParams();
  const { t, i18n } = useTranslation(["conversations", "common"]);
  const message = useKeyMessage();
  const lng = i18n.language as Lng;
  const done = params.get("done");
  const formError =
    refused && refused.values.intent !== "vote" && refused.values.intent !== "statement"
      ? refused.errors._form
      : undefined;
  return (
    <article aria-labelledby="conversation-title">
      <p>
        <Link to={`/communities/${c.community.id}`}>{areaName(c.community, lng)}</Link> ›{" "}
        <Link to={`/councils/${c.council.id}`}>{c.council.name}</Link>
        {c.meeting && (
          <>
            {" "}
            › <Link to={`/meetings/${c.meeting.id}`}>{c.meeting.topic}</Link>
          </>
        )}
      </p>
      <p className="hint">{t("word.conversation")}</p>
      <h1 id="conversation-title">{c.question}</h1>
      <p>
        <span className={`badge status-${c.state}`}>{t(`window.${c.state}`)}</span>
      </p>
      {done && DONE[done] && <Notice>{t(DONE[done]!)}</Notice>}
      {formError && (
        <div className="error-summary" role="alert">
          <p>{message(formError.key, formError.params)}</p>
        </div>
      )}
      <dl className="facts">
        <dt>{t("window.opens")}</dt>
        <dd>{formatDateTime(c.opensAt, lng)}</dd>
        <dt>{t("window.closes")}</dt>
        <dd>{formatDateTime(c.closedAt ?? c.closesAt, lng)}</dd>
        <dt>{t("window.who")}</dt>
        <dd>{t(`window.eligibility.${c.eligibility}`)}</dd>
      </dl>
      {c.description && <p className="description">{c.description}</p>}
      <p>{t("page.counts", counts)}</p>
      {c.premoderation && <p className="hint">{t("page.premoderated")}</p>}

      {next ? (
        <>
          <VoteCard
            statement={next.statement}
            remaining={next.remaining}
            refused={refused}
            voted={done === "voted"}
          />
          <MyVotes votes={next.myVotes} canChange={can.vote} />
        </>
      ) : (
        <p className="card">
          {c.state !== "open"
            ? t("page.notOpen")
            : data.signedIn
              ? t("page.notEligible")
              : t("page.signIn")}
        </p>
      )}

      {can.submit && (
        <WriteStatement
          conversationId={c.id}
          refused={refused?.values.intent === "statement" ? refused : undefined}
          similar={similar}
        />
      )}

      <MyStatements statements={data.myStatements} />

      <OpinionMap map={data.map} statements={data.statements} svg={data.svg} />

      {can.moderate && (
        <ModerationQueue pending={data.pending} rejected={data.rejected} refused={refused} />
      )}
      {data.attach && (
        <AttachForm
          items={data.attach.items}
          consensus={data.attach.consensus}
          divisive={data.attach.divisive}
          refused={refused}
        />
      )}
      {can.close && c.state !== "closed" && <CloseForm />}

      <section aria-labelledby="export-title">
        <h2 id="export-title">{t("export.title")}</h2>
        <p className="hint">{t("export.hint")}</p>
        <ul>
          {EXPORT_FILES.map(([file, key]) => (
            <li key={file}>
              <a href={`/conversations/${c.id}/export/${file}`} download>
                {t(`export.files.${key}`)}
              </a>
            </li>
          ))}
        </ul>
        <p className="hint">{t("export.licence")}</p>
      </section>
    </article>
  );
}
