/**
 * The needs a meeting's agenda or a micro-project carries (民情, issue 15 item 7), as the page
 * shows them: labelled here, in the reader's language, so that the page needs no needs locale.
 */
import type { NeedLinkKind } from "~/domain/needs/rules";
import { getT } from "~/i18n/i18next.server";
import { linkedNeeds } from "~/services/needs/queries.server";

type LinkedNeed = Awaited<ReturnType<typeof linkedNeeds>>[number];

export async function linkedNeedsView(request: Request, kind: NeedLinkKind, id: number) {
  return linkedNeedsLabelled(request, kind, await linkedNeeds(kind, id));
}

/** `linkedNeedsView` of needs already read (a meeting's page reads them with its other lists). */
export async function linkedNeedsLabelled(
  request: Request,
  kind: NeedLinkKind,
  needs: readonly LinkedNeed[],
) {
  const t = await getT(request, "need");
  return {
    title: t(kind === "meeting" ? "links.onMeeting" : "links.onProject"),
    items: needs.map((n) => ({
      id: n.id,
      label: `${t(`categories.${n.category}`)} #${n.id} · ${t(`statuses.${n.status}`)} · ${t("intensity", { n: n.intensity })}`,
    })),
  };
}
