/** 民情 (needs): the pieces the board, the report form and a need's page share. */
import { Link } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import type { NeedStatus } from "~/domain/needs/machine";
import type { NeedCard } from "~/services/needs/queries.server";
import type { Lng } from "~/i18n/config";
import { areaName, formatDateTime } from "~/utils/format";

export function useNeedLabels() {
  const { t, i18n } = useTranslation(["need", "common"]);
  return { t, lng: i18n.language as Lng };
}

export function NeedStatusBadge({ status }: { status: NeedStatus }) {
  const { t } = useTranslation("need");
  return <span className={`badge need-${status}`}>{t(`statuses.${status}`)}</span>;
}

/** Red on every list: past its deadline, and to whom it has been raised. */
export function OverdueMark({ overdue, raised }: { overdue: boolean; raised: number }) {
  const { t } = useTranslation("need");
  if (!overdue) return null;
  return <strong className="overdue">{raised > 0 ? t(`raised.${raised}`) : t("overdue")}</strong>;
}

/** A unit's name: a platform's is translated, a department's is as its street named it. */
export function unitLabel(
  t: (key: string) => string,
  unit: { name: string | null; platform: string | null },
): string {
  return unit.platform ? t(`need:platforms.${unit.platform}`) : (unit.name ?? "");
}

/** What a board's card shows (the query's own shape; the details are null when not the reader's). */
export type NeedCardView = Omit<NeedCard, "communityId" | "channel">;

export function NeedCards({ items }: { items: readonly NeedCardView[] }) {
  const { t, lng } = useNeedLabels();
  return (
    <ul className="cards">
      {items.map((n) => (
        <li key={n.id} className={n.overdue ? "card is-overdue" : "card"}>
          <h3>
            <Link to={`/needs/${n.id}`}>
              {t(`need:categories.${n.category}`)} #{n.id}
            </Link>
          </h3>
          <p className="meta">
            <NeedStatusBadge status={n.status} />{" "}
            <OverdueMark overdue={n.overdue} raised={n.raised} />{" "}
            {areaName({ nameZh: n.communityZh, nameEn: n.communityEn }, lng)} ·{" "}
            {areaName({ nameZh: n.gridZh, nameEn: n.gridEn }, lng)} ·{" "}
            {t("need:intensity", { n: n.intensity })} · {formatDateTime(n.createdAt, lng)}
            {(n.unitName || n.unitPlatform) && (
              <> · {unitLabel(t, { name: n.unitName, platform: n.unitPlatform })}</>
            )}
          </p>
          {n.description === null ? (
            <p className="meta">{t("need:board.detailsPrivate")}</p>
          ) : (
            <p>
              {n.place && <>{n.place} · </>}
              {n.description.length > 120 ? `${n.description.slice(0, 120)}…` : n.description}
            </p>
          )}
        </li>
      ))}
    </ul>
  );
}
