import type { CliCommand } from "../types";
import { orgList } from "./org-list";
import { userCreate } from "./user-create";

/** Every operator command, in the order `--help` lists them. */
export const COMMANDS: CliCommand[] = [userCreate, orgList];
