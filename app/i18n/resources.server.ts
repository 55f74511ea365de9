/** Locale files, bundled into the server build (the browser fetches them as hashed chunks). */
import type { Resource } from "i18next";
import zhCommon from "../../public/locales/zh-CN/common.json";
import zhAccount from "../../public/locales/zh-CN/account.json";
import zhCommunity from "../../public/locales/zh-CN/community.json";
import zhPermissions from "../../public/locales/zh-CN/permissions.json";
import enCommon from "../../public/locales/en/common.json";
import enAccount from "../../public/locales/en/account.json";
import enCommunity from "../../public/locales/en/community.json";
import enPermissions from "../../public/locales/en/permissions.json";
import zhMeeting from "../../public/locales/zh-CN/meeting.json";
import enMeeting from "../../public/locales/en/meeting.json";
import zhProject from "../../public/locales/zh-CN/project.json";
import enProject from "../../public/locales/en/project.json";
import zhVote from "../../public/locales/zh-CN/vote.json";
import enVote from "../../public/locales/en/vote.json";
import zhAssist from "../../public/locales/zh-CN/assist.json";
import enAssist from "../../public/locales/en/assist.json";
import zhNeed from "../../public/locales/zh-CN/need.json";
import enNeed from "../../public/locales/en/need.json";
import zhNotice from "../../public/locales/zh-CN/notice.json";
import enNotice from "../../public/locales/en/notice.json";
import zhIndex from "../../public/locales/zh-CN/index.json";
import enIndex from "../../public/locales/en/index.json";
import zhOpenData from "../../public/locales/zh-CN/openData.json";
import enOpenData from "../../public/locales/en/openData.json";
import zhConversations from "../../public/locales/zh-CN/conversations.json";
import enConversations from "../../public/locales/en/conversations.json";

export const resources: Resource = {
  "zh-CN": {
    common: zhCommon,
    account: zhAccount,
    community: zhCommunity,
    permissions: zhPermissions,
    meeting: zhMeeting,
    project: zhProject,
    vote: zhVote,
    assist: zhAssist,
    need: zhNeed,
    notice: zhNotice,
    index: zhIndex,
    openData: zhOpenData,
    conversations: zhConversations,
  },
  en: {
    common: enCommon,
    account: enAccount,
    community: enCommunity,
    permissions: enPermissions,
    meeting: enMeeting,
    project: enProject,
    vote: enVote,
    assist: enAssist,
    need: enNeed,
    notice: enNotice,
    index: enIndex,
    openData: enOpenData,
    conversations: enConversations,
  },
};
