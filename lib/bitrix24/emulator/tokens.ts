/**
 * Self-verifying OAuth tokens: the claims are packed into the token and signed, so an emulator restarted
 * with the same secret still accepts the tokens an app stored before the restart. What must be remembered
 * (used refresh tokens, expiries forced by tests) is kept by the OAuth server as small revocation state.
 */
import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";

export type TokenKind = "access" | "refresh";

export interface TokenClaims {
  kind: TokenKind;
  /** 32-bit key of the portal (derived from its member_id). */
  portalKey: number;
  /** Index of the app in the emulator's app list. */
  appIndex: number;
  userId: number;
  /** Unix seconds. */
  issuedAt: number;
  expiresAt: number;
  /** The portal's token epoch when issued; "expire all tokens" bumps the epoch. */
  epoch: number;
  /** The app's install generation on the portal when issued; reinstalling bumps it. */
  generation: number;
  /** Shared by the access and refresh token of one pair: rotating the refresh token revokes both. */
  nonce: number;
}

const PAYLOAD = 25;
const MAC = 7;

/** Signs and verifies tokens with one secret. */
export class TokenSigner {
  constructor(private readonly secret: string) {}

  sign(c: TokenClaims): string {
    const b = Buffer.alloc(PAYLOAD + MAC);
    b.writeUInt8(c.kind === "access" ? 1 : 2, 0);
    b.writeUInt32BE(c.portalKey >>> 0, 1);
    b.writeUInt8(c.appIndex & 0xff, 5);
    b.writeUInt32BE(c.userId >>> 0, 6);
    b.writeUInt32BE(c.issuedAt >>> 0, 10);
    b.writeUInt32BE(c.expiresAt >>> 0, 14);
    b.writeUInt8(c.epoch & 0xff, 18);
    b.writeUInt16BE(c.generation & 0xffff, 19);
    b.writeUInt32BE(c.nonce >>> 0, 21);
    this.mac(b.subarray(0, PAYLOAD)).copy(b, PAYLOAD);
    return b.toString("hex");
  }

  /** The claims of a well-formed, correctly signed token; null otherwise. */
  verify(token: string): TokenClaims | null {
    if (!/^[0-9a-f]+$/.test(token) || token.length !== (PAYLOAD + MAC) * 2) return null;
    const b = Buffer.from(token, "hex");
    if (!timingSafeEqual(this.mac(b.subarray(0, PAYLOAD)), b.subarray(PAYLOAD))) return null;
    const kind = b.readUInt8(0);
    if (kind !== 1 && kind !== 2) return null;
    return {
      kind: kind === 1 ? "access" : "refresh",
      portalKey: b.readUInt32BE(1),
      appIndex: b.readUInt8(5),
      userId: b.readUInt32BE(6),
      issuedAt: b.readUInt32BE(10),
      expiresAt: b.readUInt32BE(14),
      epoch: b.readUInt8(18),
      generation: b.readUInt16BE(19),
      nonce: b.readUInt32BE(21),
    };
  }

  /** A stable 32-hex-digit value derived from the secret (application tokens, member ids). */
  derive(label: string): string {
    return createHmac("sha256", this.secret).update(label).digest("hex").slice(0, 32);
  }

  private mac(payload: Buffer): Buffer {
    return createHmac("sha256", this.secret).update(payload).digest().subarray(0, MAC);
  }
}

/** A random 32-bit nonce. */
export function randomNonce(): number {
  return randomBytes(4).readUInt32BE(0);
}

/** A random lowercase code like the ones Bitrix24 issues (`avmocpghblyi01m3h42bljvqtyd19sw1`). */
export function randomCode(length = 32): string {
  const alphabet = "abcdefghijklmnopqrstuvwxyz0123456789";
  const bytes = randomBytes(length);
  let s = "";
  for (let i = 0; i < length; i++) s += alphabet[bytes[i] % alphabet.length];
  return s;
}

/** The 32-bit portal key embedded in tokens. */
export function portalKeyOf(memberId: string): number {
  return Number.parseInt(memberId.slice(0, 8), 16) >>> 0;
}
