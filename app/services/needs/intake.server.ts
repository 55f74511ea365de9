/**
 * 民情 (needs), the intake from other channels (issue 15, item 8): admins issue and revoke a
 * channel's Open311 API key, and a key sends a need in. Each is a command; the API's routes
 * (app/routes/open311.*) are thin adapters onto `intakeNeed`, as a form is onto `reportNeed`.
 *
 * A key is 32 random bytes, shown once when it is issued; the table keeps its SHA-256 only, so a
 * copy of the database holds no key that works. A need sent in has no reporter (the caller is the
 * other channel's, and Liuhe keeps none of their personal data): its channel is the key's, its
 * reference the channel's own (`attribute[ref]`), so a channel that sends the same case twice gets
 * the same need back.
 */
import { createHash, randomBytes } from "node:crypto";
import { DomainError } from "~/domain/errors";
import { isPrivateByDefault } from "~/domain/needs/categories";
import { deadlineFor } from "~/domain/needs/clock";
import {
  INTAKE_RATE_PER_HOUR,
  gridCodesIn,
  intakeSchema,
  issueKeySchema,
  revokeKeySchema,
} from "~/domain/needs/intake";
import { needTexts, reindex } from "../search.server";
import { countWithin } from "../runner/limits.server";
import { command, type Trx } from "../runner/command.server";
import { recordStep, streetLimits, workCalendar } from "./shared.server";
import { reportedNotice } from "./notices.server";

/** The stored form of a key: lowercase hex SHA-256 of its text. */
export const hashKey = (key: string) => createHash("sha256").update(key, "utf8").digest("hex");

/** A new key: 32 random bytes, base64url (43 characters), prefixed so that it is recognisable. */
const newKey = () => `lh311_${randomBytes(32).toString("base64url")}`;

export const issueIntakeKey = command({
  action: "need.manageKeys",
  input: issueKeySchema,
  run: async ({ trx, actor, input, at }) => {
    const key = newKey();
    const { id } = await trx
      .insertInto("intakeKeys")
      .values({
        channel: input.channel,
        label: input.label,
        keyHash: hashKey(key),
        createdBy: actor.userId,
        createdAt: at,
        revokedAt: null,
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    // The only time the key itself leaves the server.
    return { id, key, channel: input.channel, label: input.label };
  },
  // Platform-wide, so in the chain of no area; the key itself is never written down.
  audit: (_ctx, r) => ({
    areaId: null,
    subjectType: "intakeKey",
    subjectId: r.id,
    details: { issued: true, channel: r.channel, label: r.label },
  }),
});

export const revokeIntakeKey = command({
  action: "need.manageKeys",
  input: revokeKeySchema,
  load: async ({ trx, input }) => {
    const key = await trx
      .selectFrom("intakeKeys")
      .select(["id", "channel", "label", "revokedAt"])
      .where("id", "=", input.keyId)
      .executeTakeFirst();
    if (!key) throw new DomainError(404, "need:intake.errors.keyNotFound");
    return key;
  },
  run: async ({ trx, loaded: key, at }) => {
    if (key.revokedAt !== null) throw new DomainError(409, "need:intake.errors.alreadyRevoked");
    await trx
      .updateTable("intakeKeys")
      .set({ revokedAt: at })
      .where("id", "=", key.id)
      .where("revokedAt", "is", null)
      .execute();
    return key.id;
  },
  audit: ({ loaded: key }) => ({
    areaId: null,
    subjectType: "intakeKey",
    subjectId: key.id,
    details: { revoked: true, channel: key.channel, label: key.label },
  }),
});

/** Requests a key may send per hour: INTAKE_RATE_PER_HOUR in the environment, or the default. */
export function intakeRatePerHour(): number {
  const n = Number(process.env.INTAKE_RATE_PER_HOUR);
  return Number.isInteger(n) && n > 0 ? n : INTAKE_RATE_PER_HOUR;
}

/** The grid a channel names: its code (`address_id`), or a code among an address's words. */
async function gridNamed(trx: Trx, addressId: string | undefined, address: string | undefined) {
  const codes = addressId !== undefined ? [addressId] : address ? gridCodesIn(address) : [];
  if (codes.length === 0) throw new DomainError(400, "need:intake.errors.gridRequired");
  const grids = await trx
    .selectFrom("areas as grid")
    .innerJoin("areas as community", "community.id", "grid.parentId")
    .select(["grid.id", "grid.parentId as communityId", "community.parentId as streetId"])
    .where("grid.level", "=", "grid")
    .where("community.level", "=", "community")
    .where("grid.code", "in", codes)
    .execute();
  // An address naming two grids says nowhere in particular.
  const grid = grids.length === 1 ? grids[0] : undefined;
  if (!grid || grid.communityId === null || grid.streetId === null) {
    throw new DomainError(400, "need:intake.errors.unknownGrid");
  }
  return { gridId: grid.id, communityId: grid.communityId, streetId: grid.streetId };
}

export const intakeNeed = command({
  action: "need.intake",
  input: intakeSchema,
  load: async ({ trx, input, actor }) => {
    // The key is checked again inside the transaction: one revoked meanwhile sends nothing.
    const keyId = actor.intakeKey?.id ?? -1;
    const key = await trx
      .selectFrom("intakeKeys")
      .select(["id", "channel"])
      .where("id", "=", keyId)
      .where("revokedAt", "is", null)
      .executeTakeFirst();
    if (!key) throw new DomainError(401, "need:intake.errors.badKey");
    const ref = input["attribute[ref]"] ?? null;
    if (ref !== null) {
      const known = await trx
        .selectFrom("needs")
        .select("id")
        .where("channel", "=", key.channel)
        .where("channelRef", "=", ref)
        .executeTakeFirst();
      // The same case sent again: the need it already is, nothing written.
      if (known) return { key, ref, repeat: known.id, place: null };
    }
    const place = await gridNamed(trx, input.address_id, input.address_string);
    return { key, ref, repeat: null, place };
  },
  target: (loaded) => (loaded.place ? { communityId: loaded.place.communityId } : {}),
  run: async ({ trx, input, loaded, actor, at, now, emit, notify }) => {
    const { key, ref, place } = loaded;
    const limit = { max: intakeRatePerHour(), windowMs: 60 * 60_000 };
    await countWithin(trx, `intake:${key.id}`, limit, now, "need:intake.errors.rateLimited");
    if (loaded.repeat !== null || place === null) {
      return { needId: loaded.repeat!, created: false };
    }
    const category = input.service_code;
    const deadline = deadlineFor("reported", now, {
      urgent: false,
      limits: await streetLimits(trx, place.streetId),
      calendar: workCalendar(),
    });
    const texts = { place: input.address_string ?? "", description: input.description };
    const { id: needId } = await trx
      .insertInto("needs")
      .values({
        streetId: place.streetId,
        communityId: place.communityId,
        gridId: place.gridId,
        category,
        place: texts.place,
        description: texts.description,
        photo: null,
        mediaUrl: input.media_url ?? null,
        isPublic: isPrivateByDefault(category) ? 0 : 1,
        reporterId: null,
        channel: key.channel,
        channelRef: ref,
        status: "reported",
        deadlineAt: deadline?.toISOString() ?? null,
        createdAt: at,
        updatedAt: at,
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    await recordStep(trx, {
      needId,
      step: "report",
      role: "channel",
      actor,
      from: null,
      to: "reported",
      at,
      deadlineAt: deadline?.toISOString() ?? null,
    });
    await reindex(trx, "need", needId, needTexts(texts));
    // No reporter account to tell: the grid's workers learn it is theirs to accept.
    notify(reportedNotice({ id: needId, category, ...place }));
    emit({
      type: "need.changed",
      communityId: place.communityId,
      streetId: place.streetId,
      needId,
      unitId: null,
    });
    return { needId, created: true };
  },
  // Every intake is in the community's audit log, with the channel and the key that sent it.
  audit: ({ loaded }, r) =>
    r.created && loaded.place
      ? {
          areaId: loaded.place.communityId,
          subjectType: "need",
          subjectId: r.needId,
          details: { channel: loaded.key.channel, keyId: loaded.key.id, ref: loaded.ref },
        }
      : [],
});
