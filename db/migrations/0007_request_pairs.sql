CREATE TABLE "mirror_changes" (
	"org_id" uuid NOT NULL,
	"connection_id" uuid NOT NULL,
	"entity" text NOT NULL,
	"id" integer NOT NULL,
	"owner_type_id" smallint,
	"owner_id" integer,
	"occurred_at" timestamp with time zone,
	"logged_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "mirror_derived_states" (
	"org_id" uuid NOT NULL,
	"connection_id" uuid NOT NULL,
	"name" text NOT NULL,
	"version" integer NOT NULL,
	"refreshed_through" timestamp with time zone NOT NULL,
	CONSTRAINT "mirror_derived_states_pkey" PRIMARY KEY("org_id","connection_id","name")
);
--> statement-breakpoint
CREATE TABLE "mirror_request_pairs" (
	"org_id" uuid NOT NULL,
	"connection_id" uuid NOT NULL,
	"owner_type_id" smallint NOT NULL,
	"owner_id" integer NOT NULL,
	"requested_at" timestamp with time zone NOT NULL,
	"source" smallint NOT NULL,
	"activity_id" integer,
	"answered_at" timestamp with time zone,
	"first" boolean NOT NULL
);
--> statement-breakpoint
ALTER TABLE "mirror_derived_states" ADD CONSTRAINT "mirror_derived_states_org_id_orgs_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."orgs"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "mirror_derived_states" ADD CONSTRAINT "mirror_derived_states_connection_fk" FOREIGN KEY ("org_id","connection_id") REFERENCES "public"."portal_connections"("org_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "mirror_request_pairs" ADD CONSTRAINT "mirror_request_pairs_org_id_orgs_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."orgs"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "mirror_request_pairs" ADD CONSTRAINT "mirror_request_pairs_connection_fk" FOREIGN KEY ("org_id","connection_id") REFERENCES "public"."portal_connections"("org_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "mirror_changes_logged_idx" ON "mirror_changes" USING btree ("org_id","connection_id","logged_at");--> statement-breakpoint
CREATE INDEX "mirror_request_pairs_owner_idx" ON "mirror_request_pairs" USING btree ("org_id","connection_id","owner_type_id","owner_id");--> statement-breakpoint
CREATE INDEX "mirror_request_pairs_requested_idx" ON "mirror_request_pairs" USING btree ("org_id","connection_id","requested_at");--> statement-breakpoint
CREATE INDEX "mirror_activities_synced_idx" ON "mirror_activities" USING btree ("org_id","connection_id","synced_at");--> statement-breakpoint
CREATE INDEX "mirror_deal_stage_history_synced_idx" ON "mirror_deal_stage_history" USING btree ("org_id","connection_id","synced_at");--> statement-breakpoint
CREATE INDEX "mirror_deals_synced_idx" ON "mirror_deals" USING btree ("org_id","connection_id","synced_at");--> statement-breakpoint
CREATE INDEX "mirror_leads_synced_idx" ON "mirror_leads" USING btree ("org_id","connection_id","synced_at");--> statement-breakpoint
CREATE FUNCTION "mirror_log_deleted_activities"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO "mirror_changes" ("org_id", "connection_id", "entity", "id", "owner_type_id", "owner_id", "occurred_at", "logged_at")
  SELECT "org_id", "connection_id", 'activity', "id", "owner_type_id", "owner_id", least("created", "last_updated"), clock_timestamp() FROM gone
  WHERE EXISTS (SELECT 1 FROM "portal_connections" p WHERE p."org_id" = gone."org_id" AND p."id" = gone."connection_id");
  RETURN NULL;
END $$;--> statement-breakpoint
CREATE TRIGGER "mirror_activities_deleted" AFTER DELETE ON "mirror_activities"
  REFERENCING OLD TABLE AS gone FOR EACH STATEMENT EXECUTE FUNCTION "mirror_log_deleted_activities"();--> statement-breakpoint
CREATE FUNCTION "mirror_log_moved_activity"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO "mirror_changes" ("org_id", "connection_id", "entity", "id", "owner_type_id", "owner_id", "occurred_at", "logged_at")
  VALUES (OLD."org_id", OLD."connection_id", 'activity', OLD."id", OLD."owner_type_id", OLD."owner_id", least(OLD."created", OLD."last_updated"), clock_timestamp());
  RETURN NULL;
END $$;--> statement-breakpoint
CREATE TRIGGER "mirror_activities_moved" AFTER UPDATE ON "mirror_activities" FOR EACH ROW
  WHEN (OLD."owner_type_id" IS DISTINCT FROM NEW."owner_type_id" OR OLD."owner_id" IS DISTINCT FROM NEW."owner_id")
  EXECUTE FUNCTION "mirror_log_moved_activity"();--> statement-breakpoint
CREATE FUNCTION "mirror_log_deleted_leads"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO "mirror_changes" ("org_id", "connection_id", "entity", "id", "owner_type_id", "owner_id", "occurred_at", "logged_at")
  SELECT "org_id", "connection_id", 'lead', "id", 1, "id", least("date_create", "date_closed", "date_modify"), clock_timestamp() FROM gone
  WHERE EXISTS (SELECT 1 FROM "portal_connections" p WHERE p."org_id" = gone."org_id" AND p."id" = gone."connection_id");
  RETURN NULL;
END $$;--> statement-breakpoint
CREATE TRIGGER "mirror_leads_deleted" AFTER DELETE ON "mirror_leads"
  REFERENCING OLD TABLE AS gone FOR EACH STATEMENT EXECUTE FUNCTION "mirror_log_deleted_leads"();--> statement-breakpoint
CREATE FUNCTION "mirror_log_deleted_deals"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO "mirror_changes" ("org_id", "connection_id", "entity", "id", "owner_type_id", "owner_id", "occurred_at", "logged_at")
  SELECT "org_id", "connection_id", 'deal', "id", 2, "id", least("date_create", "moved_time", "date_modify"), clock_timestamp() FROM gone
  WHERE EXISTS (SELECT 1 FROM "portal_connections" p WHERE p."org_id" = gone."org_id" AND p."id" = gone."connection_id");
  RETURN NULL;
END $$;--> statement-breakpoint
CREATE TRIGGER "mirror_deals_deleted" AFTER DELETE ON "mirror_deals"
  REFERENCING OLD TABLE AS gone FOR EACH STATEMENT EXECUTE FUNCTION "mirror_log_deleted_deals"();
