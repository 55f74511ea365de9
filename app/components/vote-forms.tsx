/** The "new poll" and "new round" pages' shared frame (apart from the vote pages' pieces). */
import type { ReactNode } from "react";
import { Form, useActionData } from "@remix-run/react";
import type { Refusal } from "~/utils/forms.server";
import { areaName } from "~/utils/format";
import { ErrorSummary, Field, TextArea } from "./forms";
import { useVoteLabels } from "./vote-labels";

/**
 * The "new poll" and "new round" pages: the community and heading, then the form with its name
 * and description, the fields particular to it (`children`), the voting window and the button.
 * A refused form keeps what was typed.
 */
export function NewVotePage({
  titleId,
  place,
  heading,
  intro,
  unavailable,
  name,
  descriptionMax,
  labels,
  submit,
  children,
}: {
  titleId: string;
  place: { nameZh: string; nameEn: string };
  heading: string;
  intro?: string;
  /** Said instead of the form when there is nothing to vote on yet. */
  unavailable?: string;
  name: { field: string; label: string; maxLength: number };
  descriptionMax: number;
  /** The error summary's links to the fields in `children`. */
  labels: Record<string, string>;
  submit: string;
  children: ReactNode;
}) {
  const refused = useActionData<Refusal>();
  const { t, lng } = useVoteLabels();
  return (
    <section aria-labelledby={titleId}>
      <p>{areaName(place, lng)}</p>
      <h1 id={titleId}>{heading}</h1>
      {intro && <p>{intro}</p>}
      {unavailable ? (
        <p className="card">{unavailable}</p>
      ) : (
        <Form method="post">
          <ErrorSummary
            errors={refused?.errors}
            labels={{
              [name.field]: name.label,
              ...labels,
              opensAt: t("vote:newPoll.opensAt"),
              closesAt: t("vote:newPoll.closesAt"),
            }}
          />
          <Field
            name={name.field}
            label={name.label}
            refused={refused}
            maxLength={name.maxLength}
          />
          <TextArea
            name="description"
            label={t("vote:newPoll.description")}
            rows={3}
            refused={refused}
            maxLength={descriptionMax}
          />
          {children}
          <Field
            name="opensAt"
            type="datetime-local"
            label={t("vote:newPoll.opensAt")}
            hint={t("vote:newPoll.timeHint")}
            refused={refused}
          />
          <Field
            name="closesAt"
            type="datetime-local"
            label={t("vote:newPoll.closesAt")}
            refused={refused}
          />
          <button type="submit" className="primary">
            {submit}
          </button>
        </Form>
      )}
    </section>
  );
}
