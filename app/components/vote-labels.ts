import { useTranslation } from "react-i18next";
import type { Lng } from "~/i18n/config";

/** The vote pages' translations and language (its own module: list pages use it too). */
export function useVoteLabels() {
  const { t, i18n } = useTranslation(["vote", "common"]);
  return { t, lng: i18n.language as Lng };
}
