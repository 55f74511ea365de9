import { useTranslation } from "react-i18next";

/**
 * How a person's name is shown beside what they wrote. Deleting an account empties its name (see
 * `deleteAccount`), and what the person wrote in public stays: it is shown as by a former
 * resident (前居民), never as by nobody. A display name is never empty otherwise (it is required).
 */
export function useShownName(): (name: string | null | undefined) => string {
  const { t } = useTranslation("common");
  return (name) => name || t("common:formerResident");
}
