CREATE TYPE "public"."sync_kind" AS ENUM('full', 'incremental');--> statement-breakpoint
CREATE TYPE "public"."sync_run_status" AS ENUM('queued', 'running', 'succeeded', 'failed', 'cancelled');--> statement-breakpoint
CREATE TABLE "mirror_activities" (
	"org_id" uuid NOT NULL,
	"connection_id" uuid NOT NULL,
	"id" integer NOT NULL,
	"owner_type_id" smallint,
	"owner_id" integer,
	"type_id" smallint,
	"provider_id" text,
	"provider_type_id" text,
	"subject" text,
	"created" timestamp with time zone,
	"last_updated" timestamp with time zone,
	"start_time" timestamp with time zone,
	"end_time" timestamp with time zone,
	"deadline" timestamp with time zone,
	"completed" boolean,
	"status" smallint,
	"direction" smallint,
	"priority" smallint,
	"responsible_id" integer,
	"author_id" integer,
	"editor_id" integer,
	"autocomplete_rule" smallint,
	"synced_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "mirror_activities_pkey" PRIMARY KEY("org_id","connection_id","id")
);
--> statement-breakpoint
CREATE TABLE "mirror_categories" (
	"org_id" uuid NOT NULL,
	"connection_id" uuid NOT NULL,
	"entity_type_id" integer DEFAULT 2 NOT NULL,
	"id" integer NOT NULL,
	"name" text,
	"sort" integer,
	"is_default" boolean,
	"synced_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "mirror_categories_pkey" PRIMARY KEY("org_id","connection_id","entity_type_id","id")
);
--> statement-breakpoint
CREATE TABLE "mirror_companies" (
	"org_id" uuid NOT NULL,
	"connection_id" uuid NOT NULL,
	"id" integer NOT NULL,
	"title" text,
	"company_type" text,
	"industry" text,
	"assigned_by_id" integer,
	"created_by_id" integer,
	"date_create" timestamp with time zone,
	"date_modify" timestamp with time zone,
	"has_phone" boolean,
	"has_email" boolean,
	"opened" boolean,
	"phones" text[],
	"emails" text[],
	"uf" jsonb,
	"synced_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "mirror_companies_pkey" PRIMARY KEY("org_id","connection_id","id")
);
--> statement-breakpoint
CREATE TABLE "mirror_contacts" (
	"org_id" uuid NOT NULL,
	"connection_id" uuid NOT NULL,
	"id" integer NOT NULL,
	"name" text,
	"last_name" text,
	"type_id" text,
	"source_id" text,
	"company_id" integer,
	"assigned_by_id" integer,
	"created_by_id" integer,
	"date_create" timestamp with time zone,
	"date_modify" timestamp with time zone,
	"has_phone" boolean,
	"has_email" boolean,
	"opened" boolean,
	"export" boolean,
	"phones" text[],
	"emails" text[],
	"uf" jsonb,
	"synced_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "mirror_contacts_pkey" PRIMARY KEY("org_id","connection_id","id")
);
--> statement-breakpoint
CREATE TABLE "mirror_currencies" (
	"org_id" uuid NOT NULL,
	"connection_id" uuid NOT NULL,
	"currency" text NOT NULL,
	"amount_cnt" numeric,
	"amount" numeric,
	"base" boolean,
	"sort" integer,
	"full_name" text,
	"synced_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "mirror_currencies_pkey" PRIMARY KEY("org_id","connection_id","currency")
);
--> statement-breakpoint
CREATE TABLE "mirror_deal_stage_history" (
	"org_id" uuid NOT NULL,
	"connection_id" uuid NOT NULL,
	"id" integer NOT NULL,
	"type_id" smallint,
	"owner_id" integer,
	"created_time" timestamp with time zone,
	"category_id" integer,
	"stage_id" text,
	"stage_semantic_id" text,
	"synced_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "mirror_deal_stage_history_pkey" PRIMARY KEY("org_id","connection_id","id")
);
--> statement-breakpoint
CREATE TABLE "mirror_deals" (
	"org_id" uuid NOT NULL,
	"connection_id" uuid NOT NULL,
	"id" integer NOT NULL,
	"title" text,
	"type_id" text,
	"category_id" integer,
	"stage_id" text,
	"stage_semantic_id" text,
	"closed" boolean,
	"probability" integer,
	"opportunity" numeric(20, 2),
	"currency_id" text,
	"is_manual_opportunity" boolean,
	"lead_id" integer,
	"contact_id" integer,
	"company_id" integer,
	"begin_date" date,
	"close_date" date,
	"date_create" timestamp with time zone,
	"date_modify" timestamp with time zone,
	"moved_time" timestamp with time zone,
	"moved_by_id" integer,
	"assigned_by_id" integer,
	"created_by_id" integer,
	"modify_by_id" integer,
	"opened" boolean,
	"is_new" boolean,
	"is_return_customer" boolean,
	"is_repeated_approach" boolean,
	"is_recurring" boolean,
	"source_id" text,
	"utm_source" text,
	"utm_medium" text,
	"utm_campaign" text,
	"utm_content" text,
	"utm_term" text,
	"last_activity_time" timestamp with time zone,
	"uf" jsonb,
	"synced_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "mirror_deals_pkey" PRIMARY KEY("org_id","connection_id","id")
);
--> statement-breakpoint
CREATE TABLE "mirror_lead_stage_history" (
	"org_id" uuid NOT NULL,
	"connection_id" uuid NOT NULL,
	"id" integer NOT NULL,
	"type_id" smallint,
	"owner_id" integer,
	"created_time" timestamp with time zone,
	"status_id" text,
	"status_semantic_id" text,
	"synced_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "mirror_lead_stage_history_pkey" PRIMARY KEY("org_id","connection_id","id")
);
--> statement-breakpoint
CREATE TABLE "mirror_leads" (
	"org_id" uuid NOT NULL,
	"connection_id" uuid NOT NULL,
	"id" integer NOT NULL,
	"title" text,
	"name" text,
	"last_name" text,
	"company_title" text,
	"status_id" text,
	"status_semantic_id" text,
	"source_id" text,
	"opportunity" numeric(20, 2),
	"currency_id" text,
	"assigned_by_id" integer,
	"created_by_id" integer,
	"modify_by_id" integer,
	"moved_by_id" integer,
	"date_create" timestamp with time zone,
	"date_modify" timestamp with time zone,
	"date_closed" timestamp with time zone,
	"moved_time" timestamp with time zone,
	"contact_id" integer,
	"company_id" integer,
	"is_return_customer" boolean,
	"has_phone" boolean,
	"has_email" boolean,
	"has_imol" boolean,
	"opened" boolean,
	"utm_source" text,
	"utm_medium" text,
	"utm_campaign" text,
	"utm_content" text,
	"utm_term" text,
	"last_activity_time" timestamp with time zone,
	"phones" text[],
	"emails" text[],
	"uf" jsonb,
	"synced_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "mirror_leads_pkey" PRIMARY KEY("org_id","connection_id","id")
);
--> statement-breakpoint
CREATE TABLE "mirror_statuses" (
	"org_id" uuid NOT NULL,
	"connection_id" uuid NOT NULL,
	"id" integer NOT NULL,
	"entity_id" text NOT NULL,
	"status_id" text NOT NULL,
	"name" text,
	"name_init" text,
	"sort" integer,
	"system" boolean,
	"category_id" integer,
	"color" text,
	"semantics" text,
	"semantic_id" text,
	"synced_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "mirror_statuses_pkey" PRIMARY KEY("org_id","connection_id","id")
);
--> statement-breakpoint
CREATE TABLE "mirror_user_fields" (
	"org_id" uuid NOT NULL,
	"connection_id" uuid NOT NULL,
	"id" integer NOT NULL,
	"entity_id" text NOT NULL,
	"field_name" text NOT NULL,
	"user_type_id" text,
	"mandatory" boolean,
	"label" text,
	"synced_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "mirror_user_fields_pkey" PRIMARY KEY("org_id","connection_id","id")
);
--> statement-breakpoint
CREATE TABLE "mirror_users" (
	"org_id" uuid NOT NULL,
	"connection_id" uuid NOT NULL,
	"id" integer NOT NULL,
	"active" boolean,
	"name" text,
	"last_name" text,
	"email" text,
	"work_position" text,
	"user_type" text,
	"departments" integer[],
	"date_register" timestamp with time zone,
	"last_login" timestamp with time zone,
	"is_online" boolean,
	"synced_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "mirror_users_pkey" PRIMARY KEY("org_id","connection_id","id")
);
--> statement-breakpoint
CREATE TABLE "mirror_workflow_templates" (
	"org_id" uuid NOT NULL,
	"connection_id" uuid NOT NULL,
	"id" integer NOT NULL,
	"module_id" text,
	"entity" text,
	"document_type" text[],
	"auto_execute" smallint,
	"name" text,
	"modified" timestamp with time zone,
	"user_id" integer,
	"system_code" text,
	"synced_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "mirror_workflow_templates_pkey" PRIMARY KEY("org_id","connection_id","id")
);
--> statement-breakpoint
CREATE TABLE "org_sync_settings" (
	"org_id" uuid PRIMARY KEY NOT NULL,
	"interval_minutes" integer DEFAULT 60 NOT NULL,
	"schedule_enabled" boolean DEFAULT true NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "portal_method_budgets" (
	"portal_key" text NOT NULL,
	"method" text NOT NULL,
	"operating" double precision,
	"operating_reset_at" timestamp with time zone,
	"paused_until" timestamp with time zone,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "portal_method_budgets_portal_key_method_pk" PRIMARY KEY("portal_key","method")
);
--> statement-breakpoint
CREATE TABLE "portal_rate_buckets" (
	"portal_key" text PRIMARY KEY NOT NULL,
	"level" double precision DEFAULT 0 NOT NULL,
	"drained_at" timestamp with time zone DEFAULT now() NOT NULL,
	"backoff_until" timestamp with time zone DEFAULT now() NOT NULL,
	"granted" bigint DEFAULT 0 NOT NULL
);
--> statement-breakpoint
CREATE TABLE "sync_cursors" (
	"org_id" uuid NOT NULL,
	"connection_id" uuid NOT NULL,
	"entity" text NOT NULL,
	"backfill_last_id" bigint DEFAULT 0 NOT NULL,
	"backfill_started_at" timestamp with time zone,
	"backfill_done_at" timestamp with time zone,
	"watermark" timestamp with time zone,
	"window_start" timestamp with time zone,
	"window_last_id" bigint,
	"window_max_seen" timestamp with time zone,
	"reconciled_at" timestamp with time zone,
	"reconcile_last_id" bigint,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "sync_cursors_org_id_connection_id_entity_pk" PRIMARY KEY("org_id","connection_id","entity")
);
--> statement-breakpoint
CREATE TABLE "sync_leases" (
	"org_id" uuid NOT NULL,
	"connection_id" uuid NOT NULL,
	"run_id" uuid,
	"holder" text,
	"expires_at" timestamp with time zone,
	CONSTRAINT "sync_leases_org_id_connection_id_pk" PRIMARY KEY("org_id","connection_id")
);
--> statement-breakpoint
CREATE TABLE "sync_progress" (
	"org_id" uuid NOT NULL,
	"run_id" uuid NOT NULL,
	"entity" text NOT NULL,
	"status" text DEFAULT 'pending' NOT NULL,
	"phase" text,
	"rows_fetched" bigint DEFAULT 0 NOT NULL,
	"rows_total" bigint,
	"rows_deleted" bigint DEFAULT 0 NOT NULL,
	"requests" integer DEFAULT 0 NOT NULL,
	"rate" double precision,
	"eta_seconds" integer,
	"started_at" timestamp with time zone,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"finished_at" timestamp with time zone,
	"error" text,
	CONSTRAINT "sync_progress_org_id_run_id_entity_pk" PRIMARY KEY("org_id","run_id","entity")
);
--> statement-breakpoint
CREATE TABLE "sync_runs" (
	"org_id" uuid NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"connection_id" uuid NOT NULL,
	"kind" "sync_kind" NOT NULL,
	"status" "sync_run_status" DEFAULT 'queued' NOT NULL,
	"reason" text NOT NULL,
	"requested_by" uuid,
	"queued_at" timestamp with time zone DEFAULT now() NOT NULL,
	"started_at" timestamp with time zone,
	"finished_at" timestamp with time zone,
	"attempts" integer DEFAULT 0 NOT NULL,
	"error_code" text,
	"error" text,
	"stats" jsonb DEFAULT '{}'::jsonb NOT NULL,
	CONSTRAINT "sync_runs_org_id_id_pk" PRIMARY KEY("org_id","id")
);
--> statement-breakpoint
ALTER TABLE "mirror_activities" ADD CONSTRAINT "mirror_activities_org_id_orgs_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."orgs"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "mirror_activities" ADD CONSTRAINT "mirror_activities_connection_fk" FOREIGN KEY ("org_id","connection_id") REFERENCES "public"."portal_connections"("org_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "mirror_categories" ADD CONSTRAINT "mirror_categories_org_id_orgs_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."orgs"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "mirror_categories" ADD CONSTRAINT "mirror_categories_connection_fk" FOREIGN KEY ("org_id","connection_id") REFERENCES "public"."portal_connections"("org_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "mirror_companies" ADD CONSTRAINT "mirror_companies_org_id_orgs_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."orgs"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "mirror_companies" ADD CONSTRAINT "mirror_companies_connection_fk" FOREIGN KEY ("org_id","connection_id") REFERENCES "public"."portal_connections"("org_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "mirror_contacts" ADD CONSTRAINT "mirror_contacts_org_id_orgs_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."orgs"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "mirror_contacts" ADD CONSTRAINT "mirror_contacts_connection_fk" FOREIGN KEY ("org_id","connection_id") REFERENCES "public"."portal_connections"("org_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "mirror_currencies" ADD CONSTRAINT "mirror_currencies_org_id_orgs_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."orgs"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "mirror_currencies" ADD CONSTRAINT "mirror_currencies_connection_fk" FOREIGN KEY ("org_id","connection_id") REFERENCES "public"."portal_connections"("org_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "mirror_deal_stage_history" ADD CONSTRAINT "mirror_deal_stage_history_org_id_orgs_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."orgs"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "mirror_deal_stage_history" ADD CONSTRAINT "mirror_deal_stage_history_connection_fk" FOREIGN KEY ("org_id","connection_id") REFERENCES "public"."portal_connections"("org_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "mirror_deals" ADD CONSTRAINT "mirror_deals_org_id_orgs_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."orgs"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "mirror_deals" ADD CONSTRAINT "mirror_deals_connection_fk" FOREIGN KEY ("org_id","connection_id") REFERENCES "public"."portal_connections"("org_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "mirror_lead_stage_history" ADD CONSTRAINT "mirror_lead_stage_history_org_id_orgs_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."orgs"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "mirror_lead_stage_history" ADD CONSTRAINT "mirror_lead_stage_history_connection_fk" FOREIGN KEY ("org_id","connection_id") REFERENCES "public"."portal_connections"("org_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "mirror_leads" ADD CONSTRAINT "mirror_leads_org_id_orgs_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."orgs"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "mirror_leads" ADD CONSTRAINT "mirror_leads_connection_fk" FOREIGN KEY ("org_id","connection_id") REFERENCES "public"."portal_connections"("org_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "mirror_statuses" ADD CONSTRAINT "mirror_statuses_org_id_orgs_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."orgs"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "mirror_statuses" ADD CONSTRAINT "mirror_statuses_connection_fk" FOREIGN KEY ("org_id","connection_id") REFERENCES "public"."portal_connections"("org_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "mirror_user_fields" ADD CONSTRAINT "mirror_user_fields_org_id_orgs_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."orgs"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "mirror_user_fields" ADD CONSTRAINT "mirror_user_fields_connection_fk" FOREIGN KEY ("org_id","connection_id") REFERENCES "public"."portal_connections"("org_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "mirror_users" ADD CONSTRAINT "mirror_users_org_id_orgs_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."orgs"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "mirror_users" ADD CONSTRAINT "mirror_users_connection_fk" FOREIGN KEY ("org_id","connection_id") REFERENCES "public"."portal_connections"("org_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "mirror_workflow_templates" ADD CONSTRAINT "mirror_workflow_templates_org_id_orgs_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."orgs"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "mirror_workflow_templates" ADD CONSTRAINT "mirror_workflow_templates_connection_fk" FOREIGN KEY ("org_id","connection_id") REFERENCES "public"."portal_connections"("org_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "org_sync_settings" ADD CONSTRAINT "org_sync_settings_org_id_orgs_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."orgs"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sync_cursors" ADD CONSTRAINT "sync_cursors_org_id_connection_id_portal_connections_org_id_id_fk" FOREIGN KEY ("org_id","connection_id") REFERENCES "public"."portal_connections"("org_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sync_leases" ADD CONSTRAINT "sync_leases_org_id_connection_id_portal_connections_org_id_id_fk" FOREIGN KEY ("org_id","connection_id") REFERENCES "public"."portal_connections"("org_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sync_progress" ADD CONSTRAINT "sync_progress_org_id_run_id_sync_runs_org_id_id_fk" FOREIGN KEY ("org_id","run_id") REFERENCES "public"."sync_runs"("org_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sync_runs" ADD CONSTRAINT "sync_runs_org_id_orgs_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."orgs"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sync_runs" ADD CONSTRAINT "sync_runs_requested_by_users_id_fk" FOREIGN KEY ("requested_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sync_runs" ADD CONSTRAINT "sync_runs_org_id_connection_id_portal_connections_org_id_id_fk" FOREIGN KEY ("org_id","connection_id") REFERENCES "public"."portal_connections"("org_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "mirror_activities_owner_idx" ON "mirror_activities" USING btree ("org_id","connection_id","owner_type_id","owner_id","created");--> statement-breakpoint
CREATE INDEX "mirror_activities_created_idx" ON "mirror_activities" USING btree ("org_id","connection_id","created");--> statement-breakpoint
CREATE INDEX "mirror_companies_created_idx" ON "mirror_companies" USING btree ("org_id","connection_id","date_create");--> statement-breakpoint
CREATE INDEX "mirror_contacts_created_idx" ON "mirror_contacts" USING btree ("org_id","connection_id","date_create");--> statement-breakpoint
CREATE INDEX "mirror_deal_stage_history_owner_idx" ON "mirror_deal_stage_history" USING btree ("org_id","connection_id","owner_id");--> statement-breakpoint
CREATE INDEX "mirror_deal_stage_history_created_idx" ON "mirror_deal_stage_history" USING btree ("org_id","connection_id","created_time");--> statement-breakpoint
CREATE INDEX "mirror_deals_created_idx" ON "mirror_deals" USING btree ("org_id","connection_id","date_create");--> statement-breakpoint
CREATE INDEX "mirror_deals_semantic_idx" ON "mirror_deals" USING btree ("org_id","connection_id","stage_semantic_id","close_date");--> statement-breakpoint
CREATE INDEX "mirror_deals_company_idx" ON "mirror_deals" USING btree ("org_id","connection_id","company_id");--> statement-breakpoint
CREATE INDEX "mirror_deals_contact_idx" ON "mirror_deals" USING btree ("org_id","connection_id","contact_id");--> statement-breakpoint
CREATE INDEX "mirror_deals_lead_idx" ON "mirror_deals" USING btree ("org_id","connection_id","lead_id");--> statement-breakpoint
CREATE INDEX "mirror_lead_stage_history_owner_idx" ON "mirror_lead_stage_history" USING btree ("org_id","connection_id","owner_id");--> statement-breakpoint
CREATE INDEX "mirror_lead_stage_history_created_idx" ON "mirror_lead_stage_history" USING btree ("org_id","connection_id","created_time");--> statement-breakpoint
CREATE INDEX "mirror_leads_created_idx" ON "mirror_leads" USING btree ("org_id","connection_id","date_create");--> statement-breakpoint
CREATE INDEX "mirror_leads_semantic_idx" ON "mirror_leads" USING btree ("org_id","connection_id","status_semantic_id","date_closed");--> statement-breakpoint
CREATE INDEX "mirror_statuses_entity_idx" ON "mirror_statuses" USING btree ("org_id","connection_id","entity_id");--> statement-breakpoint
CREATE INDEX "sync_leases_expires_idx" ON "sync_leases" USING btree ("expires_at");--> statement-breakpoint
CREATE UNIQUE INDEX "sync_runs_id_key" ON "sync_runs" USING btree ("id");--> statement-breakpoint
CREATE INDEX "sync_runs_connection_idx" ON "sync_runs" USING btree ("org_id","connection_id","queued_at");--> statement-breakpoint
CREATE UNIQUE INDEX "sync_runs_one_queued_key" ON "sync_runs" USING btree ("org_id","connection_id") WHERE "sync_runs"."status" = 'queued';--> statement-breakpoint
CREATE INDEX "sync_runs_status_idx" ON "sync_runs" USING btree ("status");