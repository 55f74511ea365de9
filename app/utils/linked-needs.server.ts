/**
 * The needs a meeting's agenda or a micro-project carries (民情, issue 15 item 7), as the page
 * shows them: labelled here, in the reader's language, so that the page needs no needs locale.
 */
import type { NeedLinkKind } from "~/domain/needs/rules";
import { getT } from "~/i18n/i18next.server";
import { linkedNeeds } from "~/services/needs/queries.server";

export async function linkedNeedsView(request: Request, kind: NeedLinkKind, id: number) {
  const [needs, t] = await Promise.all([linkedNeeds(kind, id), getT(request, "need")]);
  return {
    title: t(kind === "meeting" ? "links.onMeeting" : "links.onProject"),
    items: needs.map((n) => ({
      id: n.id,
      label: `${t(`categories.${n.category}`)} #${n.id} · ${t(`statuses.${n.status}`)} · ${t("intensity", { n: n.intensity })}`,
    })),
  };
}
