/** REST error answers: `{"error": CODE, "error_description": TEXT}` with the HTTP status Bitrix24 uses. */

export class RestError extends Error {
  constructor(
    readonly status: number,
    /** Usually a code; "" or 0 for some legacy CRM errors, exactly as Bitrix24 sends them. */
    readonly code: string | number,
    readonly description: string,
    /** Extra keys for the body (e.g. a `time` block). */
    readonly extra: Record<string, unknown> = {},
  ) {
    super(`${code}: ${description}`);
  }

  body(): Record<string, unknown> {
    return { error: this.code, error_description: this.description, ...this.extra };
  }

  /** The counter key for this error. */
  get counterKey(): string {
    return this.code === "" || this.code === 0 ? `(${this.status}) ${this.description}` : String(this.code);
  }
}

export const restErrors = {
  noAuth: () => new RestError(401, "NO_AUTH_FOUND", "Wrong authorization data"),
  expiredToken: () => new RestError(401, "expired_token", "The access token provided has expired."),
  invalidToken: () => new RestError(401, "invalid_token", "The access token provided is invalid."),
  insufficientScope: () =>
    new RestError(403, "insufficient_scope", "The request requires higher privileges than provided by the access token."),
  methodNotFound: () => new RestError(404, "ERROR_METHOD_NOT_FOUND", "Method not found!"),
  queryLimit: () => new RestError(503, "QUERY_LIMIT_EXCEEDED", "Too many requests"),
  operationTimeLimit: (extra: Record<string, unknown>) =>
    new RestError(429, "OPERATION_TIME_LIMIT", "Method is blocked due to operation time limit.", extra),
  batchLength: () => new RestError(400, "ERROR_BATCH_LENGTH_EXCEEDED", "Max batch length exceeded"),
  batchMethodNotAllowed: () => new RestError(405, "ERROR_BATCH_METHOD_NOT_ALLOWED", "Method is not allowed for batch usage"),
  portalDeleted: () => new RestError(500, "PORTAL_DELETED", "Portal was deleted"),
  paymentRequired: () => new RestError(402, "PAYMENT_REQUIRED", "Payment required"),
  internal: () => new RestError(500, "INTERNAL_SERVER_ERROR", "Internal server error"),
  /** Legacy CRM errors: empty code, meaning in the description (error-empty-code-*.json). */
  crm: (description: string) => new RestError(400, "", description),
  notFound: () => new RestError(400, "", "Not found"),
  accessDenied: () => new RestError(403, "ACCESS_DENIED", "Access denied!"),
};
