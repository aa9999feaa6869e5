export * from "./core";
export * from "./portals";
