// Frozen: never edit a migration that has shipped; add a new one instead.
import { sql, type Kysely } from "kysely";

/** Councils, round-table meetings, their live rooms, speaker queues, minutes and commitments. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable("councils")
    .addColumn("id", "integer", (c) => c.primaryKey().autoIncrement())
    .addColumn("area_id", "integer", (c) => c.notNull().references("areas.id"))
    .addColumn("name", "text", (c) => c.notNull())
    .addColumn("purpose", "text", (c) => c.notNull())
    .addColumn("created_by", "integer", (c) => c.references("users.id"))
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("updated_at", "text", (c) => c.notNull())
    .execute();
  await db.schema.createIndex("councils_area").on("councils").column("area_id").execute();

  await db.schema
    .createTable("council_members")
    .addColumn("council_id", "integer", (c) =>
      c.notNull().references("councils.id").onDelete("cascade"),
    )
    .addColumn("user_id", "integer", (c) => c.notNull().references("users.id").onDelete("cascade"))
    .addColumn("added_at", "text", (c) => c.notNull())
    .addPrimaryKeyConstraint("council_members_pk", ["council_id", "user_id"])
    .execute();

  await db.schema
    .createTable("meetings")
    .addColumn("id", "integer", (c) => c.primaryKey().autoIncrement())
    .addColumn("council_id", "integer", (c) => c.notNull().references("councils.id"))
    .addColumn("topic", "text", (c) => c.notNull())
    .addColumn("description", "text", (c) => c.notNull())
    .addColumn("starts_at", "text", (c) => c.notNull())
    .addColumn("ends_at", "text", (c) => c.notNull())
    .addColumn("place", "text", (c) => c.notNull())
    .addColumn("status", "text", (c) =>
      c.notNull().check(sql`status in ('scheduled', 'live', 'closed', 'published')`),
    )
    .addColumn("is_public", "integer", (c) => c.notNull().defaultTo(1))
    .addColumn("room_open", "integer", (c) => c.notNull().defaultTo(1))
    .addColumn("slow_mode_seconds", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("current_agenda_item_id", "integer")
    .addColumn("floor_user_id", "integer", (c) => c.references("users.id"))
    .addColumn("floor_until", "text")
    .addColumn("created_by", "integer", (c) => c.references("users.id"))
    .addColumn("created_at", "text", (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex("meetings_council")
    .on("meetings")
    .columns(["council_id", "starts_at"])
    .execute();

  await db.schema
    .createTable("agenda_items")
    .addColumn("id", "integer", (c) => c.primaryKey().autoIncrement())
    .addColumn("meeting_id", "integer", (c) =>
      c.notNull().references("meetings.id").onDelete("cascade"),
    )
    .addColumn("position", "integer", (c) => c.notNull())
    .addColumn("title", "text", (c) => c.notNull())
    .addColumn("minutes", "integer", (c) => c.notNull())
    .addUniqueConstraint("agenda_items_order", ["meeting_id", "position"])
    .execute();

  await db.schema
    .createTable("seat_kinds")
    .addColumn("meeting_id", "integer", (c) =>
      c.notNull().references("meetings.id").onDelete("cascade"),
    )
    .addColumn("kind", "text", (c) =>
      c.notNull().check(sql`kind in ('resident', 'official', 'expert', 'organisation', 'media')`),
    )
    .addColumn("capacity", "integer")
    .addPrimaryKeyConstraint("seat_kinds_pk", ["meeting_id", "kind"])
    .execute();

  await db.schema
    .createTable("seat_invites")
    .addColumn("meeting_id", "integer", (c) =>
      c.notNull().references("meetings.id").onDelete("cascade"),
    )
    .addColumn("user_id", "integer", (c) => c.notNull().references("users.id").onDelete("cascade"))
    .addColumn("kind", "text", (c) => c.notNull())
    .addColumn("invited_by", "integer", (c) => c.references("users.id"))
    .addColumn("invited_at", "text", (c) => c.notNull())
    .addPrimaryKeyConstraint("seat_invites_pk", ["meeting_id", "user_id"])
    .execute();

  await db.schema
    .createTable("rsvps")
    .addColumn("meeting_id", "integer", (c) =>
      c.notNull().references("meetings.id").onDelete("cascade"),
    )
    .addColumn("user_id", "integer", (c) => c.notNull().references("users.id").onDelete("cascade"))
    .addColumn("kind", "text", (c) => c.notNull())
    .addColumn("created_at", "text", (c) => c.notNull())
    .addPrimaryKeyConstraint("rsvps_pk", ["meeting_id", "user_id"])
    .execute();

  await db.schema
    .createTable("room_messages")
    .addColumn("id", "integer", (c) => c.primaryKey().autoIncrement())
    .addColumn("meeting_id", "integer", (c) =>
      c.notNull().references("meetings.id").onDelete("cascade"),
    )
    .addColumn("user_id", "integer", (c) => c.notNull().references("users.id"))
    .addColumn("body", "text", (c) => c.notNull())
    .addColumn("agenda_item_id", "integer", (c) => c.references("agenda_items.id"))
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("hidden_at", "text")
    .addColumn("hidden_by", "integer", (c) => c.references("users.id"))
    .addColumn("hidden_reason", "text")
    .addColumn("pinned_at", "text")
    .execute();
  await db.schema
    .createIndex("room_messages_meeting")
    .on("room_messages")
    .columns(["meeting_id", "id"])
    .execute();
  await db.schema
    .createIndex("room_messages_user_time")
    .on("room_messages")
    .columns(["meeting_id", "user_id", "created_at"])
    .execute();

  await db.schema
    .createTable("message_flags")
    .addColumn("message_id", "integer", (c) =>
      c.notNull().references("room_messages.id").onDelete("cascade"),
    )
    .addColumn("user_id", "integer", (c) => c.notNull().references("users.id").onDelete("cascade"))
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("reviewed_at", "text")
    .addPrimaryKeyConstraint("message_flags_pk", ["message_id", "user_id"])
    .execute();

  await db.schema
    .createTable("room_mutes")
    .addColumn("meeting_id", "integer", (c) =>
      c.notNull().references("meetings.id").onDelete("cascade"),
    )
    .addColumn("user_id", "integer", (c) => c.notNull().references("users.id").onDelete("cascade"))
    .addColumn("until", "text", (c) => c.notNull())
    .addColumn("reason", "text", (c) => c.notNull())
    .addColumn("muted_by", "integer", (c) => c.references("users.id"))
    .addPrimaryKeyConstraint("room_mutes_pk", ["meeting_id", "user_id"])
    .execute();

  await db.schema
    .createTable("speaker_queue")
    .addColumn("meeting_id", "integer", (c) =>
      c.notNull().references("meetings.id").onDelete("cascade"),
    )
    .addColumn("user_id", "integer", (c) => c.notNull().references("users.id").onDelete("cascade"))
    .addColumn("raised_at", "text", (c) => c.notNull())
    .addPrimaryKeyConstraint("speaker_queue_pk", ["meeting_id", "user_id"])
    .execute();

  await db.schema
    .createTable("minutes")
    .addColumn("meeting_id", "integer", (c) =>
      c.notNull().references("meetings.id").onDelete("cascade"),
    )
    .addColumn("agenda_item_id", "integer", (c) =>
      c.notNull().references("agenda_items.id").onDelete("cascade"),
    )
    .addColumn("summary", "text", (c) => c.notNull())
    .addColumn("decisions", "text", (c) => c.notNull())
    .addColumn("updated_by", "integer", (c) => c.references("users.id"))
    .addColumn("updated_at", "text", (c) => c.notNull())
    .addPrimaryKeyConstraint("minutes_pk", ["meeting_id", "agenda_item_id"])
    .execute();

  await db.schema
    .createTable("commitments")
    .addColumn("id", "integer", (c) => c.primaryKey().autoIncrement())
    .addColumn("meeting_id", "integer", (c) => c.notNull().references("meetings.id"))
    .addColumn("agenda_item_id", "integer", (c) => c.references("agenda_items.id"))
    .addColumn("what", "text", (c) => c.notNull())
    .addColumn("owner_kind", "text", (c) =>
      c.notNull().check(sql`owner_kind in ('person', 'department', 'organisation')`),
    )
    .addColumn("owner_name", "text", (c) => c.notNull())
    .addColumn("due_date", "text", (c) => c.notNull())
    .addColumn("status", "text", (c) =>
      c.notNull().check(sql`status in ('open', 'in_progress', 'done', 'dropped')`),
    )
    .addColumn("created_by", "integer", (c) => c.references("users.id"))
    .addColumn("created_at", "text", (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex("commitments_meeting")
    .on("commitments")
    .column("meeting_id")
    .execute();

  await db.schema
    .createTable("commitment_updates")
    .addColumn("id", "integer", (c) => c.primaryKey().autoIncrement())
    .addColumn("commitment_id", "integer", (c) =>
      c.notNull().references("commitments.id").onDelete("cascade"),
    )
    .addColumn("status", "text", (c) => c.notNull())
    .addColumn("note", "text", (c) => c.notNull())
    .addColumn("created_by", "integer", (c) => c.references("users.id"))
    .addColumn("created_at", "text", (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of [
    "commitment_updates",
    "commitments",
    "minutes",
    "speaker_queue",
    "room_mutes",
    "message_flags",
    "room_messages",
    "rsvps",
    "seat_invites",
    "seat_kinds",
    "agenda_items",
    "meetings",
    "council_members",
    "councils",
  ]) {
    await db.schema.dropTable(table).execute();
  }
}
