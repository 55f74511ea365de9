/**
 * A community's polls and budget rounds, in two lists: when each opens or closes, and for a
 * signed-in viewer whether they have voted. Apart from the vote pages' pieces, so that the
 * community page does not download them.
 */
import { Link } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import type { Phase } from "~/domain/voting/rules";
import type { Lng } from "~/i18n/config";
import { formatDateTime } from "~/utils/format";

interface VoteEntry {
  id: number;
  opensAt: string;
  closesAt: string;
  phase: Phase;
  /** Null for a visitor. */
  voted: boolean | null;
  mayVote: boolean | null;
}

export function CommunityVotes({
  polls,
  rounds,
}: {
  polls: ReadonlyArray<VoteEntry & { question: string }>;
  rounds: ReadonlyArray<VoteEntry & { title: string }>;
}) {
  const { t } = useTranslation(["community", "vote"]);
  return (
    <>
      <h3 id="polls-title">{t("community.votes.polls")}</h3>
      {polls.length === 0 ? (
        <p>{t("community.votes.noPolls")}</p>
      ) : (
        <VoteList items={polls.map((p) => ({ ...p, name: p.question, to: `/polls/${p.id}` }))} />
      )}
      <h3 id="rounds-title">{t("community.votes.rounds")}</h3>
      {rounds.length === 0 ? (
        <p>{t("community.votes.noRounds")}</p>
      ) : (
        <VoteList items={rounds.map((r) => ({ ...r, name: r.title, to: `/budgets/${r.id}` }))} />
      )}
    </>
  );
}

function VoteList({ items }: { items: ReadonlyArray<VoteEntry & { name: string; to: string }> }) {
  const { t, i18n } = useTranslation(["community", "vote"]);
  const lng = i18n.language as Lng;
  return (
    <ul>
      {items.map((v) => (
        <li key={v.id}>
          <Link to={v.to}>{v.name}</Link> ·{" "}
          {t(`vote:phase.${v.phase}`, {
            at: formatDateTime(v.phase === "upcoming" ? v.opensAt : v.closesAt, lng),
          })}
          <Mine vote={v} />
        </li>
      ))}
    </ul>
  );
}

/** Whether the viewer has voted: said only to a signed-in viewer, and not before voting opens. */
function Mine({ vote: v }: { vote: VoteEntry }) {
  const { t } = useTranslation("community");
  if (v.voted === null || v.phase === "cancelled" || (v.phase === "upcoming" && !v.voted))
    return null;
  if (v.voted)
    return (
      <>
        {" "}
        <strong className="badge voted">{t("community.votes.voted")}</strong>
      </>
    );
  if (!v.mayVote) return <span className="hint"> · {t("community.votes.notVoter")}</span>;
  if (v.phase === "open")
    return (
      <>
        {" "}
        <strong className="badge not-voted">{t("community.votes.notYet")}</strong>
      </>
    );
  return <span className="hint"> · {t("community.votes.didNot")}</span>;
}
