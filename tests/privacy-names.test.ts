/**
 * Privacy by default (issue 13, "Also"): a display name may not claim a role its owner does not
 * hold. One rule (app/domain/accounts/schemas.ts, `displayNameField`), wherever a name is set:
 * registering at /join and registering someone at the service window (/assist). No page changes
 * a display name after that.
 */
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { claimedRole, displayNameField, ROLE_WORDS } from "~/domain/accounts/schemas";
import { registerSchema } from "~/domain/assistance/schemas";
import { action as assistAction } from "~/routes/assist";
import { action as joinAction } from "~/routes/join";
import {
  cookieFor,
  makeCommitteeMember,
  makeCommunity,
  wholeDbSnapshot,
} from "./support/factories";
import { body, formRequest, run } from "./support/remix";

const refusedKey = (name: string) => {
  const r = displayNameField.safeParse(name);
  return r.success ? null : r.error.issues[0]!.message;
};

const IMPERSONATIONS = [
  "居委会",
  "东坡路居委会",
  "居委王姐",
  "社区委员会",
  "委员会主任老李",
  "李书记",
  "李主任",
  "王主任",
  "管理员",
  "管 理 员",
  "管·理·员",
  "管\u200b理员",
  "平台管理员",
  "官方",
  "六和官方",
  "客服小张",
  "平台",
  "网格员小陈",
  "街道办",
  "admin",
  "Admin",
  "ADMIN",
  "ａｄｍｉｎ",
  "Ａ Ｄ Ｍ Ｉ Ｎ",
  "A.d.m.i.n",
  "a-d-m-i-n",
  "a_d_m_i_n",
  "Administrator",
  "site moderator",
  "Committee",
  "c o m m i t t e e",
  "Official Liuhe",
  "staff",
  "Support",
  "support team",
  "S*t*a*f*f",
];

const NAMES = [
  "王阿姨",
  "张师傅",
  "陈大爷",
  "刘奶奶",
  "赵小川",
  "林晓",
  "李建国",
  "王秀英",
  "夕阳红志愿服务队",
  "欧阳娜娜",
  "周 老师",
  "Lin Xiao",
  "Mrs. Wang",
  "张三·李四",
];

describe("display names that claim a role", () => {
  it.each(IMPERSONATIONS)("refuses %j", (name) => {
    expect(refusedKey(name)).toBe("errors.displayNameRole");
  });

  it("refuses every role word however it is spaced, punctuated, cased or widened", () => {
    const filler = fc.constantFrom(" ", "\u3000", ".", "·", "-", "_", "*", "、", "\u200b", "");
    fc.assert(
      fc.property(
        fc.constantFrom(...ROLE_WORDS),
        fc.constantFrom("", "老", "小王"),
        fc.array(filler, { minLength: 30, maxLength: 30 }),
        fc.boolean(),
        fc.boolean(),
        (word, prefix, fills, upper, wide) => {
          let w = upper ? word.toUpperCase() : word;
          // Full-width Latin letters (Ａ = U+FF21), as a Chinese input method types them.
          if (wide)
            w = w.replace(/[A-Za-z]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 0xfee0));
          const spread = [...w].map((c, i) => c + fills[i]!).join("");
          expect(refusedKey(prefix + spread)).toBe("errors.displayNameRole");
        },
      ),
    );
  });

  it.each(NAMES)("keeps %j", (name) => {
    expect(refusedKey(name)).toBeNull();
  });

  it("keeps common Chinese names: a surname and a given name or a neighbourly title", () => {
    const surname = fc.constantFrom(..."王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐");
    const given = fc.constantFrom(
      "阿姨",
      "师傅",
      "大爷",
      "奶奶",
      "大伯",
      "老师",
      "秀英",
      "建国",
      "桂芳",
      "小川",
      "晓燕",
      "志明",
      "德福",
    );
    fc.assert(
      fc.property(surname, given, (s, g) => {
        expect(claimedRole(s + g)).toBeUndefined();
      }),
    );
  });

  it("is the same rule at the service window", () => {
    const r = registerSchema.safeParse({ displayName: "居委会 王主任", consent: "signed" });
    expect(r.success ? null : r.error.issues[0]!.message).toBe("errors.displayNameRole");
  });
});

interface Refused {
  errors: Record<string, { key: string }>;
  values: Record<string, string>;
}

describe("the forms that set a display name", () => {
  let helperCookie: string;
  beforeAll(async () => {
    const community = await makeCommunity("names");
    helperCookie = await cookieFor((await makeCommitteeMember(community)).userId!);
  });

  it("POST /join refuses a name that claims a role, keeps what was typed, writes nothing", async () => {
    const before = await wholeDbSnapshot();
    const res = await run(
      joinAction,
      formRequest("/join", {
        displayName: "ａｄｍｉｎ",
        login: "pretender",
        password: "a fine password",
        consent: "yes",
      }),
    );
    expect(res.status).toBe(400);
    const data = await body<Refused>(res);
    expect(data.errors.displayName!.key).toBe("errors.displayNameRole");
    expect(data.values.displayName).toBe("ａｄｍｉｎ");
    expect(await wholeDbSnapshot()).toEqual(before);
  });

  it("POST /assist (register) refuses it too, writing nothing", async () => {
    const before = await wholeDbSnapshot();
    const res = await run(
      assistAction,
      formRequest(
        "/assist",
        { intent: "register", displayName: "管 理 员", consent: "signed" },
        { cookie: helperCookie },
      ),
    );
    expect(res.status).toBe(400);
    const data = await body<Refused>(res);
    expect(data.errors.displayName!.key).toBe("errors.displayNameRole");
    expect(await wholeDbSnapshot()).toEqual(before);
  });

  it("a legitimate name still registers at /join", async () => {
    const res = await run(
      joinAction,
      formRequest("/join", {
        displayName: "王阿姨",
        login: "wangayi2",
        password: "a fine password",
        consent: "yes",
      }),
    );
    expect(res.status).toBe(302);
  });
});
