import { describe, expect, it } from "vitest";
import { crmChangeOf, installEventPayload, parsePhpForm, portalEventPayload } from "./bitrix24-payloads";
import { hashClaimCode, newClaimCode, normaliseClaimCode } from "./claim-codes";
import { AppError } from "./errors";
import { normalisePortalAddress } from "./portal-address";

describe("portal address", () => {
  it.each([
    ["acme.bitrix24.ru", "https://acme.bitrix24.ru"],
    ["  https://Acme.Bitrix24.ru/crm/deal/list/ ", "https://acme.bitrix24.ru"],
    ["crm.example.com:8443", "https://crm.example.com:8443"],
  ])("normalises %s", (input, origin) => {
    expect(normalisePortalAddress(input, false)).toBe(origin);
  });

  it.each([
    ["", "required"],
    ["not a domain", "portalAddress"],
    ["localhost", "portalAddress"],
    ["http://acme.bitrix24.ru", "portalHttps"],
    ["ftp://acme.bitrix24.ru", "portalAddress"],
    ["https://user:pw@acme.bitrix24.ru", "portalAddress"],
    ["https://10.0.0.1", "portalAddress"],
    ["acme", "portalAddress"],
  ])("rejects %j with %s", (input, key) => {
    try {
      normalisePortalAddress(input, false);
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(AppError);
      expect((error as AppError).fields).toEqual({ portal: key });
    }
  });

  it("accepts plain http and the loopback host only when allowed (the emulator)", () => {
    expect(normalisePortalAddress("127.0.0.1:4301", true)).toBe("http://127.0.0.1:4301");
    expect(normalisePortalAddress("http://localhost:4301/", true)).toBe("http://localhost:4301");
    expect(normalisePortalAddress("http://acme.bitrix24.ru", true)).toBe("http://acme.bitrix24.ru");
    expect(() => normalisePortalAddress("127.0.0.1:4301", false)).toThrow(AppError);
  });
});

describe("claim codes", () => {
  it("are grouped, typable and normalise back", () => {
    const codes = new Set(Array.from({ length: 200 }, () => newClaimCode()));
    expect(codes.size).toBe(200);
    for (const code of codes) {
      expect(code).toMatch(/^[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{4}$/);
      expect(normaliseClaimCode(code.toLowerCase().replace("-", " "))).toBe(code.replace("-", ""));
    }
  });

  it("rejects what cannot be a code", () => {
    expect(normaliseClaimCode("ABCD-EFG")).toBeNull();
    expect(normaliseClaimCode("ABCD-EFG0")).toBeNull();
    expect(normaliseClaimCode("ABCD-EFGH-J")).toBeNull();
  });

  it("are stored as a keyed hash", () => {
    expect(hashClaimCode("ABCDEFGH", "k1")).toMatch(/^[0-9a-f]{64}$/);
    expect(hashClaimCode("ABCDEFGH", "k1")).not.toBe(hashClaimCode("ABCDEFGH", "k2"));
  });
});

describe("Bitrix24 form payloads", () => {
  const install =
    "event=ONAPPINSTALL&data%5BVERSION%5D=1&data%5BLANGUAGE_ID%5D=ru&ts=1696527000" +
    "&auth%5Bdomain%5D=x.bitrix24.com&auth%5Baccess_token%5D=s6p6eclrvim6da22ft9ch94ekreb52lv" +
    "&auth%5Brefresh_token%5D=4s386p3q0tr8dy89xvmt96234v3dljg8&auth%5Bexpires_in%5D=3600" +
    "&auth%5Bserver_endpoint%5D=https%3A%2F%2Foauth.bitrix.info%2Frest%2F" +
    "&auth%5Bclient_endpoint%5D=https%3A%2F%2Fx.bitrix24.com%2Frest%2F" +
    "&auth%5Bmember_id%5D=a223c6b3710f85df22e9377d6c4f7553&auth%5Bapplication_token%5D=51856fefc120afa4b628cc82d3935cce";

  it("parses PHP-style nesting", () => {
    const form = parsePhpForm(install)!;
    expect(form.event).toBe("ONAPPINSTALL");
    expect((form.auth as Record<string, string>).member_id).toBe("a223c6b3710f85df22e9377d6c4f7553");
    expect(installEventPayload.safeParse(form).success).toBe(true);
    expect(parsePhpForm("a[]=1&a[]=2")).toEqual({ a: { 0: "1", 1: "2" } });
  });

  it.each([
    ["bad percent-encoding", "event=%E0%A4%A"],
    ["too deep", "a[b][c][d][e][f]=1"],
    ["a key both value and object", "a=1&a[b]=2"],
    ["too many fields", Array.from({ length: 400 }, (_, i) => `f${i}=1`).join("&")],
  ])("rejects %s", (_label, body) => {
    expect(parsePhpForm(body)).toBeNull();
  });

  it("requires the auth block of an install", () => {
    const form = parsePhpForm(install.replace(/&auth%5Bapplication_token%5D=[^&]+/, ""))!;
    expect(installEventPayload.safeParse(form).success).toBe(false);
    expect(installEventPayload.safeParse({ ...parsePhpForm(install), event: "ONCRMDEALADD" }).success).toBe(false);
  });

  it("finds the record of a CRM event", () => {
    expect(crmChangeOf("ONCRMDEALDELETE", { FIELDS: { ID: "759" } })).toEqual({ entity: "deal", action: "delete", entityId: "759" });
    expect(crmChangeOf("ONCRMDEALMOVETOCATEGORY", { FIELDS: { ID: "7" } })).toEqual({ entity: "deal", action: "update", entityId: "7" });
    expect(crmChangeOf("ONCRMDEALADD", { FIELDS: { ID: "1; drop" } })).toBeNull();
    expect(crmChangeOf("ONCRMQUOTEADD", { FIELDS: { ID: "1" } })).toBeNull();
    const event = portalEventPayload.safeParse({
      event: "onCrmActivityAdd",
      data: { FIELDS: { ID: "999" } },
      auth: { member_id: "a223c6b3710f85df22e9377d6c4f7553", application_token: "51856fefc120afa4b628cc82d3935cce" },
    });
    expect(event.success && event.data.event).toBe("ONCRMACTIVITYADD");
  });
});
