ALTER TABLE "sync_cursors" DROP COLUMN "window_max_seen";--> statement-breakpoint
ALTER TABLE "portal_rate_buckets" SET UNLOGGED;--> statement-breakpoint
ALTER TABLE "portal_method_budgets" SET UNLOGGED;