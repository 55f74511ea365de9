/**
 * Who is asking (services/accounts/queries.server.ts, `whoIsAsking`): look-ups that arrive together
 * share one statement, and each gets the answer it would have got alone.
 */
import { afterEach, describe, expect, it, vi } from "vitest";
import { getDb } from "../db/client.server";
import { isPostgres } from "../db/portable";
import { whoIsAsking } from "~/services/accounts/queries.server";
import { hashToken, openSession } from "~/services/accounts/sessions.server";
import { startSitting } from "~/services/assistance/commands.server";
import { run } from "~/services/runner/command.server";
import {
  actorFor,
  makeCommitteeMember,
  makeCommunity,
  makeMembership,
  makeOrganisation,
  makeResident,
  makeUser,
} from "./support/factories";

afterEach(() => vi.restoreAllMocks());

const tokenFor = async (userId: number) =>
  (await openSession(getDb(), userId, "test", new Date())).token;

describe(`who is asking, many at once (${isPostgres(getDb()) ? "PostgreSQL" : "SQLite"})`, () => {
  it("answers each as alone, in one statement", async () => {
    const here = await makeCommunity("here");
    const there = await makeCommunity("there");
    const resident = await makeResident(here);
    await makeMembership(resident.userId!, there, "verified");
    const committee = await makeCommitteeMember(there);
    const pending = await makeUser();
    await makeMembership(pending, here, "pending");
    const orgAdmin = await makeUser();
    const member = await makeUser();
    const org = await makeOrganisation({ members: [orgAdmin, member], communities: [here] });
    const revoked = await tokenFor(resident.userId!);
    await getDb()
      .updateTable("sessions")
      .set({ revokedAt: new Date().toISOString() })
      .where("id", "=", hashToken(revoked))
      .execute();
    // A helper at the window acting for the resident.
    const helperToken = await tokenFor(committee.userId!);
    const tokens = {
      resident: await tokenFor(resident.userId!),
      committee: await tokenFor(committee.userId!),
      pending: await tokenFor(pending),
      orgAdmin: await tokenFor(orgAdmin),
      member: await tokenFor(member),
      revoked,
      unknown: "x".repeat(43),
      helper: helperToken,
    };
    await run(startSitting, committee, {
      residentId: resident.userId!,
      consent: "signed",
      sessionId: hashToken(helperToken),
    });

    const spy = vi.spyOn(getDb(), "executeQuery");
    const names = Object.keys(tokens) as (keyof typeof tokens)[];
    const answers = await Promise.all(names.map((n) => whoIsAsking(tokens[n])));
    expect(spy).toHaveBeenCalledTimes(1);
    vi.restoreAllMocks();

    const got = Object.fromEntries(names.map((n, i) => [n, answers[i]]));
    // Each as alone: one look-up at a time gives the same.
    for (const n of names) expect(await whoIsAsking(tokens[n])).toEqual(got[n]);
    expect(got.resident?.actor).toEqual(await actorFor(resident.userId!));
    expect([...(got.resident?.actor.verifiedIn ?? [])].sort()).toEqual([here, there].sort());
    expect(got.resident?.sitting).toBeNull();
    expect(got.committee?.actor.committeeOf).toBe(there);
    expect(got.committee?.sitting).toBeNull();
    expect(got.pending?.actor).toMatchObject({
      userId: pending,
      verifiedIn: [],
      committeeOf: null,
    });
    expect(got.orgAdmin?.actor).toMatchObject({ orgMemberOf: [org], orgAdminOf: [org] });
    expect(got.member?.actor).toMatchObject({ orgMemberOf: [org], orgAdminOf: [] });
    expect(got.revoked).toBeNull();
    expect(got.unknown).toBeNull();
    // The helper's session: their own facts, and the sitting for the resident.
    expect(got.helper?.actor.committeeOf).toBe(there);
    expect(got.helper?.sitting?.resident.id).toBe(resident.userId);
    expect(got.helper?.sitting?.helper.id).toBe(committee.userId);
  });
});
