import type { Role } from "@/db/schema";
import { AppError } from "./errors";

/** What each role may do. Reading is implied by membership; client viewers read only their client. */
const PERMISSIONS = {
  "org.manage": ["owner", "admin"],
  "members.manage": ["owner", "admin"],
  "audit.read": ["owner", "admin"],
  "clients.write": ["owner", "admin", "analyst"],
  "prospects.write": ["owner", "admin", "analyst", "sales"],
  "metrics.write": ["owner", "admin", "analyst"],
  "portals.connect": ["owner", "admin", "analyst", "sales"],
  "portals.sync": ["owner", "admin", "analyst"],
  "portfolio.read": ["owner", "admin", "analyst", "sales"],
} as const satisfies Record<string, readonly Role[]>;

export type Permission = keyof typeof PERMISSIONS;

export function can(role: Role, permission: Permission): boolean {
  return (PERMISSIONS[permission] as readonly Role[]).includes(role);
}

/** Throws `forbidden` unless the context's role has the permission. */
export function assertCan(ctx: { role: Role }, permission: Permission): void {
  if (!can(ctx.role, permission)) throw new AppError("forbidden");
}
