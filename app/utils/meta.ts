import type { MetaFunction } from "@remix-run/node";

/** Page titles come from the loader (translated on the server), followed by the site name. */
export const titleMeta: MetaFunction = ({ data, error }) => {
  const title = (data as { title?: string } | undefined)?.title;
  if (error || !title) return [{ title: "六和议事 Liuhe" }];
  return [{ title: `${title} · 六和议事 Liuhe` }];
};
