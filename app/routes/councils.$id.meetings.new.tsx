import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { json, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { MeetingFields } from "~/components/meeting-form";
import { getT } from "~/i18n/i18next.server";
import { createMeeting } from "~/services/meetings/commands.server";
import { councilPage } from "~/services/meetings/queries.server";
import { submit } from "~/services/runner/form.server";
import { authorizePage, idParam, notFound, readForm, type Refusal } from "~/utils/forms.server";
import { titleMeta } from "~/utils/meta";
import { requireSession } from "~/utils/session.server";

export const handle = { i18n: ["meeting"] };
export const meta = titleMeta;

export async function loader({ request, params }: LoaderFunctionArgs) {
  const id = idParam(params.id);
  const { actor } = await requireSession(request);
  const page = await councilPage(id);
  if (!page) notFound();
  authorizePage(actor, "meeting.manage", { communityId: page.council.areaId });
  const t = await getT(request, "meeting");
  return json({ title: t("newMeeting.title"), council: page.council });
}

export async function action({ request, params }: ActionFunctionArgs) {
  const id = idParam(params.id);
  const form = await readForm(request);
  const { actor } = await requireSession(request);
  return submit(
    createMeeting,
    actor,
    form,
    (meetingId) => redirect(`/meetings/${meetingId}?done=scheduled`),
    { params: { councilId: id } },
  );
}

export default function NewMeeting() {
  const { council } = useLoaderData<typeof loader>();
  const refused = useActionData<Refusal>();
  const { t } = useTranslation("meeting");
  return (
    <section aria-labelledby="new-title">
      <p>
        <Link to={`/councils/${council.id}`}>{council.name}</Link>
      </p>
      <h1 id="new-title">{t("newMeeting.title")}</h1>
      <Form method="post" noValidate>
        <MeetingFields refused={refused} initial={{ isPublic: "yes" }} />
        <button type="submit" className="primary">
          {t("newMeeting.submit")}
        </button>
      </Form>
    </section>
  );
}
