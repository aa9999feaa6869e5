import { describe, expect, it } from "vitest";
import { getTranslator } from "@/lib/i18n/messages";
import { LOCALES } from "@/lib/i18n/config";
import { describeAuditEntry } from "./describe-entry";

/** Every action the people-and-clients services record; each must read as a sentence in every language. */
const ACTIONS: Array<[string, Record<string, unknown>, string[]]> = [
  ["org.created", { name: "Acme" }, []],
  ["org.renamed", { from: "Old", to: "New" }, ["Old", "New"]],
  ["client.created", { name: "Romashka" }, ["Romashka"]],
  ["client.updated", { name: "Romashka", changes: { name: {}, baseCurrency: {} } }, ["Romashka"]],
  ["client.archived", { name: "Romashka", previousStatus: "active" }, ["Romashka"]],
  ["client.restored", { name: "Romashka", status: "active" }, ["Romashka"]],
  ["invitation.created", { email: "a@example.test", role: "analyst" }, ["a@example.test"]],
  ["invitation.resent", { email: "a@example.test", role: "analyst" }, ["a@example.test"]],
  ["invitation.revoked", { email: "a@example.test", role: "analyst" }, ["a@example.test"]],
  ["invitation.accepted_by_member", { invitedEmail: "a@example.test", role: "admin" }, ["a@example.test"]],
  ["member.joined", { invitedEmail: "a@example.test", role: "client_viewer" }, ["a@example.test"]],
  ["member.role_changed", { from: "sales", to: "admin" }, ["Bob"]],
  ["member.removed", { role: "sales" }, ["Bob"]],
  ["member.left", { role: "owner" }, []],
];

describe("audit entry sentences", () => {
  for (const locale of LOCALES) {
    const t = {
      audit: getTranslator(locale, "auditLog"),
      roles: getTranslator(locale, "members.roles"),
      fields: getTranslator(locale, "clients.fields"),
    };
    it.each(ACTIONS)(`${locale}: %s`, (action, details, mustContain) => {
      const { text } = describeAuditEntry({ action, details, targetUserName: "Bob" }, t);
      expect(text).not.toBe(action);
      expect(text).not.toMatch(/[{}]|—/);
      for (const part of mustContain) expect(text).toContain(part);
    });
  }

  it("translates roles and lists changed fields", () => {
    const t = {
      audit: getTranslator("en", "auditLog"),
      roles: getTranslator("en", "members.roles"),
      fields: getTranslator("en", "clients.fields"),
    };
    expect(describeAuditEntry({ action: "member.role_changed", details: { from: "sales", to: "client_viewer" }, targetUserName: "Bob" }, t).text).toBe(
      "Changed the role of Bob from Sales to Client viewer",
    );
    expect(
      describeAuditEntry({ action: "client.updated", details: { name: "R", changes: { baseCurrency: {}, goLiveDate: {} } }, targetUserName: null }, t),
    ).toEqual({ text: "Edited client R", extra: "Changed: Base currency, CRM go-live date" });
    // An action without a message shows its code rather than nothing.
    expect(describeAuditEntry({ action: "nothing.known", details: {}, targetUserName: null }, t).text).toBe("nothing.known");
    // A detail missing from an old entry reads as a dash instead of breaking the page.
    expect(describeAuditEntry({ action: "client.created", details: {}, targetUserName: null }, t).text).toBe("Created client —");
  });
});
