import { HEALTHY_CONFIG, HEALTHY_POST, PRE_GO_LIVE, period } from "./base";
import type { ProfileParams } from "./types";

/** The CRM pays off: conversion up, answers fast, shorter cycle, customers return, automation on, many channels. */
export const HEALTHY: ProfileParams = {
  profile: "healthy",
  summary: "Metrics clearly better after go-live: conversion up, response time down, cycle shorter, retention up.",
  config: HEALTHY_CONFIG,
  pre: PRE_GO_LIVE,
  post: HEALTHY_POST,
  late: period(HEALTHY_POST, {
    volume: 1.3,
    leadConv: 0.66,
    win: 0.53,
    lose: 0.44,
    cycleDays: 14,
    respMin: 8,
    returnProb: 0.72,
    dealSize: 1.2,
  }),
};
