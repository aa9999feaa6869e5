/**
 * The one error type of the product. Each code maps to an HTTP status and to a translated message under
 * `errors.<code>` in the message catalogues; services throw it, route handlers and actions translate it.
 */
export const ERROR_STATUS = {
  bad_request: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  gone: 410,
  validation: 422,
  rate_limited: 429,
  internal: 500,
  unavailable: 503,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;

export class AppError extends Error {
  readonly code: ErrorCode;
  /** Message key under `errors.` for the user; defaults to the code. */
  readonly messageKey: string;
  /** Field → message key under `validation.` (or a full key), for forms and 422 bodies. */
  readonly fields?: Record<string, string>;
  readonly params?: Record<string, string | number>;

  constructor(
    code: ErrorCode,
    options: { messageKey?: string; fields?: Record<string, string>; params?: Record<string, string | number>; cause?: unknown; message?: string } = {},
  ) {
    super(options.message ?? options.messageKey ?? code, { cause: options.cause });
    this.name = "AppError";
    this.code = code;
    this.messageKey = options.messageKey ?? code;
    this.fields = options.fields;
    this.params = options.params;
  }

  get status(): number {
    return ERROR_STATUS[this.code];
  }
}

export const notFound = () => new AppError("not_found");
export const forbidden = (messageKey = "forbidden") => new AppError("forbidden", { messageKey });

/** Throws not_found when the value is missing: `getXInOrg` helpers end with it. */
export function orNotFound<T>(value: T | undefined | null): T {
  if (value === undefined || value === null) throw notFound();
  return value;
}

export function isAppError(error: unknown): error is AppError {
  return error instanceof AppError;
}
