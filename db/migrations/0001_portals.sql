CREATE TYPE "public"."connection_status" AS ENUM('pending', 'connected', 'needs_reauth', 'uninstalled', 'error');--> statement-breakpoint
CREATE TABLE "connect_links" (
	"org_id" uuid NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"client_id" uuid NOT NULL,
	"token_hash" text NOT NULL,
	"created_by" uuid,
	"expires_at" timestamp with time zone NOT NULL,
	"used_at" timestamp with time zone,
	"revoked_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "connect_links_org_id_id_pk" PRIMARY KEY("org_id","id")
);
--> statement-breakpoint
CREATE TABLE "portal_connections" (
	"org_id" uuid NOT NULL,
	"id" uuid DEFAULT gen_random_uuid() NOT NULL,
	"client_id" uuid NOT NULL,
	"member_id" text NOT NULL,
	"domain" text NOT NULL,
	"client_endpoint" text NOT NULL,
	"server_endpoint" text,
	"status" "connection_status" DEFAULT 'connected' NOT NULL,
	"status_reason" text,
	"status_changed_at" timestamp with time zone DEFAULT now() NOT NULL,
	"scope" text,
	"plan" text DEFAULT 'standard' NOT NULL,
	"crm_mode" smallint,
	"application_token_hash" text,
	"connected_by" uuid,
	"sync_interval_minutes" integer,
	"last_synced_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "portal_connections_org_id_id_pk" PRIMARY KEY("org_id","id")
);
--> statement-breakpoint
CREATE TABLE "portal_installs" (
	"member_id" text PRIMARY KEY NOT NULL,
	"domain" text NOT NULL,
	"client_endpoint" text NOT NULL,
	"server_endpoint" text,
	"scope" text,
	"application_token_hash" text NOT NULL,
	"access_token_enc" text,
	"refresh_token_enc" text,
	"expires_at" timestamp with time zone,
	"claim_code_hash" text,
	"claimed_at" timestamp with time zone,
	"uninstalled_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "portal_tokens" (
	"org_id" uuid NOT NULL,
	"connection_id" uuid NOT NULL,
	"access_token_enc" text NOT NULL,
	"refresh_token_enc" text NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	"refreshed_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "portal_tokens_org_id_connection_id_pk" PRIMARY KEY("org_id","connection_id")
);
--> statement-breakpoint
ALTER TABLE "connect_links" ADD CONSTRAINT "connect_links_org_id_orgs_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."orgs"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "connect_links" ADD CONSTRAINT "connect_links_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "connect_links" ADD CONSTRAINT "connect_links_org_id_client_id_clients_org_id_id_fk" FOREIGN KEY ("org_id","client_id") REFERENCES "public"."clients"("org_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "portal_connections" ADD CONSTRAINT "portal_connections_org_id_orgs_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."orgs"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "portal_connections" ADD CONSTRAINT "portal_connections_connected_by_users_id_fk" FOREIGN KEY ("connected_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "portal_connections" ADD CONSTRAINT "portal_connections_org_id_client_id_clients_org_id_id_fk" FOREIGN KEY ("org_id","client_id") REFERENCES "public"."clients"("org_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "portal_tokens" ADD CONSTRAINT "portal_tokens_org_id_connection_id_portal_connections_org_id_id_fk" FOREIGN KEY ("org_id","connection_id") REFERENCES "public"."portal_connections"("org_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "connect_links_token_key" ON "connect_links" USING btree ("token_hash");--> statement-breakpoint
CREATE UNIQUE INDEX "portal_connections_id_key" ON "portal_connections" USING btree ("id");--> statement-breakpoint
CREATE UNIQUE INDEX "portal_connections_member_key" ON "portal_connections" USING btree ("org_id","member_id");--> statement-breakpoint
CREATE UNIQUE INDEX "portal_connections_client_key" ON "portal_connections" USING btree ("org_id","client_id");--> statement-breakpoint
CREATE INDEX "portal_connections_member_idx" ON "portal_connections" USING btree ("member_id");--> statement-breakpoint
CREATE UNIQUE INDEX "portal_installs_claim_key" ON "portal_installs" USING btree ("claim_code_hash");