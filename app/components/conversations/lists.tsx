/**
 * Conversations as other pages show them: the list on a council's or a meeting's page, and the
 * statements attached to an agenda item (meeting page, printed agenda, minutes).
 */
import { Link } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import type { Lng } from "~/i18n/config";
import { formatDateTime } from "~/utils/format";
import type { WindowState } from "./types";

export interface ConversationLine {
  id: number;
  question: string;
  state: WindowState;
  closesAt: string;
  participants: number;
}

export function ConversationList({ items }: { items: readonly ConversationLine[] }) {
  const { t, i18n } = useTranslation("conversations");
  const lng = i18n.language as Lng;
  if (items.length === 0) return <p>{t("list.none")}</p>;
  return (
    <ul className="plain">
      {items.map((c) => (
        <li key={c.id} className="row">
          <span>
            <Link to={`/conversations/${c.id}`}>{c.question}</Link>{" "}
            <span className="hint">
              {t("list.line", {
                state: t(`window.${c.state}`),
                closes: formatDateTime(c.closesAt, lng),
                participants: c.participants,
              })}
            </span>
          </span>
        </li>
      ))}
    </ul>
  );
}

export interface AttachedStatement {
  agendaItemId: number;
  statementId: number;
  body: string;
  kind: "consensus" | "divisive";
  agree: number;
  disagree: number;
  pass: number;
  conversationId: number;
}

/** The statements under one agenda item; `link` leads to their conversation (not on paper). */
export function AgendaStatements({
  items,
  link = true,
  children,
}: {
  items: readonly AttachedStatement[];
  link?: boolean;
  /** Per statement, what else goes at its end (the committee's "remove" button). */
  children?: (s: AttachedStatement) => React.ReactNode;
}) {
  const { t } = useTranslation("conversations");
  if (items.length === 0) return null;
  return (
    <div className="agenda-statements">
      <p>
        <strong>{t("agenda.title")}</strong>
      </p>
      <ul>
        {items.map((s) => (
          <li key={`${s.statementId}`}>
            {link ? (
              <Link to={`/conversations/${s.conversationId}#map`}>
                {t("agenda.line", {
                  id: s.statementId,
                  kind: t(`attach.kinds.${s.kind}`),
                  body: s.body,
                })}
              </Link>
            ) : (
              t("agenda.line", {
                id: s.statementId,
                kind: t(`attach.kinds.${s.kind}`),
                body: s.body,
              })
            )}{" "}
            <span className="hint">
              {t("agenda.figures", { agree: s.agree, disagree: s.disagree, pass: s.pass })}
            </span>
            {children?.(s)}
          </li>
        ))}
      </ul>
    </div>
  );
}

/** The service's statements per agenda item, as one list of lines that each name their item. */
export function flattenAttached(
  items: ReadonlyArray<{
    agendaItemId: number;
    statements: ReadonlyArray<
      Omit<AttachedStatement, "agendaItemId" | "statementId"> & { id: number }
    >;
  }>,
): AttachedStatement[] {
  return items.flatMap((i) =>
    i.statements.map((s) => ({
      agendaItemId: i.agendaItemId,
      statementId: s.id,
      body: s.body,
      kind: s.kind,
      agree: s.agree,
      disagree: s.disagree,
      pass: s.pass,
      conversationId: s.conversationId,
    })),
  );
}
