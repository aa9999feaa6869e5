import { describe, expect, it } from "vitest";
import { nonceMatches, signOAuthState, stateCookieName, STATE_TTL_SECONDS, verifyOAuthState } from "./oauth-state";

const secret = "test-secret-for-states";
const input = {
  kind: "user" as const,
  orgId: "0b5c7d5e-4b1e-4c7a-9a57-1f0e1c2d3e4f",
  clientId: "5e8f3c1a-2b4d-4e6f-8a9b-0c1d2e3f4a5b",
  userId: "9a8b7c6d-5e4f-4a3b-8c1d-0e9f8a7b6c5d",
  portal: "https://acme.bitrix24.ru",
};

describe("OAuth state", () => {
  it("verifies what it signed and carries org, client, user and portal", () => {
    const now = Date.UTC(2026, 0, 1);
    const { state, nonce, expiresAt } = signOAuthState(input, { now, secret });
    expect(expiresAt).toBe(now / 1000 + STATE_TTL_SECONDS);
    const result = verifyOAuthState(state, { now: now + 60_000, secret });
    expect(result).toEqual({ ok: true, state: { ...input, nonce, expiresAt } });
  });

  it("binds link states to the link", () => {
    const { state } = signOAuthState({ kind: "link", orgId: input.orgId, clientId: input.clientId, linkId: "l-1", portal: input.portal }, { secret });
    const result = verifyOAuthState(state, { secret });
    expect(result.ok && result.state.kind === "link" && result.state.linkId).toBe("l-1");
  });

  it.each([
    ["another user", (s: string) => {
      const [data, mac] = s.split(".");
      const body = JSON.parse(Buffer.from(data, "base64url").toString());
      body.u = "00000000-0000-4000-8000-000000000000";
      return `${Buffer.from(JSON.stringify(body)).toString("base64url")}.${mac}`;
    }],
    ["another client", (s: string) => {
      const [data, mac] = s.split(".");
      const body = JSON.parse(Buffer.from(data, "base64url").toString());
      body.c = "00000000-0000-4000-8000-000000000000";
      return `${Buffer.from(JSON.stringify(body)).toString("base64url")}.${mac}`;
    }],
    ["a flipped signature", (s: string) => s.slice(0, -2) + (s.endsWith("AA") ? "BB" : "AA")],
    ["no signature", (s: string) => s.split(".")[0]],
  ])("rejects a state tampered to %s", (_label, tamper) => {
    const { state } = signOAuthState(input, { secret });
    const result = verifyOAuthState(tamper(state), { secret });
    expect(result.ok).toBe(false);
  });

  it("rejects a state signed with another secret", () => {
    const { state } = signOAuthState(input, { secret: "other" });
    expect(verifyOAuthState(state, { secret })).toEqual({ ok: false, problem: "bad_signature" });
  });

  it("rejects an expired state", () => {
    const now = Date.UTC(2026, 0, 1);
    const { state } = signOAuthState(input, { now, secret });
    expect(verifyOAuthState(state, { now: now + (STATE_TTL_SECONDS - 1) * 1000, secret }).ok).toBe(true);
    expect(verifyOAuthState(state, { now: now + STATE_TTL_SECONDS * 1000, secret })).toEqual({ ok: false, problem: "expired" });
  });

  it.each([null, "", "garbage", "a.b.c", "x".repeat(3000)])("rejects malformed input %#", (state) => {
    expect(verifyOAuthState(state, { secret }).ok).toBe(false);
  });

  it("checks the browser's nonce cookie", () => {
    const { nonce } = signOAuthState(input, { secret });
    expect(stateCookieName(nonce)).toMatch(/^i24_oauth_[0-9a-f]{16}$/);
    expect(nonceMatches(nonce, nonce)).toBe(true);
    expect(nonceMatches(undefined, nonce)).toBe(false);
    expect(nonceMatches(`${nonce}x`, nonce)).toBe(false);
  });
});
