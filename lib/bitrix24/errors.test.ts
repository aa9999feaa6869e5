import { describe, expect, it } from "vitest";
import {
  BITRIX24_ERROR_KINDS,
  Bitrix24Error,
  ERROR_ACTIONS,
  classifyOAuthError,
  classifyRestError,
  redactSecrets,
  type Bitrix24ErrorKind,
} from "./errors";
import { parseRestResponse } from "./http";
import { fixtureNames, fixtureText } from "./testing/fixtures";

function classifyFixture(name: string, status: number): Bitrix24Error {
  try {
    parseRestResponse({ status, headers: new Headers(), text: fixtureText(name) }, "test.method");
  } catch (err) {
    if (err instanceof Bitrix24Error) return err;
    throw err;
  }
  throw new Error(`${name} parsed as a success`);
}

describe("error fixtures", () => {
  // Statuses as documented next to each example (fixtures/README.md); the kind must not depend on them.
  const table: Array<[string, number, Bitrix24ErrorKind, string]> = [
    ["error-access-denied-application-context.json", 400, "access_denied", "ACCESS_DENIED"],
    ["error-access-denied.json", 403, "access_denied", "ACCESS_DENIED"],
    ["error-empty-code-access-denied.json", 400, "access_denied", ""],
    ["error-empty-code-filter-must-be-array.json", 400, "method_error", ""],
    ["error-empty-code-not-found.json", 400, "method_error", ""],
    ["error-event-not-found.json", 400, "method_error", "ERROR_EVENT_NOT_FOUND"],
    ["error-handler-already-exist.json", 400, "method_error", "ERROR_HANDLER_ALREADY_EXIST"],
    ["error-invalid-arg-value.json", 400, "method_error", "INVALID_ARG_VALUE"],
    ["error-invalid-credentials.json", 401, "access_denied", "INVALID_CREDENTIALS"],
    ["error-invalid-parameters.json", 400, "method_error", "Invalid parameters."],
    ["error-invalid-request-https-required.json", 400, "method_error", "INVALID_REQUEST"],
    ["error-not-found-item.json", 400, "method_error", "NOT_FOUND"],
    ["error-not-found-smart-process.json", 400, "method_error", "NOT_FOUND"],
    ["error-numeric-code-0.json", 400, "method_error", ""],
    [
      "error-rest-v3-validation.json",
      400,
      "method_error",
      "BITRIX_REST_V3_EXCEPTION_VALIDATION_REQUESTVALIDATIONEXCEPTION",
    ],
    ["error-wrong-auth-type.json", 403, "access_denied", "WRONG_AUTH_TYPE"],
    ["oauth-error-payment-required.json", 402, "payment_required", "PAYMENT_REQUIRED"],
  ];

  it("covers every error fixture", () => {
    const covered = table.map(([name]) => name).sort();
    expect(covered).toEqual([...fixtureNames("error-"), ...fixtureNames("oauth-error-")].sort());
  });

  it.each(table)("%s (HTTP %i) → %s", (name, status, kind, code) => {
    const err = classifyFixture(name, status);
    expect(err.kind).toBe(kind);
    expect(err.code).toBe(code);
    expect(err.status).toBe(status);
    expect(err.method).toBe("test.method");
  });

  it("keeps the meaning that only the description carries", () => {
    expect(classifyFixture("error-empty-code-not-found.json", 400).description).toBe("Not found");
    expect(classifyFixture("error-rest-v3-validation.json", 400).description).toBe("Error validating request object");
  });

  it("classifies the same body the same way under the other documented statuses", () => {
    expect(classifyFixture("error-invalid-credentials.json", 403).kind).toBe("access_denied");
    expect(classifyFixture("error-access-denied.json", 400).kind).toBe("access_denied");
    expect(classifyFixture("error-empty-code-not-found.json", 404).kind).toBe("method_error");
    expect(classifyFixture("error-empty-code-access-denied.json", 500).kind).toBe("access_denied");
  });
});

describe("classifyRestError: system errors (API.md §2)", () => {
  const table: Array<[number, string, string, Bitrix24ErrorKind]> = [
    [500, "INTERNAL_SERVER_ERROR", "Internal server error", "transient"],
    [500, "ERROR_UNEXPECTED_ANSWER", "Server returned an unexpected response", "transient"],
    [500, "PORTAL_DELETED", "Portal was deleted", "portal_deleted"],
    [503, "QUERY_LIMIT_EXCEEDED", "Too many requests", "rate_limited"],
    [503, "OVERLOAD_LIMIT", "REST API is blocked due to overload", "overload"],
    [405, "ERROR_BATCH_METHOD_NOT_ALLOWED", "Method is not allowed for batch usage", "method_error"],
    [400, "ERROR_BATCH_LENGTH_EXCEEDED", "Max batch length exceeded", "method_error"],
    [400, "INVALID_REQUEST", "Https required.", "method_error"],
    [401, "NO_AUTH_FOUND", "Wrong authorization data", "needs_reauth"],
    [401, "expired_token", "The access token provided has expired", "expired_token"],
    [401, "invalid_token", "The access token provided is invalid", "expired_token"],
    [401, "method_confirm_waiting", "Waiting for confirmation", "access_denied"],
    [401, "wrong_client", "Wrong client", "needs_reauth"],
    [401, "invalid_grant", "", "needs_reauth"],
    [401, "invalid_client", "", "needs_reauth"],
    [401, "ERROR_OAUTH", "Application not installed", "needs_reauth"],
    [403, "ACCESS_DENIED", "REST API is available only on commercial plans", "payment_required"],
    [403, "ACCESS_DENIED", "Access denied!", "access_denied"],
    [403, "INVALID_CREDENTIALS", "Invalid request credentials", "access_denied"],
    [403, "insufficient_scope", "The request requires higher privileges than provided", "insufficient_scope"],
    [403, "user_access_error", "", "access_denied"],
    [404, "ERROR_MANIFEST_IS_NOT_AVAILABLE", "Manifest is not available", "method_error"],
    [404, "ERROR_METHOD_NOT_FOUND", "Method not found!", "method_not_found"],
    [429, "OPERATION_TIME_LIMIT", "", "operating_limit"],
    [402, "PAYMENT_REQUIRED", "Payment required", "payment_required"],
    [502, "", "", "transient"],
    [504, "SOMETHING_NEW", "", "transient"],
    [401, "", "", "needs_reauth"],
    [403, "", "", "access_denied"],
    [418, "SOMETHING_NEW", "", "method_error"],
  ];
  it.each(table)("%i %s → %s", (status, code, description, kind) => {
    expect(classifyRestError({ status, code, description })).toBe(kind);
  });
});

describe("classifyOAuthError", () => {
  const table: Array<[number, string, Bitrix24ErrorKind]> = [
    [400, "invalid_grant", "needs_reauth"],
    [400, "bad_verification_code", "needs_reauth"],
    [401, "invalid_client", "app_not_installed"],
    [400, "wrong_client", "needs_reauth"],
    [402, "PAYMENT_REQUIRED", "payment_required"],
    [200, "PAYMENT_REQUIRED", "payment_required"],
    [400, "invalid_scope", "insufficient_scope"],
    [400, "insufficient_scope", "insufficient_scope"],
    [400, "invalid_request", "method_error"],
    [404, "", "portal_deleted"],
    [502, "", "transient"],
  ];
  it.each(table)("%i %s → %s", (status, code, kind) => {
    expect(classifyOAuthError({ status, code })).toBe(kind);
  });
});

describe("Bitrix24Error", () => {
  it("maps every kind to an action", () => {
    for (const kind of BITRIX24_ERROR_KINDS) expect(ERROR_ACTIONS[kind]).toBeTruthy();
    expect(new Bitrix24Error({ kind: "overload" }).action).toBe("halt_portal");
    expect(new Bitrix24Error({ kind: "operating_limit" }).action).toBe("pause_method");
    expect(new Bitrix24Error({ kind: "expired_token" }).action).toBe("refresh_and_retry");
  });

  it("never carries tokens in its message", () => {
    const err = new Bitrix24Error({
      kind: "transient",
      description: "GET https://x/oauth/token/?grant_type=refresh_token&refresh_token=abc123&client_secret=s3cr3t",
    });
    expect(err.message).not.toContain("abc123");
    expect(err.message).not.toContain("s3cr3t");
    expect(redactSecrets('{"auth":"tok","access_token":"tok2"}')).toBe('{"auth":"***","access_token":"***"}');
  });
});
