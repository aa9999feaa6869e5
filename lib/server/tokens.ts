import crypto from "node:crypto";

/** A random URL-safe token for links sent by e-mail (invitations, password resets, connect links). */
export function newToken(bytes = 32): string {
  return crypto.randomBytes(bytes).toString("base64url");
}

/** How link tokens are stored: only their SHA-256, so a database leak reveals no usable link. */
export function hashToken(token: string): string {
  return crypto.createHash("sha256").update(token).digest("hex");
}
