/** Every REST method the emulator answers, by lower-case name. */
import type { MethodTable } from "../context";
import { bizprocMethods } from "./bizproc";
import { commonMethods } from "./common";
import { crmMethods } from "./crm";
import { eventMethods } from "./events";

export const METHODS: MethodTable = {
  ...commonMethods,
  ...crmMethods,
  ...eventMethods,
  ...bizprocMethods,
};
