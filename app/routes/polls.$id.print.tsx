/** A ballot paper to print for the service window: the same question and options as online. */
import type { LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { BallotPaper } from "~/components/votes";
import { useVoteLabels } from "~/components/vote-labels";
import { pollPage } from "~/services/voting/queries.server";
import { areaName } from "~/utils/format";
import { titleMeta } from "~/utils/meta";
import { loadVotePage } from "~/utils/vote-page.server";

export const handle = { i18n: ["vote"], bare: true };
export const meta = titleMeta;

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { page } = await loadVotePage(request, params, pollPage);
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
    <BallotPaper
      place={areaName(community, lng)}
      title={poll.question}
      rules={[
        poll.method === "approval"
          ? t("vote:poll.chooseUpTo", { max: poll.maxChoices })
          : t("vote:poll.chooseOne"),
      ]}
      items={options.map((o) => ({
        key: o.id,
        label: o.code ? t(`vote:yesNo.${o.code}`) : o.label,
      }))}
      closesAt={poll.closesAt}
      cancelReason={poll.cancelledAt === null ? null : (poll.cancelReason ?? "")}
    />
  );
}
