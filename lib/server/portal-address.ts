import { AppError } from "./errors";

const LOOPBACK = new Set(["localhost", "127.0.0.1", "[::1]"]);
const HOST_LABEL = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/;

/**
 * Turns what a person typed as their portal's address ("acme.bitrix24.ru", "https://acme.bitrix24.ru/crm/deal/")
 * into the portal's origin ("https://acme.bitrix24.ru"). Only https, unless plain http is allowed for the local
 * emulator (then an address without a scheme on the loopback host means http). Throws a `validation` AppError on
 * the `field` with a `validation.*` key.
 */
export function normalisePortalAddress(input: unknown, allowInsecure: boolean, field = "portal"): string {
  const fail = (key: string): never => {
    throw new AppError("validation", { fields: { [field]: key } });
  };
  if (typeof input !== "string" || input.trim() === "") return fail("required");
  const text = input.trim();
  if (text.length > 300) return fail("tooLong");
  const hasScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(text);
  let url: URL;
  try {
    url = new URL(hasScheme ? text : `https://${text}`);
    if (!hasScheme && allowInsecure && LOOPBACK.has(url.hostname)) url = new URL(`http://${text}`);
  } catch {
    return fail("portalAddress");
  }
  if (url.protocol === "http:" && !allowInsecure) return fail("portalHttps");
  if (url.protocol !== "https:" && url.protocol !== "http:") return fail("portalAddress");
  if (url.username || url.password) return fail("portalAddress");
  const host = url.hostname.toLowerCase();
  const isLoopback = LOOPBACK.has(host);
  if (isLoopback) {
    if (!allowInsecure) return fail("portalAddress");
  } else {
    const labels = host.split(".");
    if (labels.length < 2 || !labels.every((label) => HOST_LABEL.test(label)) || /^\d+$/.test(labels.at(-1)!)) {
      return fail("portalAddress");
    }
  }
  return url.origin;
}
