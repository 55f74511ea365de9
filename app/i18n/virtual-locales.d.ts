/** The locale chunks' map, made by app/i18n/locale-chunks.vite.ts. */
declare module "virtual:liuhe-locales" {
  export const locales: Record<string, () => Promise<{ default: Record<string, unknown> }>>;
}
