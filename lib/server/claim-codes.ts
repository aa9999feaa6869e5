import crypto from "node:crypto";
import { getSecret } from "./secrets";

/**
 * Claim codes: shown in the portal after the app is installed from the Bitrix24 side, typed by an org member on
 * the client's page. Eight characters from an alphabet without look-alikes (no 0/O, 1/I/L), grouped XXXX-XXXX:
 * 40 bits, with claims rate-limited and codes expiring. Stored as an HMAC keyed by a server secret, so a leaked
 * table cannot be brute-forced offline the way a plain hash of 40 bits could.
 */

const ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ";
const LENGTH = 8;

/** How long a claim code can be used; reopening the app in the portal shows a fresh one. */
export const CLAIM_CODE_TTL_MS = 7 * 24 * 60 * 60 * 1000;

/** A new random code, formatted for display ("7KQ4-M2XZ"). */
export function newClaimCode(): string {
  let code = "";
  while (code.length < LENGTH) {
    // Rejection sampling keeps every character equally likely.
    const byte = crypto.randomBytes(1)[0];
    if (byte < 256 - (256 % ALPHABET.length)) code += ALPHABET[byte % ALPHABET.length];
  }
  return `${code.slice(0, 4)}-${code.slice(4)}`;
}

/** The canonical form of what someone typed: upper case, separators and spaces dropped; null if it cannot be a code. */
export function normaliseClaimCode(input: string): string | null {
  const code = input.toUpperCase().replace(/[\s\-_.]/g, "");
  if (code.length !== LENGTH) return null;
  for (const c of code) if (!ALPHABET.includes(c)) return null;
  return code;
}

/** What is stored for a code (the code must be normalised first). */
export function hashClaimCode(normalised: string, secret = getSecret("AUTH_SECRET")): string {
  const key = crypto.createHmac("sha256", secret).update("impact24:claim-code:v1").digest();
  return crypto.createHmac("sha256", key).update(normalised).digest("hex");
}
