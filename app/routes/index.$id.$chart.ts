/**
 * `/index/:id/radar.svg` and `/index/:id/trend.svg?month=YYYY-MM&lng=zh-CN|en`: an area's two
 * charts as SVG images (drawn and kept by services/index/pages.server.ts; the page shows them with
 * `<img>` and their words as its alternative text, its tables beside). The month and the language
 * are in the address, not read from a cookie, so that one address is always the same picture and
 * may be kept by the browser and any cache on the way. Anything else is refused as every loader
 * refuses (404, the reason's locale key), the image being of no use to anyone then.
 */
import type { LoaderFunctionArgs } from "@remix-run/node";
import { DomainError } from "~/domain/errors";
import { isLng } from "~/i18n/config";
import { shownAreaCharts, shownIndexMonths } from "~/services/index/pages.server";
import { indexArea, resolveMonth } from "~/services/index/queries.server";
import { throwRefusal } from "~/utils/forms.server";

const AREA_ID = /^[1-9]\d{0,15}$/;
const CHARTS = { "radar.svg": "radar", "trend.svg": "trend" } as const;

export async function loader({ request, params }: LoaderFunctionArgs) {
  const url = new URL(request.url);
  try {
    const chart = Object.hasOwn(CHARTS, params.chart ?? "")
      ? CHARTS[params.chart as keyof typeof CHARTS]
      : null;
    const area = chart && AREA_ID.test(params.id ?? "") ? await indexArea(Number(params.id)) : null;
    if (!chart || !area) throw new DomainError(404, "index:errors.pageAreaUnknown");
    const asked = url.searchParams.get("month");
    const lng = url.searchParams.get("lng");
    if (!asked || !isLng(lng)) throw new DomainError(404, "index:errors.pageMonthNone");
    const { month } = await resolveMonth(asked, new Date(), shownIndexMonths("all"));
    const charts = month ? await shownAreaCharts(`${area.id}|${month}|${lng}`) : null;
    if (!charts) throw new DomainError(404, "index:errors.pageMonthNone");
    return new Response(charts.svgs[chart], {
      headers: {
        "Content-Type": "image/svg+xml; charset=utf-8",
        // A month's figures change only when it is corrected, which is rare: five minutes.
        "Cache-Control": "public, max-age=300",
      },
    });
  } catch (e) {
    throwRefusal(e);
  }
}
