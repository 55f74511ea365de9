import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { json, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import { ErrorSummary, Field, Notice, SelectField, TextArea } from "~/components/forms";
import { ProjectCards, useProjectLabels } from "~/components/projects";
import { STEP_REASON_MAX } from "~/domain/projects/rules";
import {
  acceptInvitation,
  declineInvitation,
  declineOrganisation,
  inviteMember,
  removeMember,
  verifyOrganisation,
} from "~/services/organisations/commands.server";
import { organisationPage } from "~/services/organisations/queries.server";
import { intent, submitIntent } from "~/services/runner/form.server";
import { areaName, formatDate } from "~/utils/format";
import { idParam, notFound, readForm, type Refusal } from "~/utils/forms.server";
import { titleMeta } from "~/utils/meta";
import { getCurrent, requireSession } from "~/utils/session.server";

export const handle = { i18n: ["project"] };
export const meta = titleMeta;

export async function loader({ request, params }: LoaderFunctionArgs) {
  const id = idParam(params.id);
  const { actor } = await getCurrent(request);
  const page = await organisationPage(actor, id);
  if (!page) notFound();
  return json({ title: page.organisation.name, ...page, me: actor.userId });
}

export async function action({ request, params }: ActionFunctionArgs) {
  const id = idParam(params.id);
  const form = await readForm(request);
  const { actor } = await requireSession(request);
  const back = (done: string) => () => redirect(`/orgs/${id}?done=${done}`);
  return submitIntent(
    {
      verify: intent(verifyOrganisation, back("decided")),
      decline: intent(declineOrganisation, back("decided")),
      invite: intent(inviteMember, back("invited")),
      accept: intent(acceptInvitation, back("joined")),
      declineInvite: intent(declineInvitation, back("saved")),
      // Leaving takes the person out of the organisation's page: back to the directory.
      remove: intent(removeMember, (_, i) =>
        i.userId === actor.userId ? redirect("/orgs?done=left") : back("saved")(),
      ),
    },
    actor,
    form,
    { params: { id } },
  );
}

export default function Organisation() {
  const data = useLoaderData<typeof loader>();
  const { organisation: o, services, communities, members, memberCount, projects, record } = data;
  const refused = useActionData<Refusal>();
  const [params] = useSearchParams();
  const { t, lng } = useProjectLabels();
  const done = params.get("done");
  return (
    <article aria-labelledby="org-title">
      <p>
        <Link to="/orgs">{t("project:orgs.title")}</Link>
      </p>
      <h1 id="org-title">{o.name}</h1>
      {done && (
        <Notice>
          {t(`project:org.done.${done}`, { defaultValue: t("project:org.done.saved") })}
        </Notice>
      )}
      {o.status !== "verified" && (
        <p className={`badge listing-${o.status}`}>
          {t(`project:org.listing.${o.status}`)}
          {o.status === "declined" && o.decisionReason && (
            <> — {t("project:org.declinedBecause", { reason: o.decisionReason })}</>
          )}
        </p>
      )}
      <ErrorSummary errors={refused?.errors} />
      <dl className="facts">
        <dt>{t("project:org.tier")}</dt>
        <dd>
          {t(`project:tiers.${o.tier}`)}
          {o.registrationNumber && <> · {o.registrationNumber}</>}
        </dd>
        <dt>{t("project:org.services")}</dt>
        <dd>{services.map((s) => t(`project:services.${s}`)).join(t("common:listSeparator"))}</dd>
        <dt>{t("project:org.communities")}</dt>
        <dd>
          {communities.map((c, i) => (
            <span key={c.id}>
              {i > 0 && t("common:listSeparator")}
              <Link to={`/communities/${c.id}`}>{areaName(c, lng)}</Link>
            </span>
          ))}
        </dd>
        {o.contact && (
          <>
            <dt>{t("project:org.contact")}</dt>
            <dd>{o.contact}</dd>
          </>
        )}
        <dt>{t("project:org.memberCount")}</dt>
        <dd>{memberCount}</dd>
        {o.status === "verified" && o.decidedAt && (
          <>
            <dt>{t("project:org.verifiedOn")}</dt>
            <dd>
              {formatDate(o.decidedAt, lng)}
              {o.decidedByName && <> · {o.decidedByName}</>}
            </dd>
          </>
        )}
      </dl>
      <p className="prose">{o.description}</p>

      <section aria-labelledby="record-title">
        <h2 id="record-title">{t("project:org.record")}</h2>
        <p>
          {t("project:org.completedCount", { count: record.completed })} ·{" "}
          {record.averageRating === null
            ? t("project:org.noRatings")
            : t("project:org.averageRating", {
                rating: record.averageRating,
                count: record.ratings,
              })}
        </p>
      </section>

      {data.invitedAs && (
        <section aria-labelledby="invite-title" className="card">
          <h2 id="invite-title">{t("project:org.invitation")}</h2>
          <p>{t("project:org.invitedAs", { role: t(`project:org.role.${data.invitedAs}`) })}</p>
          <Form method="post" className="buttons">
            <button type="submit" name="intent" value="accept" className="primary">
              {t("project:org.accept")}
            </button>
            <button type="submit" name="intent" value="declineInvite">
              {t("project:org.declineInvite")}
            </button>
          </Form>
        </section>
      )}

      {data.canDecide && (
        <section aria-labelledby="decide-title" className="card">
          <h2 id="decide-title">{t("project:org.decideTitle")}</h2>
          <p>{t("project:org.decideHint")}</p>
          <Form method="post">
            <TextArea
              name="reason"
              label={t("project:org.reason")}
              hint={t("project:org.reasonHint")}
              rows={2}
              maxLength={STEP_REASON_MAX}
              refused={refused}
            />
            <p className="buttons">
              <button type="submit" name="intent" value="verify" className="primary">
                {t("project:org.verify")}
              </button>
              <button type="submit" name="intent" value="decline">
                {t("project:org.decline")}
              </button>
            </p>
          </Form>
        </section>
      )}

      <section aria-labelledby="projects-title">
        <h2 id="projects-title">{t("project:org.projects")}</h2>
        {projects.length === 0 ? (
          <p>{t("project:org.noProjects")}</p>
        ) : (
          <ProjectCards items={projects} />
        )}
        {data.isMember && o.status === "verified" && (
          <p>
            <Link className="button" to={`/projects/new?organisation=${o.id}`}>
              {t("project:propose")}
            </Link>
          </p>
        )}
      </section>

      {data.isMember && (
        <section aria-labelledby="members-title">
          <h2 id="members-title">{t("project:org.members")}</h2>
          <ul>
            {members.map((m) => (
              <li key={m.userId}>
                {m.displayName} · {t(`project:org.role.${m.role}`)}
                {m.status === "invited" && <> · {t("project:org.invitedBadge")}</>}
                {(data.canManageMembers || m.userId === data.me) && (
                  <Form method="post" className="inline">
                    <input type="hidden" name="userId" value={m.userId} />
                    <button type="submit" name="intent" value="remove" className="small">
                      {m.userId === data.me
                        ? t("project:org.leave")
                        : t("project:org.remove", { name: m.displayName })}
                    </button>
                  </Form>
                )}
              </li>
            ))}
          </ul>
          {data.canEdit && (
            <p>
              <Link className="button" to={`/orgs/${o.id}/edit`}>
                {t("project:org.edit")}
              </Link>
            </p>
          )}
          {data.canManageMembers && (
            <Form method="post" className="card">
              <h3>{t("project:org.inviteTitle")}</h3>
              <Field
                name="login"
                label={t("project:org.inviteLogin")}
                hint={t("project:org.inviteLoginHint")}
                refused={refused}
                autoComplete="off"
              />
              <SelectField
                name="role"
                label={t("project:org.roleLabel")}
                options={[
                  { value: "member", label: t("project:org.role.member") },
                  { value: "admin", label: t("project:org.role.admin") },
                ]}
                defaultValue={refused?.values.role ?? "member"}
                error={refused?.errors.role}
              />
              <button type="submit" name="intent" value="invite">
                {t("project:org.invite")}
              </button>
            </Form>
          )}
        </section>
      )}
    </article>
  );
}
