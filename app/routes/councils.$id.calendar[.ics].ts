import type { LoaderFunctionArgs } from "@remix-run/node";
import { calendar, meetingEvent } from "~/domain/meetings/ics";
import { authorize } from "~/domain/permissions/policy";
import { councilPage, meetingsForCalendar } from "~/services/meetings/queries.server";
import { idParam, notFound } from "~/utils/forms.server";
import { getCurrent } from "~/utils/session.server";
import { absoluteUrl } from "~/utils/site-url.server";

/** Every meeting of a council, as a calendar phones can import or subscribe to. */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const id = idParam(params.id);
  const page = await councilPage(id);
  if (!page) notFound();
  authorize((await getCurrent(request)).actor, "council.view", {
    communityId: page.council.areaId,
  });
  const meetings = await meetingsForCalendar(id);
  const body = calendar(
    page.council.name,
    meetings.map((m) => meetingEvent(m, absoluteUrl(`/meetings/${m.id}`))),
  );
  return new Response(body, {
    headers: {
      "Content-Type": "text/calendar; charset=utf-8",
      "Content-Disposition": `attachment; filename="council-${id}.ics"`,
    },
  });
}
