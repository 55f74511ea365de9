// Frozen: never edit a migration that has shipped; add a new one instead.
import type { Kysely } from "kysely";

/**
 * A commitment's owner as an account, when there is one (issue 16: "a commitment you own: due in 3
 * days, overdue"). The owner stays named in words (`owner_name`: a department, an organisation, a
 * person); the minutes-taker may also name the account of the person answerable for it, who is then
 * reminded. NULL for the commitments of before, and whenever nobody's account is named.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable("commitments")
    .addColumn("owner_user_id", "integer", (c) => c.references("users.id").onDelete("set null"))
    .execute();
  await db.schema
    .createIndex("commitments_owner")
    .on("commitments")
    .column("owner_user_id")
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex("commitments_owner").execute();
  await db.schema.alterTable("commitments").dropColumn("owner_user_id").execute();
}
