/**
 * The list of migrations, in order. Listed by hand (not read from the folder at run time) so that
 * the same list works from the CLI, from tests and from inside the bundled server build.
 */
import type { Migration } from "kysely";
import * as foundation from "./20261127_1920_foundation";
import * as accountDeletion from "./20261127_2000_account_deletion";
import * as councils from "./20261127_2020_councils";
import * as projects from "./20261127_2230_projects";
import * as voting from "./20261127_2300_voting";
import * as assistance from "./20261128_0100_assistance";
import * as jobs from "./20261201_1400_jobs";
import * as photos from "./20261201_1500_photos";
import * as auditChain from "./20261201_1600_audit_chain";
import * as paperBox from "./20261201_1700_paper_box";
import * as searchTitles from "./20261201_2330_search_titles";
import * as needs from "./20261202_0400_needs";
import * as needMedia from "./20261202_0500_need_media";
import * as needBoardOrder from "./20261202_0600_need_board_order";
import * as changes from "./20261202_0700_changes";
import * as notices from "./20261202_0700_notices";
import * as noticeOnce from "./20261203_0200_notice_once";
import * as follows from "./20261203_0300_follows";
import * as index from "./20261204_0100_index";
import * as commitmentOwner from "./20261203_0500_commitment_owner";
import * as conversations from "./20261205_0100_conversations";
import * as ballotCounts from "./20261206_0100_ballot_counts";
import * as paperVoters from "./20261206_0200_paper_voters";
import * as staffByPerson from "./20261206_0300_staff_by_person";
import * as seatInvitesByPerson from "./20261207_0100_seat_invites_by_person";

export const migrations: Record<string, Migration> = {
  "20261127_1920_foundation": foundation,
  "20261127_2000_account_deletion": accountDeletion,
  "20261127_2020_councils": councils,
  "20261127_2230_projects": projects,
  "20261127_2300_voting": voting,
  "20261128_0100_assistance": assistance,
  "20261201_1400_jobs": jobs,
  "20261201_1500_photos": photos,
  "20261201_1600_audit_chain": auditChain,
  "20261201_1700_paper_box": paperBox,
  "20261201_2330_search_titles": searchTitles,
  "20261202_0400_needs": needs,
  "20261202_0500_need_media": needMedia,
  "20261202_0600_need_board_order": needBoardOrder,
  "20261202_0700_changes": changes,
  "20261202_0700_notices": notices,
  "20261203_0200_notice_once": noticeOnce,
  "20261203_0300_follows": follows,
  "20261203_0500_commitment_owner": commitmentOwner,
  "20261204_0100_index": index,
  "20261205_0100_conversations": conversations,
  "20261206_0100_ballot_counts": ballotCounts,
  "20261206_0200_paper_voters": paperVoters,
  "20261206_0300_staff_by_person": staffByPerson,
  "20261207_0100_seat_invites_by_person": seatInvitesByPerson,
};
