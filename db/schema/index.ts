export * from "./core";
export * from "./portals";
export * from "./api-keys";
export * from "./mirror";
export * from "./sync";
export * from "./metrics";
