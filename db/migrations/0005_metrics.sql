CREATE TABLE "client_metric_settings" (
	"org_id" uuid NOT NULL,
	"client_id" uuid NOT NULL,
	"sla_minutes" integer DEFAULT 15 NOT NULL,
	"activity_window_days" integer DEFAULT 365 NOT NULL,
	"business_hours" jsonb,
	"org_loss_stages" text[] DEFAULT '{}'::text[] NOT NULL,
	"fully_loaded_cac" boolean DEFAULT false NOT NULL,
	"updated_by" uuid,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "client_metric_settings_pkey" PRIMARY KEY("org_id","client_id")
);
--> statement-breakpoint
CREATE TABLE "client_metric_states" (
	"org_id" uuid NOT NULL,
	"client_id" uuid NOT NULL,
	"pending_full" boolean DEFAULT false NOT NULL,
	"pending_from" date,
	"pending_changed_since" timestamp with time zone,
	"requested_at" timestamp with time zone,
	"running_since" timestamp with time zone,
	"computed_at" timestamp with time zone,
	"last_duration_ms" integer,
	"last_months" integer,
	"first_month" date,
	"last_month" date,
	"time_zone" text,
	"base_currency" text,
	"go_live_date" date,
	"definition_versions" jsonb,
	"error" text,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "client_metric_states_pkey" PRIMARY KEY("org_id","client_id")
);
--> statement-breakpoint
CREATE TABLE "metric_baselines" (
	"org_id" uuid NOT NULL,
	"client_id" uuid NOT NULL,
	"metric" text NOT NULL,
	"entered_value" double precision,
	"entered_source" text,
	"note" text DEFAULT '' NOT NULL,
	"computed_value" double precision,
	"computed_from" text,
	"computed_to" text,
	"computed_at" timestamp with time zone,
	"updated_by" uuid,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "metric_baselines_pkey" PRIMARY KEY("org_id","client_id","metric")
);
--> statement-breakpoint
CREATE TABLE "metric_inputs" (
	"org_id" uuid NOT NULL,
	"client_id" uuid NOT NULL,
	"month" date NOT NULL,
	"marketing_spend" numeric(20, 2),
	"crm_licence" numeric(20, 2),
	"implementation_cost" numeric(20, 2),
	"amortisation_months" smallint,
	"sales_salaries" numeric(20, 2),
	"forecast_demand" double precision,
	"fulfilment_rate" double precision,
	"unit_price" numeric(20, 2),
	"shortfall_factor" double precision,
	"updated_by" uuid,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "metric_inputs_pkey" PRIMARY KEY("org_id","client_id","month")
);
--> statement-breakpoint
CREATE TABLE "metric_snapshots" (
	"org_id" uuid NOT NULL,
	"client_id" uuid NOT NULL,
	"metric" text NOT NULL,
	"month" date NOT NULL,
	"value" double precision,
	"numerator" double precision,
	"denominator" double precision,
	"secondary" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"inputs" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"definition_version" integer NOT NULL,
	"computed_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "metric_snapshots_pkey" PRIMARY KEY("org_id","client_id","metric","month")
);
--> statement-breakpoint
CREATE TABLE "metric_targets" (
	"org_id" uuid NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"client_id" uuid NOT NULL,
	"metric" text NOT NULL,
	"month" date,
	"value" double precision NOT NULL,
	"note" text DEFAULT '' NOT NULL,
	"source" text DEFAULT 'manual' NOT NULL,
	"updated_by" uuid,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "metric_targets_pkey" PRIMARY KEY("org_id","id")
);
--> statement-breakpoint
CREATE TABLE "process_inventory_items" (
	"org_id" uuid NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"client_id" uuid NOT NULL,
	"key" text NOT NULL,
	"custom" boolean DEFAULT false NOT NULL,
	"name" text,
	"override" text,
	"override_from" date,
	"note" text DEFAULT '' NOT NULL,
	"confirmed_by" uuid,
	"confirmed_at" timestamp with time zone,
	"sort" integer DEFAULT 0 NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "process_inventory_items_pkey" PRIMARY KEY("org_id","id")
);
--> statement-breakpoint
ALTER TABLE "client_metric_settings" ADD CONSTRAINT "client_metric_settings_org_id_orgs_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."orgs"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "client_metric_settings" ADD CONSTRAINT "client_metric_settings_updated_by_users_id_fk" FOREIGN KEY ("updated_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "client_metric_settings" ADD CONSTRAINT "client_metric_settings_client_fk" FOREIGN KEY ("org_id","client_id") REFERENCES "public"."clients"("org_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "client_metric_states" ADD CONSTRAINT "client_metric_states_org_id_orgs_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."orgs"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "client_metric_states" ADD CONSTRAINT "client_metric_states_client_fk" FOREIGN KEY ("org_id","client_id") REFERENCES "public"."clients"("org_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "metric_baselines" ADD CONSTRAINT "metric_baselines_org_id_orgs_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."orgs"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "metric_baselines" ADD CONSTRAINT "metric_baselines_updated_by_users_id_fk" FOREIGN KEY ("updated_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "metric_baselines" ADD CONSTRAINT "metric_baselines_client_fk" FOREIGN KEY ("org_id","client_id") REFERENCES "public"."clients"("org_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "metric_inputs" ADD CONSTRAINT "metric_inputs_org_id_orgs_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."orgs"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "metric_inputs" ADD CONSTRAINT "metric_inputs_updated_by_users_id_fk" FOREIGN KEY ("updated_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "metric_inputs" ADD CONSTRAINT "metric_inputs_client_fk" FOREIGN KEY ("org_id","client_id") REFERENCES "public"."clients"("org_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "metric_snapshots" ADD CONSTRAINT "metric_snapshots_org_id_orgs_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."orgs"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "metric_snapshots" ADD CONSTRAINT "metric_snapshots_client_fk" FOREIGN KEY ("org_id","client_id") REFERENCES "public"."clients"("org_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "metric_targets" ADD CONSTRAINT "metric_targets_org_id_orgs_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."orgs"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "metric_targets" ADD CONSTRAINT "metric_targets_updated_by_users_id_fk" FOREIGN KEY ("updated_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "metric_targets" ADD CONSTRAINT "metric_targets_client_fk" FOREIGN KEY ("org_id","client_id") REFERENCES "public"."clients"("org_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "process_inventory_items" ADD CONSTRAINT "process_inventory_items_org_id_orgs_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."orgs"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "process_inventory_items" ADD CONSTRAINT "process_inventory_items_confirmed_by_users_id_fk" FOREIGN KEY ("confirmed_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "process_inventory_items" ADD CONSTRAINT "process_inventory_items_client_fk" FOREIGN KEY ("org_id","client_id") REFERENCES "public"."clients"("org_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "client_metric_states_pending_idx" ON "client_metric_states" USING btree ("requested_at") WHERE "client_metric_states"."pending_full" or "client_metric_states"."pending_from" is not null or "client_metric_states"."pending_changed_since" is not null;--> statement-breakpoint
CREATE INDEX "metric_snapshots_org_metric_month_idx" ON "metric_snapshots" USING btree ("org_id","metric","month");--> statement-breakpoint
CREATE UNIQUE INDEX "metric_targets_general_key" ON "metric_targets" USING btree ("org_id","client_id","metric") WHERE "metric_targets"."month" is null;--> statement-breakpoint
CREATE UNIQUE INDEX "metric_targets_month_key" ON "metric_targets" USING btree ("org_id","client_id","metric","month") WHERE "metric_targets"."month" is not null;--> statement-breakpoint
CREATE UNIQUE INDEX "process_inventory_items_key" ON "process_inventory_items" USING btree ("org_id","client_id","key");