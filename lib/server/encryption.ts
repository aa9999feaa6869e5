import crypto from "node:crypto";
import { getSecret } from "./secrets";

/**
 * AES-256-GCM for secrets at rest (portal tokens). The box is `v1:<iv>:<tag>:<data>` (base64): a random 96-bit IV
 * per encryption (NIST SP 800-38D), a 16-byte tag, and the caller's additional authenticated data binding the box to
 * its row and column, so a ciphertext copied to another row or column fails to decrypt instead of being accepted.
 * The version prefix leaves room for a key rotation scheme without guessing formats.
 */

const VERSION = "v1";
const IV_BYTES = 12;
const TAG_BYTES = 16;

export class DecryptionError extends Error {
  constructor(message = "the encrypted value cannot be decrypted (wrong key, wrong row, or tampered)") {
    super(message);
    this.name = "DecryptionError";
  }
}

/** The 32-byte key from TOKEN_ENCRYPTION_KEY (base64); a clear start-up error when it is malformed. */
export function tokenEncryptionKey(): Buffer {
  return parseKey(getSecret("TOKEN_ENCRYPTION_KEY"));
}

/** Decodes a base64 (or base64url) 32-byte key. */
export function parseKey(encoded: string): Buffer {
  const key = Buffer.from(encoded.trim(), encoded.includes("-") || encoded.includes("_") ? "base64url" : "base64");
  if (key.length !== 32) {
    throw new Error(`TOKEN_ENCRYPTION_KEY must be 32 bytes encoded in base64 (got ${key.length} bytes)`);
  }
  return key;
}

/** Encrypts `plaintext` bound to `aad` (e.g. "portal_connection:<id>:refresh_token"). */
export function encryptSecret(plaintext: string, aad: string, key: Buffer = tokenEncryptionKey()): string {
  const iv = crypto.randomBytes(IV_BYTES);
  const cipher = crypto.createCipheriv("aes-256-gcm", key, iv, { authTagLength: TAG_BYTES });
  cipher.setAAD(Buffer.from(aad, "utf8"));
  const data = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
  const tag = cipher.getAuthTag();
  return [VERSION, iv.toString("base64"), tag.toString("base64"), data.toString("base64")].join(":");
}

/** Decrypts a box made by `encryptSecret` with the same `aad`; throws DecryptionError otherwise. */
export function decryptSecret(box: string, aad: string, key: Buffer = tokenEncryptionKey()): string {
  const parts = box.split(":");
  if (parts.length !== 4 || parts[0] !== VERSION) throw new DecryptionError("unknown encrypted value format");
  const [, ivText, tagText, dataText] = parts;
  const iv = Buffer.from(ivText, "base64");
  const tag = Buffer.from(tagText, "base64");
  if (iv.length !== IV_BYTES || tag.length !== TAG_BYTES) throw new DecryptionError("malformed encrypted value");
  try {
    const decipher = crypto.createDecipheriv("aes-256-gcm", key, iv, { authTagLength: TAG_BYTES });
    decipher.setAAD(Buffer.from(aad, "utf8"));
    decipher.setAuthTag(tag);
    return Buffer.concat([decipher.update(Buffer.from(dataText, "base64")), decipher.final()]).toString("utf8");
  } catch {
    throw new DecryptionError();
  }
}
