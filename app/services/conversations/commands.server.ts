/**
 * 意见征集 (conversations, issue 18), the writes: the committee puts a question with seed
 * statements, participants write statements and answer them one at a time, the committee
 * moderates them, closes the conversation, and attaches statements to a meeting's agenda. Each is
 * a command (see `../runner/command.server.ts`): the policy decides who, the conversation's window
 * and its statements' states decide when, and every check runs inside the transaction.
 *
 * A vote writes one row per statement and person: a changed answer updates that row (an upsert on
 * the pair's primary key), so two answers at once leave one row on both engines. The opinion map
 * is not touched in the vote's transaction (every vote would write the same row, and on
 * PostgreSQL voters would abort each other): after the commit the map is marked stale and its
 * recompute scheduled (./map.server.ts).
 */
import { DomainError } from "~/domain/errors";
import { VOTE_VALUE, windowState, type StatementStatus } from "~/domain/conversations/rules";
import {
  attachSchema,
  conversationIdSchema,
  conversationSchema,
  detachSchema,
  moderateSchema,
  submitSchema,
  voteSchema,
} from "~/domain/conversations/schemas";
import type { Actor } from "~/domain/permissions/policy";
import { reindex, statementTexts, unindex } from "../search.server";
import { notFound } from "../rows.server";
import { command, type AuditEntry, type Trx } from "../runner/command.server";
import { mapChanged } from "./map.server";
import {
  committeeTarget,
  loadConversation,
  participationTarget,
  placeOf,
  type LoadedConversation,
} from "./shared.server";

const changed = (c: { id: number; communityId: number }) =>
  ({ type: "conversation.changed", communityId: c.communityId, conversationId: c.id }) as const;

const entry = (
  c: { id: number; communityId: number },
  details: Record<string, unknown>,
): AuditEntry => ({ areaId: c.communityId, subjectType: "conversation", subjectId: c.id, details });

/** Refuses a participant's write outside the window: before it opens, or once it has closed. */
function checkOpen(c: LoadedConversation, now: Date): void {
  const state = windowState(c, now);
  if (state === "upcoming") throw new DomainError(409, "conversations:errors.notOpenYet");
  if (state === "closed") throw new DomainError(409, "conversations:errors.closed");
}

const loadByInput = ({ trx, input }: { trx: Trx; input: { conversationId: number } }) =>
  loadConversation(trx, input.conversationId);

const participant = (c: LoadedConversation, _input: unknown, actor: Actor) =>
  participationTarget(c, actor);

// ---------------------------------------------------------------- the committee's

export const createConversation = command({
  action: "conversation.create",
  input: conversationSchema,
  load: async ({ trx, input }) => {
    const council = await trx
      .selectFrom("councils")
      .innerJoin("areas", "areas.id", "councils.areaId")
      .select(["councils.id", "councils.areaId", "areas.level"])
      .where("councils.id", "=", input.councilId)
      .executeTakeFirstOrThrow(notFound("meeting:errors.councilNotFound", "councilId"));
    if (input.meetingId !== null) {
      // Only a meeting of this council: its agenda is where the statements may go. Not one that
      // was cancelled: no agenda will take them, and its seat holders will not meet.
      const meeting = await trx
        .selectFrom("meetings")
        .select(["id", "cancelledAt"])
        .where("id", "=", input.meetingId)
        .where("councilId", "=", council.id)
        .executeTakeFirstOrThrow(notFound("conversations:errors.meetingNotFound", "meetingId"));
      if (meeting.cancelledAt !== null) {
        throw new DomainError(409, "conversations:errors.meetingCancelled", {}, "meetingId");
      }
    }
    return { councilId: council.id, ...(await placeOf(trx, council.areaId, council.level)) };
  },
  target: (loaded) => committeeTarget(loaded),
  run: async ({ trx, actor, input, loaded, at, emit }) => {
    // The form's schema says so already; typed callers (seeds, tests) skip the form.
    if (input.closesAt <= input.opensAt) {
      throw new DomainError(400, "conversations:errors.closesBeforeOpens", {}, "closesAt");
    }
    if (input.eligibility === "seats" && input.meetingId === null) {
      throw new DomainError(400, "conversations:errors.seatsNeedMeeting", {}, "eligibility");
    }
    const { id: conversationId } = await trx
      .insertInto("conversations")
      .values({
        councilId: loaded.councilId,
        meetingId: input.meetingId,
        question: input.question,
        description: input.description,
        opensAt: input.opensAt,
        closesAt: input.closesAt,
        closedAt: null,
        closedBy: null,
        eligibility: input.eligibility,
        premoderation: input.premoderation ? 1 : 0,
        createdBy: actor.userId,
        createdAt: at,
        updatedAt: at,
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    await trx.insertInto("opinionMaps").values({ conversationId }).execute();
    // The committee's seed statements need no moderation: the committee wrote them.
    for (const body of input.seeds) {
      const { id } = await trx
        .insertInto("statements")
        .values({
          conversationId,
          body,
          authorId: actor.userId,
          isSeed: 1,
          status: "accepted",
          rejectReason: null,
          moderatedBy: actor.userId,
          moderatedAt: at,
          createdAt: at,
        })
        .returning("id")
        .executeTakeFirstOrThrow();
      await reindex(trx, "statement", id, statementTexts({ body }));
    }
    emit(changed({ id: conversationId, communityId: loaded.communityId }));
    return { conversationId };
  },
  audit: ({ input, loaded }, { conversationId }) =>
    entry(
      { id: conversationId, communityId: loaded.communityId },
      {
        change: "created",
        question: input.question,
        meetingId: input.meetingId,
        eligibility: input.eligibility,
        seeds: input.seeds.length,
      },
    ),
});

/** Closes a conversation before its time; its map and statements stay to be read. */
export const closeConversation = command({
  action: "conversation.close",
  input: conversationIdSchema,
  load: loadByInput,
  target: (c) => committeeTarget(c),
  run: async ({ trx, actor, loaded: c, at, now, emit }) => {
    if (windowState(c, now) === "closed") {
      throw new DomainError(409, "conversations:errors.closed");
    }
    await trx
      .updateTable("conversations")
      .set({ closedAt: at, closedBy: actor.userId, updatedAt: at })
      .where("id", "=", c.id)
      .execute();
    emit(changed(c));
  },
  audit: ({ loaded: c }) => entry(c, { change: "closed", question: c.question }),
});

async function loadStatement(trx: Trx, statementId: number) {
  return trx
    .selectFrom("statements")
    .select(["id", "conversationId", "status", "body"])
    .where("id", "=", statementId)
    .executeTakeFirstOrThrow(notFound("conversations:errors.statementNotFound", "statementId"));
}

export const moderateStatement = command({
  action: "statement.moderate",
  input: moderateSchema,
  load: async ({ trx, input }) => {
    const statement = await loadStatement(trx, input.statementId);
    return { statement, conversation: await loadConversation(trx, statement.conversationId) };
  },
  target: (l) => committeeTarget(l.conversation),
  run: async ({
    trx,
    actor,
    input,
    loaded: { statement, conversation },
    at,
    emit,
    afterCommit,
  }) => {
    const status: StatementStatus = input.decision === "accept" ? "accepted" : "rejected";
    if (statement.status === status) {
      throw new DomainError(409, "conversations:errors.alreadyModerated");
    }
    await trx
      .updateTable("statements")
      .set({
        status,
        rejectReason: status === "rejected" ? input.reason : null,
        moderatedBy: actor.userId,
        moderatedAt: at,
      })
      .where("id", "=", statement.id)
      .execute();
    // Only what people may see is found as a near-duplicate.
    if (status === "accepted") {
      await reindex(trx, "statement", statement.id, statementTexts(statement));
    } else {
      await unindex(trx, "statement", statement.id);
    }
    emit(changed(conversation));
    // A statement joining or leaving the map changes it.
    afterCommit((db) => mapChanged(conversation.id, db));
    return { statementId: statement.id, status };
  },
  audit: ({ input, loaded: { statement, conversation } }) =>
    entry(conversation, {
      change: input.decision === "accept" ? "statementAccepted" : "statementRejected",
      statementId: statement.id,
      body: statement.body,
      ...(input.decision === "reject" && { reason: input.reason }),
    }),
});

// ---------------------------------------------------------------- the participants'

export const submitStatement = command({
  action: "statement.submit",
  input: submitSchema,
  load: loadByInput,
  target: participant,
  run: async ({ trx, actor, input, loaded: c, at, now, emit }) => {
    checkOpen(c, now);
    const status: StatementStatus = c.premoderation ? "pending" : "accepted";
    const { id: statementId } = await trx
      .insertInto("statements")
      .values({
        conversationId: c.id,
        body: input.body,
        authorId: actor.userId,
        isSeed: 0,
        status,
        rejectReason: null,
        moderatedBy: null,
        moderatedAt: null,
        createdAt: at,
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    if (status === "accepted") {
      await reindex(trx, "statement", statementId, statementTexts(input));
    }
    emit(changed(c));
    return { statementId, status };
  },
});

export const voteStatement = command({
  action: "statement.vote",
  input: voteSchema,
  load: loadByInput,
  target: participant,
  run: async ({ trx, actor, input, loaded: c, at, now, afterCommit }) => {
    checkOpen(c, now);
    const statement = await trx
      .selectFrom("statements")
      .select(["id", "status"])
      .where("id", "=", input.statementId)
      .where("conversationId", "=", c.id)
      .executeTakeFirstOrThrow(notFound("conversations:errors.statementNotFound", "statementId"));
    if (statement.status !== "accepted") {
      throw new DomainError(409, "conversations:errors.statementNotAccepted", {}, "statementId");
    }
    const earlier = await trx
      .selectFrom("statementVotes")
      .select("vote")
      .where("statementId", "=", statement.id)
      .where("userId", "=", actor.userId)
      .executeTakeFirst();
    const vote = VOTE_VALUE[input.vote];
    // An upsert, not insert-or-update by what was read: a second answer racing this one (another
    // tab, a double click) updates the row the first wrote instead of failing or adding a second.
    await trx
      .insertInto("statementVotes")
      .values({
        conversationId: c.id,
        statementId: statement.id,
        userId: actor.userId,
        vote,
        votedAt: at,
      })
      .onConflict((oc) => oc.columns(["statementId", "userId"]).doUpdateSet({ vote, votedAt: at }))
      .execute();
    afterCommit((db) => mapChanged(c.id, db));
    return { changed: earlier !== undefined };
  },
});

// ---------------------------------------------------------------- into the meeting

/** The agenda item with its meeting's council and place; 404 when there is none. */
async function loadAgendaItem(trx: Trx, agendaItemId: number) {
  const item = await trx
    .selectFrom("agendaItems")
    .innerJoin("meetings", "meetings.id", "agendaItems.meetingId")
    .innerJoin("councils", "councils.id", "meetings.councilId")
    .innerJoin("areas", "areas.id", "councils.areaId")
    .select([
      "agendaItems.id",
      "agendaItems.meetingId",
      "meetings.councilId",
      "councils.areaId",
      "areas.level",
    ])
    .where("agendaItems.id", "=", agendaItemId)
    .executeTakeFirstOrThrow(notFound("meeting:errors.agendaItemNotFound", "agendaItemId"));
  return { ...item, ...(await placeOf(trx, item.areaId, item.level)) };
}

export const attachStatements = command({
  action: "agenda.attachStatements",
  input: attachSchema,
  load: async ({ trx, input }) => {
    const item = await loadAgendaItem(trx, input.agendaItemId);
    const statements = await trx
      .selectFrom("statements")
      .innerJoin("conversations", "conversations.id", "statements.conversationId")
      .select([
        "statements.id",
        "statements.status",
        "statements.body",
        "conversations.councilId",
        "conversations.meetingId",
      ])
      .where("statements.id", "in", input.statementIds)
      .execute();
    return { item, statements };
  },
  target: (l) => committeeTarget(l.item),
  run: async ({ trx, actor, input, loaded: { item, statements }, at, emit }) => {
    // Only accepted statements of a conversation of this meeting, or of its council as a whole.
    const here = statements.filter(
      (s) =>
        s.councilId === item.councilId && (s.meetingId === null || s.meetingId === item.meetingId),
    );
    if (here.length !== input.statementIds.length) {
      throw new DomainError(400, "conversations:errors.statementNotHere", {}, "statementIds");
    }
    if (here.some((s) => s.status !== "accepted")) {
      throw new DomainError(409, "conversations:errors.statementNotAccepted", {}, "statementIds");
    }
    await trx
      .insertInto("agendaStatements")
      .values(
        input.statementIds.map((statementId) => ({
          agendaItemId: item.id,
          statementId,
          kind: input.kind,
          attachedBy: actor.userId,
          attachedAt: at,
        })),
      )
      // Attached again under the other kind: the committee changed its mind about what it is.
      .onConflict((oc) =>
        oc
          .columns(["agendaItemId", "statementId"])
          .doUpdateSet({ kind: input.kind, attachedBy: actor.userId, attachedAt: at }),
      )
      .execute();
    emit({ type: "meeting.changed", communityId: item.communityId, meetingId: item.meetingId });
  },
  audit: ({ input, loaded: { item } }) => ({
    areaId: item.communityId,
    subjectType: "meeting",
    subjectId: item.meetingId,
    details: {
      change: "statementsAttached",
      agendaItemId: item.id,
      statementIds: input.statementIds,
      kind: input.kind,
    },
  }),
});

export const detachStatement = command({
  action: "agenda.attachStatements",
  input: detachSchema,
  load: ({ trx, input }) => loadAgendaItem(trx, input.agendaItemId),
  target: (item) => committeeTarget(item),
  run: async ({ trx, input, loaded: item, emit }) => {
    const gone = await trx
      .deleteFrom("agendaStatements")
      .where("agendaItemId", "=", item.id)
      .where("statementId", "=", input.statementId)
      .executeTakeFirst();
    if (gone.numDeletedRows === 0n) {
      throw new DomainError(404, "conversations:errors.notAttached", {}, "statementId");
    }
    emit({ type: "meeting.changed", communityId: item.communityId, meetingId: item.meetingId });
  },
  audit: ({ input, loaded: item }) => ({
    areaId: item.communityId,
    subjectType: "meeting",
    subjectId: item.meetingId,
    details: { change: "statementDetached", agendaItemId: item.id, statementId: input.statementId },
  }),
});
