/**
 * The community's and the meeting's list of votes. Apart from the vote pages' pieces, so that the
 * pages that only list votes do not download the whole vote page.
 */
import { Link } from "@remix-run/react";
import type { Phase } from "~/domain/voting/rules";
import { useVoteLabels } from "./vote-labels";
export function VoteLinks({
  polls,
  rounds,
}: {
  polls: ReadonlyArray<{ id: number; question: string; phase: Phase }>;
  rounds: ReadonlyArray<{ id: number; title: string; phase: Phase }>;
}) {
  const { t } = useVoteLabels();
  if (polls.length === 0 && rounds.length === 0) return <p>{t("vote:list.none")}</p>;
  return (
    <ul>
      {rounds.map((r) => (
        <li key={`r${r.id}`}>
          <Link to={`/budgets/${r.id}`}>{r.title}</Link> · {t(`vote:phaseShort.${r.phase}`)}
        </li>
      ))}
      {polls.map((p) => (
        <li key={`p${p.id}`}>
          <Link to={`/polls/${p.id}`}>{p.question}</Link> · {t(`vote:phaseShort.${p.phase}`)}
        </li>
      ))}
    </ul>
  );
}
