import bcrypt from "bcryptjs";

const COST = Number(process.env.BCRYPT_COST ?? 11);

/** Hashes a password with bcrypt (salted, slow by design). */
export function hashPassword(password: string): Promise<string> {
  return bcrypt.hash(password, COST);
}

/** Compares in constant time. */
export function verifyPassword(password: string, hash: string): Promise<boolean> {
  return bcrypt.compare(password, hash);
}

/**
 * A hash to compare against when the e-mail is unknown, so a wrong e-mail costs as long as a wrong password and
 * sign-in timing reveals nothing about which accounts exist.
 */
export const DUMMY_HASH = bcrypt.hashSync("impact24-no-such-user", COST);
