/** The loader the directory lists (projects, organisations) share. */
import { authorize, type Actor, type SignedInActor } from "~/domain/permissions/policy";
import { getT } from "~/i18n/i18next.server";
import { communityOptions } from "~/services/communities/queries.server";
import { getCurrent } from "~/utils/session.server";

const signedIn = (actor: Actor): actor is SignedInActor => actor.userId !== null;

/**
 * Who asks, the filters read from the address bar, one page of what matches, the communities to
 * filter by, and the asker's own entries (none for a visitor who is not signed in).
 */
export async function listPage<F extends { page: number }, R extends object, M>(
  request: Request,
  list: {
    action: "project.view" | "organisation.view";
    /** The page title's key in the project namespace. */
    title: string;
    filtersFrom: (url: URL) => F;
    find: (filters: F) => Promise<R>;
    mine: (actor: SignedInActor) => Promise<M[]>;
    pageSize: number;
  },
) {
  const { actor } = await getCurrent(request);
  authorize(actor, list.action);
  const url = new URL(request.url);
  const filters = list.filtersFrom(url);
  const [result, communities, mine, t] = await Promise.all([
    list.find(filters),
    communityOptions(),
    signedIn(actor) ? list.mine(actor) : ([] as M[]),
    getT(request, "project"),
  ]);
  return {
    title: t(list.title),
    ...result,
    filters,
    communities,
    mine,
    signedIn: signedIn(actor),
    pageSize: list.pageSize,
    search: url.search,
  };
}
