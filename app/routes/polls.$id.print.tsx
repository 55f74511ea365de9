/** A ballot paper to print for the service window: the same question and options as online. */
import type { LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { useVoteLabels } from "~/components/votes";
import { pollPage } from "~/services/voting.server";
import { areaName, formatDateTime } from "~/utils/format";
import { idParam, notFound } from "~/utils/forms.server";
import { titleMeta } from "~/utils/meta";
import { getCurrent } from "~/utils/session.server";

export const handle = { i18n: ["vote"] };
export const meta = titleMeta;

export async function loader({ request, params }: LoaderFunctionArgs) {
  const id = idParam(params.id);
  const { actor } = await getCurrent(request);
  const page = await pollPage(actor, id);
  if (!page) notFound();
  return json({
    title: page.poll.question,
    poll: page.poll,
    options: page.options,
    community: page.community,
  });
}

export default function PollPaper() {
  const { poll, options, community } = useLoaderData<typeof loader>();
  const { t, lng } = useVoteLabels();
  return (
    <article className="ballot-paper" aria-labelledby="paper-title">
      <p>
        {areaName(community, lng)} · {t("vote:print.heading")}
      </p>
      <h1 id="paper-title">{poll.question}</h1>
      <p>
        {poll.method === "approval"
          ? t("vote:poll.chooseUpTo", { max: poll.maxChoices })
          : t("vote:poll.chooseOne")}
      </p>
      <ul className="paper-options">
        {options.map((o) => (
          <li key={o.id}>
            <span className="box" aria-hidden="true" />{" "}
            {o.code ? t(`vote:yesNo.${o.code}`) : o.label}
          </li>
        ))}
      </ul>
      <p className="hint">{t("vote:print.until", { at: formatDateTime(poll.closesAt, lng) })}</p>
      <p className="hint">{t("vote:print.instructions")}</p>
      <p className="signature">{t("vote:print.receivedBy")}</p>
    </article>
  );
}
