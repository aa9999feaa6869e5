import crypto from "node:crypto";
import { describe, expect, it } from "vitest";
import { DecryptionError, decryptSecret, encryptSecret, parseKey } from "./encryption";

const key = crypto.randomBytes(32);
const aad = "portal_connection:11111111-1111-4111-8111-111111111111:refresh_token";

describe("token encryption (AES-256-GCM with additional data)", () => {
  it("round-trips, with a fresh IV every time", () => {
    const a = encryptSecret("secret-token-value", aad, key);
    const b = encryptSecret("secret-token-value", aad, key);
    expect(a).not.toBe(b);
    expect(a).toMatch(/^v1:[A-Za-z0-9+/=]+:[A-Za-z0-9+/=]+:[A-Za-z0-9+/=]+$/);
    expect(a).not.toContain("secret-token-value");
    expect(decryptSecret(a, aad, key)).toBe("secret-token-value");
    expect(decryptSecret(b, aad, key)).toBe("secret-token-value");
    const [, iv, tag] = a.split(":");
    expect(Buffer.from(iv, "base64")).toHaveLength(12);
    expect(Buffer.from(tag, "base64")).toHaveLength(16);
  });

  it("refuses a ciphertext moved to another connection or column", () => {
    const box = encryptSecret("secret", aad, key);
    expect(() => decryptSecret(box, aad.replace("1111-4111", "2222-4222"), key)).toThrow(DecryptionError);
    expect(() => decryptSecret(box, aad.replace("refresh_token", "access_token"), key)).toThrow(DecryptionError);
  });

  it("refuses tampered data, tag or IV, and the wrong key", () => {
    const box = encryptSecret("secret", aad, key);
    const [v, iv, tag, data] = box.split(":");
    const flip = (b64: string) => {
      const bytes = Buffer.from(b64, "base64");
      bytes[0] ^= 1;
      return bytes.toString("base64");
    };
    expect(() => decryptSecret([v, iv, tag, flip(data)].join(":"), aad, key)).toThrow(DecryptionError);
    expect(() => decryptSecret([v, iv, flip(tag), data].join(":"), aad, key)).toThrow(DecryptionError);
    expect(() => decryptSecret([v, flip(iv), tag, data].join(":"), aad, key)).toThrow(DecryptionError);
    expect(() => decryptSecret(box, aad, crypto.randomBytes(32))).toThrow(DecryptionError);
  });

  it("refuses unknown formats", () => {
    const box = encryptSecret("secret", aad, key);
    expect(() => decryptSecret(box.replace(/^v1/, "v2"), aad, key)).toThrow(/format/);
    expect(() => decryptSecret("plaintext", aad, key)).toThrow(DecryptionError);
  });

  it("needs a 32-byte key", () => {
    expect(parseKey(crypto.randomBytes(32).toString("base64"))).toHaveLength(32);
    expect(() => parseKey(crypto.randomBytes(16).toString("base64"))).toThrow(/32 bytes/);
  });
});
