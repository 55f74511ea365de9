import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { json, redirect } from "@remix-run/node";
import { Link, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { z } from "zod";
import { ErrorSummary, IntentForm, Notice, refusalFor } from "~/components/forms";
import { followLink, groupedKinds, kindNameKey } from "~/domain/notices/follows";
import { authorize, can } from "~/domain/permissions/policy";
import { oneOf } from "~/domain/refuse";
import { parseForm } from "~/domain/validation";
import { getT } from "~/i18n/i18next.server";
import { supportedLngs } from "~/i18n/config";
import { revokeSession } from "~/services/accounts/commands.server";
import { listSessions } from "~/services/accounts/queries.server";
import { myFollows, noticeSettings } from "~/services/notices/follow-queries.server";
import { saveNoticeSettings, unfollow } from "~/services/notices/follows.server";
import { submit } from "~/services/runner/form.server";
import { readForm, refuseForm, type Refusal } from "~/utils/forms.server";
import { formatDateTime } from "~/utils/format";
import { titleMeta } from "~/utils/meta";
import { preferenceCookie, readPreferences } from "~/utils/preferences.server";
import { getCurrent, requireSession } from "~/utils/session.server";

export const handle = { i18n: ["account", "notice"] };
export const meta = titleMeta;

export async function loader({ request }: LoaderFunctionArgs) {
  const prefs = readPreferences(request);
  const { session, actor } = await getCurrent(request);
  const t = await getT(request, "account");
  const sessions =
    session && can(actor, "session.list")
      ? await listSessions(session.user.id, session.sessionId)
      : null;
  // One's notices: which kinds, the quiet digest, and what one follows (signed in only).
  const notices =
    session && can(actor, "notice.view", { ownerId: session.user.id })
      ? { ...(await noticeSettings(actor)), follows: await myFollows(actor) }
      : null;
  return json({
    title: t("settings.title"),
    lng: prefs.lng,
    mode: prefs.mode,
    text: prefs.text,
    sessions,
    notices,
  });
}

const preferencesSchema = z.object({
  intent: z.literal("preferences"),
  lng: oneOf(supportedLngs),
  mode: oneOf(["full", "lite"]),
  // Optional so that a form rendered before the option existed still saves; absent keeps the cookie.
  text: oneOf(["normal", "large"]).optional(),
});

export async function action({ request }: ActionFunctionArgs) {
  const form = await readForm(request);
  if (form.intent === "revoke") {
    const { actor } = await requireSession(request);
    return submit(revokeSession, actor, form, () => redirect("/settings?done=revoked"));
  }
  if (form.intent === "notices") {
    const { actor } = await requireSession(request);
    return submit(saveNoticeSettings, actor, form, () =>
      redirect("/settings?done=notices#notices"),
    );
  }
  if (form.intent === "unfollow") {
    const { actor } = await requireSession(request);
    return submit(unfollow, actor, form, () => redirect("/settings?done=unfollowed#follows"));
  }
  const { actor } = await getCurrent(request);
  authorize(actor, "settings.change");
  const parsed = parseForm(preferencesSchema, form);
  if (!parsed.ok) return refuseForm(400, parsed.errors, form);
  const secure = new URL(request.url).protocol === "https:";
  const headers = new Headers();
  for (const name of ["lng", "mode", "text"] as const) {
    const value = parsed.data[name];
    if (value) headers.append("Set-Cookie", preferenceCookie(name, value, secure));
  }
  // A full page load, so that the new mode's scripts (or their absence) take effect.
  return redirect("/settings?done=saved", { headers });
}

/** One preference: radio buttons under a legend, the current value checked. */
function Choices({
  name,
  legend,
  hint,
  value,
  options,
}: {
  name: string;
  legend: string;
  hint?: string;
  value: string;
  options: ReadonlyArray<{ value: string; label: string; lang?: string }>;
}) {
  return (
    <fieldset>
      <legend>{legend}</legend>
      {hint && <p className="hint">{hint}</p>}
      {options.map((o) => {
        const id = `${name}-${o.value === "zh-CN" ? "zh" : o.value}`;
        return (
          <div className="choice" key={o.value}>
            <input
              type="radio"
              id={id}
              name={name}
              value={o.value}
              defaultChecked={value === o.value}
            />
            <label htmlFor={id} lang={o.lang}>
              {o.label}
            </label>
          </div>
        );
      })}
    </fieldset>
  );
}

export default function Settings() {
  const { lng, mode, text, sessions, notices } = useLoaderData<typeof loader>();
  const refused = useActionData<Refusal>();
  const [params] = useSearchParams();
  const { t } = useTranslation(["account", "common"]);
  const done = params.get("done");
  return (
    <section className="narrow" aria-labelledby="settings-title">
      <h1 id="settings-title">{t("settings.title")}</h1>
      {done === "saved" && <Notice>{t("settings.saved")}</Notice>}
      {done === "revoked" && <Notice>{t("settings.revoked")}</Notice>}
      {done === "notices" && <Notice>{t("notice:settings.saved")}</Notice>}
      {done === "unfollowed" && <Notice>{t("notice:follow.unfollowed")}</Notice>}
      <ErrorSummary
        errors={
          refused?.values.intent === "notices" || refused?.values.intent === "unfollow"
            ? undefined
            : refused?.errors
        }
      />
      <IntentForm intent="preferences" reloadDocument>
        <Choices
          name="lng"
          legend={t("settings.language")}
          value={lng}
          options={[
            { value: "zh-CN", label: "中文（简体）", lang: "zh-CN" },
            { value: "en", label: "English", lang: "en" },
          ]}
        />
        <Choices
          name="mode"
          legend={t("settings.mode")}
          hint={t("settings.modeHint")}
          value={mode}
          options={[
            { value: "full", label: t("settings.modeFull") },
            { value: "lite", label: t("settings.modeLite") },
          ]}
        />
        <Choices
          name="text"
          legend={t("settings.text")}
          hint={t("settings.textHint")}
          value={text}
          options={[
            { value: "normal", label: t("settings.textNormal") },
            { value: "large", label: t("settings.textLarge") },
          ]}
        />
        <button type="submit" className="primary">
          {t("settings.save")}
        </button>
      </IntentForm>

      {notices && <NoticeSettings settings={notices} refused={refused} />}

      {sessions && (
        <section aria-labelledby="data-title">
          <h2 id="data-title">{t("settings.dataTitle")}</h2>
          <p>
            <Link to="/me/data">{t("settings.dataLink")}</Link>
          </p>
        </section>
      )}

      {sessions && (
        <section aria-labelledby="sessions-title">
          <h2 id="sessions-title">{t("settings.sessions")}</h2>
          <p className="hint">{t("settings.sessionsHint")}</p>
          <ul className="plain">
            {sessions.map((s) => (
              <li key={s.id} className="card">
                <p>
                  {s.current ? <strong>{t("settings.thisDevice")}</strong> : null}{" "}
                  {s.userAgent ?? t("settings.unknownDevice")}
                </p>
                <p className="hint">
                  {t("settings.signedInAt", { at: formatDateTime(s.createdAt, lng) })} ·{" "}
                  {t("settings.lastSeen", { at: formatDateTime(s.lastSeenAt, lng) })}
                </p>
                {!s.current && (
                  <IntentForm intent="revoke" ids={{ sessionId: s.id }}>
                    <button type="submit">{t("settings.revoke")}</button>
                  </IntentForm>
                )}
              </li>
            ))}
          </ul>
        </section>
      )}
    </section>
  );
}

type NoticeSettingsData = NonNullable<ReturnType<typeof useLoaderData<typeof loader>>["notices"]>;

/**
 * One's notices: a checkbox per kind, grouped (protected kinds shown on and not switchable, with
 * why), the quiet digest, and what one follows, each with its own "unfollow" form.
 */
function NoticeSettings({
  settings,
  refused,
}: {
  settings: NoticeSettingsData;
  refused: Refusal | undefined;
}) {
  const { t } = useTranslation(["notice"]);
  const byKind = new Map(settings.kinds.map((k) => [k.kind, k]));
  return (
    <>
      <section aria-labelledby="notices-title" id="notices">
        <h2 id="notices-title">{t("settings.title")}</h2>
        <p className="hint">{t("settings.intro")}</p>
        <ErrorSummary errors={refusalFor(refused, "notices")?.errors} />
        <IntentForm intent="notices">
          <p className="hint">{t("settings.protectedWhy")}</p>
          {groupedKinds(settings.kinds.map((k) => k.kind)).map((g) => (
            <fieldset key={g.group}>
              <legend>{t(`groups.${g.group}`)}</legend>
              {g.kinds.map((kind) => {
                const k = byKind.get(kind)!;
                const id = `kind-${kind.replace(".", "-")}`;
                return (
                  <div className="choice" key={kind}>
                    {/* The switchable kinds this form shows: an unticked one is switched off. */}
                    {!k.protected && <input type="hidden" name="kinds" value={kind} />}
                    <input
                      type="checkbox"
                      id={id}
                      name="on"
                      value={kind}
                      defaultChecked={k.on}
                      disabled={k.protected}
                    />
                    <label htmlFor={id}>
                      {k.protected
                        ? t("settings.protectedLabel", { name: t(kindNameKey(kind)) })
                        : t(kindNameKey(kind))}
                    </label>
                  </div>
                );
              })}
            </fieldset>
          ))}
          <fieldset>
            <legend>{t("settings.quietLegend")}</legend>
            <div className="choice">
              <input
                type="checkbox"
                id="notice-quiet"
                name="quiet"
                value="on"
                defaultChecked={settings.quiet}
              />
              <label htmlFor="notice-quiet">{t("settings.quiet")}</label>
            </div>
            <p className="hint">{t("settings.quietHint")}</p>
          </fieldset>
          <button type="submit" className="primary">
            {t("settings.save")}
          </button>
        </IntentForm>
      </section>

      <section aria-labelledby="follows-title" id="follows">
        <h2 id="follows-title">{t("settings.follows")}</h2>
        <ErrorSummary errors={refusalFor(refused, "unfollow")?.errors} />
        {settings.follows.length === 0 ? (
          <p>{t("settings.followsNone")}</p>
        ) : (
          <ul className="plain">
            {settings.follows.map((f) => (
              <li key={`${f.subjectType}-${f.subjectId}`} className="card">
                <p>
                  {t(`settings.types.${f.subjectType}`)}:{" "}
                  {f.name === null ? (
                    t("settings.gone")
                  ) : (
                    <Link to={followLink(f.subjectType, f.subjectId)}>{f.name}</Link>
                  )}
                </p>
                <IntentForm
                  intent="unfollow"
                  ids={{ subjectType: f.subjectType, subjectId: f.subjectId }}
                >
                  <button type="submit">{t("follow.unfollow")}</button>
                </IntentForm>
              </li>
            ))}
          </ul>
        )}
      </section>
    </>
  );
}
