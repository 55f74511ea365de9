/**
 * 关注 / 已关注 (取消关注): one plain form on a council's, meeting's, project's or need's page, so it
 * works without JavaScript and in 长辈版; the page's action runs `follow` or `unfollow` on the
 * page's own subject (its address names it, not the form). Says what was done after the redirect
 * (`?follow=on|off`, apart from the page's own `?done=`).
 */
import { useActionData, useSearchParams } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import type { Refusal } from "~/utils/forms.server";
import { ErrorSummary, IntentForm, Notice, refusalFor } from "./forms";

/** `following`: null when signed out (no button: signing in comes first). */
export function FollowButton({ following }: { following: boolean | null }) {
  const { t } = useTranslation("notice");
  const [params] = useSearchParams();
  const refused = useActionData<Refusal>();
  const done = params.get("follow");
  if (following === null) return null;
  const intent = following ? "unfollow" : "follow";
  return (
    <div className="follow">
      {done === "on" && <Notice>{t("follow.followed")}</Notice>}
      {done === "off" && <Notice>{t("follow.unfollowed")}</Notice>}
      <ErrorSummary errors={refusalFor(refused, intent)?.errors} />
      <IntentForm intent={intent}>
        <p>
          {following && <strong>{t("follow.following")}</strong>}{" "}
          <button type="submit">{following ? t("follow.unfollow") : t("follow.follow")}</button>
        </p>
        {!following && <p className="hint">{t("follow.hint")}</p>}
      </IntentForm>
    </div>
  );
}
