import type { LoaderFunctionArgs } from "@remix-run/node";
import { calendar, meetingEvent } from "~/domain/meetings/ics";
import { meetingPage } from "~/services/meetings/queries.server";
import { idParam, throwRefusal } from "~/utils/forms.server";
import { getCurrent } from "~/utils/session.server";
import { absoluteUrl } from "~/utils/site-url.server";
import { authorize } from "~/domain/permissions/policy";

/** One meeting as an iCalendar file, for "add to my calendar". */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const id = idParam(params.id);
  const { actor } = await getCurrent(request);
  authorize(actor, "meeting.view");
  const { meeting, council } = await meetingPage(id, actor).catch(throwRefusal);
  const body = calendar(council.name, [
    meetingEvent(meeting, absoluteUrl(`/meetings/${meeting.id}`)),
  ]);
  return new Response(body, {
    headers: {
      "Content-Type": "text/calendar; charset=utf-8",
      "Content-Disposition": `attachment; filename="meeting-${id}.ics"`,
    },
  });
}
