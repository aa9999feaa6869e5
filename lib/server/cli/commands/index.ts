import type { CliCommand } from "../types";
import { apiKeyCreate, apiKeyList, apiKeyRevoke } from "./api-keys";
import { metricsRecompute } from "./metrics-recompute";
import { orgList } from "./org-list";
import { portalSync } from "./portal-sync";
import { userCreate } from "./user-create";

/** Every operator command, in the order `--help` lists them. */
export const COMMANDS: CliCommand[] = [userCreate, orgList, apiKeyCreate, apiKeyList, apiKeyRevoke, portalSync, metricsRecompute];
