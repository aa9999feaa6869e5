/** The Bitrix24 REST client: transport, OAuth, limiter contract, list export and typed transforms. No db, no next. */
export {
  BITRIX24_ERROR_KINDS,
  Bitrix24Error,
  ERROR_ACTIONS,
  classifyOAuthError,
  classifyRestError,
  isBitrix24Error,
  redactSecrets,
  type Bitrix24ErrorAction,
  type Bitrix24ErrorKind,
} from "./errors";
export { backoffDelay, systemRuntime, type FetchLike, type Runtime } from "./http";
export { createMemoryLimiter, type MemoryLimiter, type MemoryLimiterOptions, type OperatingTime, type RateLimiter } from "./limiter";
export {
  buildAuthorizeUrl,
  exchangeCode,
  oauthUrlFromServerEndpoint,
  portalOrigin,
  refreshTokens,
  type OAuthConfig,
  type OAuthTokens,
} from "./oauth";
export {
  MAX_BATCH_COMMANDS,
  createBitrix24Client,
  type BatchCommand,
  type BatchCommandResult,
  type BatchResponse,
  type Bitrix24Client,
  type CallResult,
  type ClientOptions,
  type EndpointChange,
  type PortalTokens,
  type TokenSource,
} from "./client";
export {
  PAGE_SIZE,
  formatFilterInstant,
  type ChangedSinceOptions,
  type ExportListOptions,
  type ExportPage,
  type IdPage,
  type ListIdsOptions,
} from "./list-export";
export { toBatchCommand, toPhpQuery } from "./php-query";
export { parseInstant, parseScope, type ResponseTime } from "./schemas";
export * from "./transforms";
export * from "./methods";
