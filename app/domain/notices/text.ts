/**
 * A stored notice as words: its sentence, the reason given (if any) and where it leads, in one
 * language. The inbox, the printed sheet and the header's small live list all say a notice the same
 * way, through this; the sentences themselves are in the `notice` namespace.
 */
import type { Lng } from "~/i18n/config";
import { formatDateTime } from "~/utils/format";
import { noticeLink, noticeMessage, type StoredNotice } from "./kinds";

/** The part of i18next's `t` this needs (a translator with the `notice` namespace loaded). */
export type Translate = (key: string, options?: Record<string, string>) => string;

export interface NoticeText {
  text: string;
  /** "Reason: …", when the notice carries one. */
  reason: string | null;
  href: string;
}

export function noticeText(t: Translate, n: StoredNotice, lng: Lng): NoticeText {
  const m = noticeMessage(n, lng);
  return {
    text: t(m.key, {
      ...m.params,
      // A meeting's new time, in the reader's words.
      startsAt: m.params.startsAt ? formatDateTime(m.params.startsAt, lng) : "",
    }),
    reason: m.reason ? t("notice:reason", { reason: m.reason }) : null,
    href: noticeLink(n),
  };
}
