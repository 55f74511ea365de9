import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { json, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import { ErrorSummary, Field, Notice, SelectField, TextArea } from "~/components/forms";
import { ProjectCards, useProjectLabels } from "~/components/projects";
import { parseLoginId } from "~/domain/accounts/schemas";
import { fieldErrors, id as idSchema, text } from "~/domain/validation";
import { REASON_MAX } from "~/domain/projects/rules";
import {
  decideOrganisation,
  inviteMember,
  organisationPage,
  removeMember,
  respondInvite,
} from "~/services/organisations.server";
import { areaName, formatDate } from "~/utils/format";
import {
  idParam,
  notFound,
  readForm,
  refusalFrom,
  refuseForm,
  type Refusal,
} from "~/utils/forms.server";
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

const reasonField = text({ min: 0, max: REASON_MAX, multiline: true });

export async function action({ request, params }: ActionFunctionArgs) {
  const id = idParam(params.id);
  const form = await readForm(request);
  const { actor } = await requireSession(request);
  try {
    switch (form.intent) {
      case "verify":
      case "decline": {
        const reason = reasonField.safeParse(form.reason ?? "");
        if (!reason.success) {
          // The whole error, not just its key: "at least {{min}}" needs its number.
          return refuseForm(400, { reason: fieldErrors(reason.error)._form! }, form);
        }
        await decideOrganisation(actor, id, form.intent, reason.data);
        return redirect(`/orgs/${id}?done=decided`);
      }
      case "invite": {
        const login = typeof form.login === "string" ? parseLoginId(form.login) : null;
        if (!login) return refuseForm(400, { login: { key: "account:errors.loginFormat" } }, form);
        const role = form.role === "admin" ? "admin" : form.role === "member" ? "member" : null;
        if (!role) return refuseForm(400, { role: { key: "errors.invalidChoice" } }, form);
        await inviteMember(actor, id, login, role);
        return redirect(`/orgs/${id}?done=invited`);
      }
      case "accept":
      case "declineInvite":
        await respondInvite(actor, id, form.intent === "accept");
        return redirect(`/orgs/${id}?done=${form.intent === "accept" ? "joined" : "saved"}`);
      case "remove": {
        const userId = idSchema.safeParse(form.userId);
        if (!userId.success) return refuseForm(400, { _form: { key: "errors.badForm" } }, form);
        await removeMember(actor, id, userId.data);
        return redirect(
          userId.data === actor.userId ? "/orgs?done=left" : `/orgs/${id}?done=saved`,
        );
      }
      default:
        return refuseForm(400, { _form: { key: "errors.badForm" } }, form);
    }
  } catch (e) {
    return refusalFrom(e, form);
  }
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
              maxLength={REASON_MAX}
              defaultValue={refused?.values.reason}
              error={refused?.errors.reason}
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
                defaultValue={refused?.values.login}
                error={refused?.errors.login}
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
