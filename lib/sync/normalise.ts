/**
 * Contact details reduced to a comparable form, so duplicate contacts and companies (SPEC §4, "integrator errors")
 * are found by equality: "+7 (912) 345-67-89", "8 912 345 67 89" and "79123456789" are one phone.
 */

/**
 * Digits only; an 11-digit number starting with 8 (Russian trunk prefix) is rewritten with 7. Returns null for
 * values with fewer than 5 digits (extensions, junk).
 */
export function normalisePhone(value: string): string | null {
  let digits = value.replace(/\D+/g, "");
  if (digits.length === 11 && digits.startsWith("8")) digits = `7${digits.slice(1)}`;
  return digits.length >= 5 ? digits : null;
}

/** Trimmed and lower-cased; null unless it looks like an address (something@something). */
export function normaliseEmail(value: string): string | null {
  const email = value.trim().toLowerCase();
  return /^[^\s@]+@[^\s@]+$/.test(email) ? email : null;
}

/**
 * Distinct normalised values in first-seen order. Bitrix24 leaves an empty multi-field out of the row, so a
 * missing list is an empty one (the sync always selects PHONE and EMAIL).
 */
export function normaliseAll(values: string[] | null | undefined, normalise: (v: string) => string | null): string[] {
  const out: string[] = [];
  if (!values) return out;
  for (const v of values) {
    const n = normalise(v);
    if (n !== null && !out.includes(n)) out.push(n);
  }
  return out;
}
