import { describe, expect, it } from "vitest";
import { loginSchema, maskPhone, parseLoginId, registrationSchema } from "./schemas";
import { fieldErrors } from "../validation";

const valid = { displayName: "王阿姨", login: "wangayi", password: "long enough", consent: "yes" };

function errorsOf(input: unknown) {
  const r = registrationSchema.safeParse(input);
  return r.success ? {} : fieldErrors(r.error);
}

describe("login ids", () => {
  it("tells mobile numbers from usernames", () => {
    expect(parseLoginId("13812345678")).toEqual({ kind: "phone", value: "13812345678" });
    expect(parseLoginId("138 1234 5678")).toEqual({ kind: "phone", value: "13812345678" });
    expect(parseLoginId("+86-138-1234-5678")).toEqual({ kind: "phone", value: "13812345678" });
    expect(parseLoginId("１３８１２３４５６７８")).toEqual({ kind: "phone", value: "13812345678" });
    expect(parseLoginId("WangAyi")).toEqual({ kind: "username", value: "wangayi" });
  });

  it("refuses what is neither", () => {
    expect(parseLoginId("12345")).toBeNull();
    expect(parseLoginId("23812345678")).toBeNull();
    expect(parseLoginId("ab")).toBeNull();
    expect(parseLoginId("1abc")).toBeNull();
    expect(parseLoginId("王阿姨")).toBeNull();
    expect(parseLoginId("a".repeat(33))).toBeNull();
  });

  it("masks phone numbers for others", () => {
    expect(maskPhone("13812345678")).toBe("138****5678");
  });
});

describe("registration", () => {
  it("accepts a valid form and trims the name", () => {
    const r = registrationSchema.parse({ ...valid, displayName: "  王阿姨 " });
    expect(r.displayName).toBe("王阿姨");
    expect(r.login).toEqual({ kind: "username", value: "wangayi" });
  });

  it("refuses empty, short, overlong and badly shaped fields with locale keys", () => {
    expect(errorsOf({ ...valid, displayName: "   " }).displayName?.key).toBe("errors.required");
    expect(errorsOf({ ...valid, displayName: "长".repeat(41) }).displayName).toEqual({
      key: "errors.tooLong",
      params: { max: 40 },
    });
    // Forty Chinese characters are forty, not eighty bytes or forty UTF-16 units of emoji.
    expect(errorsOf({ ...valid, displayName: "长".repeat(40) }).displayName).toBeUndefined();
    expect(errorsOf({ ...valid, displayName: "😀".repeat(40) }).displayName).toBeUndefined();
    expect(errorsOf({ ...valid, password: "short" }).password?.key).toBe(
      "account:errors.passwordShort",
    );
    expect(errorsOf({ ...valid, password: "x".repeat(129) }).password?.key).toBe("errors.tooLong");
    expect(errorsOf({ ...valid, login: "no" }).login?.key).toBe("account:errors.loginFormat");
    expect(errorsOf({ ...valid, login: "" }).login?.key).toBe("errors.required");
    expect(errorsOf({ ...valid, consent: undefined }).consent?.key).toBe(
      "account:errors.consentRequired",
    );
    expect(errorsOf({ ...valid, consent: "no" }).consent?.key).toBe(
      "account:errors.consentRequired",
    );
  });

  it("refuses wrong types: repeated fields, files, missing fields", () => {
    expect(errorsOf({ ...valid, displayName: ["a", "b"] }).displayName?.key).toBe(
      "errors.invalidType",
    );
    expect(errorsOf({ ...valid, password: { file: true, name: "x" } }).password?.key).toBe(
      "errors.invalidType",
    );
    expect(
      errorsOf({ login: "abc", password: "long enough", consent: "yes" }).displayName?.key,
    ).toBe("errors.required");
  });

  it("refuses ID card numbers and control characters in names", () => {
    expect(errorsOf({ ...valid, displayName: "王 33010219800101123X" }).displayName?.key).toBe(
      "errors.noIdNumbers",
    );
    expect(errorsOf({ ...valid, displayName: "a\u0007b" }).displayName?.key).toBe(
      "errors.invalidCharacters",
    );
    expect(errorsOf({ ...valid, displayName: "a\nb" }).displayName?.key).toBe("errors.singleLine");
  });
});

describe("login form", () => {
  it("needs a login and a password", () => {
    const r = loginSchema.safeParse({ login: "", password: "" });
    expect(r.success).toBe(false);
    if (!r.success) {
      const e = fieldErrors(r.error);
      expect(e.login?.key).toBe("errors.required");
      expect(e.password?.key).toBe("errors.required");
    }
  });
});
