/** The Bitrix24 emulator: OAuth server, portals with REST, limits, events and a control API. */
export { startEmulator } from "./server";
export { Emulator, PortalHandle, ControlError, type PortalInfo, type PortalSettings, type EmulatorInfo } from "./handle";
export { createManualClock, createSystemClock, type Clock, type AdjustableClock } from "./clock";
export type { AppConfig, PortalConfig, EmulatorOptions, CostModel, Plan } from "./model";
export { DEFAULT_APP, DEFAULT_COST } from "./model";
export type { FaultConfig } from "./faults";
export type { RateLimit, OperatingLimit } from "./limits";
export type { TokenResponse } from "./engine";
export type { CountersSnapshot, PortalCounters } from "./counters";
export type { SentEvent } from "./events";
export { createPortalData, type PortalData } from "./store/portal-data";
export { ColumnarTable } from "./store/columnar-table";
export { buildPhpQuery, parsePhpQuery } from "./rest/php-query";
