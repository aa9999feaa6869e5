/**
 * One error type for everything that can go wrong talking to Bitrix24, with a closed set of kinds. Each kind
 * implies one action for the caller (retry, pause a method, refresh, re-authorize, halt the portal, give up),
 * so sync code switches on `kind` instead of on raw codes that Bitrix24 spells inconsistently.
 *
 * Sources: API.md §2 (system errors), SYNC.md §2.2, the PHP SDK's ApiLevelErrorHandler.
 */

export const BITRIX24_ERROR_KINDS = [
  "rate_limited",
  "operating_limit",
  "expired_token",
  "needs_reauth",
  "portal_deleted",
  "payment_required",
  "app_not_installed",
  "overload",
  "access_denied",
  "insufficient_scope",
  "method_not_found",
  "transient",
  "malformed",
  "method_error",
] as const;

export type Bitrix24ErrorKind = (typeof BITRIX24_ERROR_KINDS)[number];

/** What the caller should do about an error of a given kind. */
export type Bitrix24ErrorAction =
  /** Portal-wide leaky bucket is full: wait, then send again. */
  | "wait_and_retry"
  /** This method's operating budget is spent: stop calling it until `operatingResetAt`; other methods go on. */
  | "pause_method"
  /** Access token expired: refresh once, then repeat the call. */
  | "refresh_and_retry"
  /** Tokens are dead (refresh token used or expired, app keys rejected): a portal admin must authorize again. */
  | "reauthorize"
  /** The portal cannot be served (deleted, unpaid, app removed, blocked): stop all work for it and alert. */
  | "halt_portal"
  /** Server or network hiccup: retry with exponential backoff, a bounded number of times. */
  | "retry_with_backoff"
  /** Retrying will not help: report it (permissions, scopes, bad parameters, unparseable answers). */
  | "fail";

export const ERROR_ACTIONS: Readonly<Record<Bitrix24ErrorKind, Bitrix24ErrorAction>> = {
  rate_limited: "wait_and_retry",
  operating_limit: "pause_method",
  expired_token: "refresh_and_retry",
  needs_reauth: "reauthorize",
  portal_deleted: "halt_portal",
  payment_required: "halt_portal",
  app_not_installed: "halt_portal",
  // OVERLOAD_LIMIT is a manual block that only Bitrix24 support lifts; retrying only prolongs it.
  overload: "halt_portal",
  access_denied: "fail",
  insufficient_scope: "fail",
  method_not_found: "fail",
  transient: "retry_with_backoff",
  malformed: "fail",
  method_error: "fail",
};

export interface Bitrix24ErrorInit {
  kind: Bitrix24ErrorKind;
  /** The `error` field as Bitrix24 sent it, stringified ("" when empty or 0), or a local code (TIMEOUT, NETWORK…). */
  code?: string;
  description?: string;
  /** HTTP status, absent for network failures and timeouts. */
  status?: number;
  /** REST method (or "oauth/token") the error belongs to. */
  method?: string;
  /** Unix seconds when the method's operating budget resets (429 OPERATION_TIME_LIMIT). */
  operatingResetAt?: number;
  /** For batch sub-command errors: the command key. */
  command?: string;
  cause?: unknown;
}

/** The one error thrown by the Bitrix24 client, OAuth helpers and transforms of HTTP answers. Carries no tokens. */
export class Bitrix24Error extends Error {
  readonly kind: Bitrix24ErrorKind;
  readonly code: string;
  readonly description: string;
  readonly status?: number;
  readonly method?: string;
  readonly operatingResetAt?: number;
  readonly command?: string;

  constructor(init: Bitrix24ErrorInit) {
    const code = init.code ?? "";
    const description = redactSecrets(init.description ?? "");
    const where = init.method ? `${init.method}${init.command ? `[${init.command}]` : ""}: ` : "";
    const status = init.status !== undefined ? ` (HTTP ${init.status})` : "";
    super(`${where}${init.kind}${code ? ` ${code}` : ""}${description ? ` — ${description}` : ""}${status}`, {
      cause: init.cause,
    });
    this.name = "Bitrix24Error";
    this.kind = init.kind;
    this.code = code;
    this.description = description;
    this.status = init.status;
    this.method = init.method;
    this.operatingResetAt = init.operatingResetAt;
    this.command = init.command;
  }

  /** The action this error's kind implies. */
  get action(): Bitrix24ErrorAction {
    return ERROR_ACTIONS[this.kind];
  }
}

/** Narrows an unknown thrown value to a Bitrix24Error, optionally of the given kinds. */
export function isBitrix24Error(err: unknown, ...kinds: Bitrix24ErrorKind[]): err is Bitrix24Error {
  return err instanceof Bitrix24Error && (kinds.length === 0 || kinds.includes(err.kind));
}

const REST_CODES: Record<string, Bitrix24ErrorKind> = {
  QUERY_LIMIT_EXCEEDED: "rate_limited",
  OPERATION_TIME_LIMIT: "operating_limit",
  EXPIRED_TOKEN: "expired_token",
  // The JS SDK refreshes on invalid_token too (abstract-http.ts `_isAuthError`).
  INVALID_TOKEN: "expired_token",
  INVALID_GRANT: "needs_reauth",
  NO_AUTH_FOUND: "needs_reauth",
  WRONG_CLIENT: "needs_reauth",
  INVALID_CLIENT: "needs_reauth",
  ERROR_OAUTH: "needs_reauth",
  PORTAL_DELETED: "portal_deleted",
  PAYMENT_REQUIRED: "payment_required",
  APPLICATION_NOT_FOUND: "app_not_installed",
  APP_NOT_INSTALLED: "app_not_installed",
  OVERLOAD_LIMIT: "overload",
  ACCESS_DENIED: "access_denied",
  // "The user whose access token was used lacks permissions" (_includes/system-errors.md).
  INVALID_CREDENTIALS: "access_denied",
  WRONG_AUTH_TYPE: "access_denied",
  USER_ACCESS_ERROR: "access_denied",
  ALLOWED_ONLY_INTRANET_USER: "access_denied",
  // The method waits for an admin to confirm it (PHP SDK Core.php); nothing to retry until then.
  METHOD_CONFIRM_WAITING: "access_denied",
  INSUFFICIENT_SCOPE: "insufficient_scope",
  INVALID_SCOPE: "insufficient_scope",
  ERROR_METHOD_NOT_FOUND: "method_not_found",
  INTERNAL_SERVER_ERROR: "transient",
  ERROR_UNEXPECTED_ANSWER: "transient",
};

/** The `error` field of an envelope normalised to a string: "" for "", 0, null; REST v3 objects give their `code`. */
export function normaliseErrorCode(error: unknown): { code: string; message?: string } {
  if (error === null || error === undefined || error === 0 || error === false) return { code: "" };
  if (typeof error === "string" || typeof error === "number") return { code: String(error) };
  if (typeof error === "object") {
    const o = error as { code?: unknown; message?: unknown };
    return {
      code: typeof o.code === "string" ? o.code : "",
      message: typeof o.message === "string" ? o.message : undefined,
    };
  }
  return { code: "" };
}

/**
 * Classifies a REST error envelope. Many method errors come as HTTP 400 with `error` "" or 0 and the meaning only
 * in the description (crm.deal.get "Not found", crm.contact.list "Access denied."), so the description is read
 * when the code says nothing; the HTTP status is the last resort.
 */
export function classifyRestError(input: { status?: number; code: string; description?: string }): Bitrix24ErrorKind {
  const code = input.code.trim().toUpperCase();
  const description = (input.description ?? "").toLowerCase();
  const known = REST_CODES[code];
  if (known === "access_denied" && /commercial plan/.test(description)) return "payment_required";
  if (known) return known;
  if (code === "" || /^\d+$/.test(code)) {
    if (/access denied/.test(description)) return "access_denied";
    if (description) return "method_error";
  }
  const status = input.status;
  if (status === undefined) return "method_error";
  if (status === 429) return "operating_limit";
  if (status === 402) return "payment_required";
  if (status >= 500) return "transient";
  if (status === 401 && code === "") return "needs_reauth";
  if (status === 403 && code === "") return "access_denied";
  return "method_error";
}

/**
 * Classifies an answer of the OAuth server (oauth.bitrix.info /oauth/token/). invalid_client there means the app
 * is not installed on the portal (our keys are the same for every portal, so a rejection for one portal is about
 * that portal); a 404 means the portal does not exist any more (PHP SDK handleOAuthError).
 */
export function classifyOAuthError(input: { status: number; code: string; description?: string }): Bitrix24ErrorKind {
  const code = input.code.trim().toLowerCase();
  switch (code) {
    case "invalid_grant":
    case "bad_verification_code":
    case "wrong_client":
      return "needs_reauth";
    case "invalid_client":
      return "app_not_installed";
    case "payment_required":
      return "payment_required";
    case "insufficient_scope":
    case "invalid_scope":
      return "insufficient_scope";
    case "portal_deleted":
      return "portal_deleted";
  }
  if (input.status === 404) return "portal_deleted";
  if (input.status === 402) return "payment_required";
  if (input.status >= 500) return "transient";
  return "method_error";
}

const SECRET_PARAMS = /((?:^|[?&\s"'{,])(?:auth|access_token|refresh_token|client_secret|code|AUTH_ID|REFRESH_ID)["']?\s*[=:]\s*["']?)([^&\s"',}]+)/gi;

/** Masks token-like parameters in URLs, form bodies and JSON snippets so they can be put in messages. */
export function redactSecrets(text: string): string {
  return text.replace(SECRET_PARAMS, (_m, prefix: string) => `${prefix}***`);
}
