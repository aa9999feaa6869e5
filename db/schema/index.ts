export * from "./core";
export * from "./portals";
export * from "./api-keys";
