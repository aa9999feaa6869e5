CREATE TABLE "portal_events" (
	"org_id" uuid NOT NULL,
	"id" bigint GENERATED ALWAYS AS IDENTITY (sequence name "portal_events_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"connection_id" uuid NOT NULL,
	"entity" text NOT NULL,
	"entity_id" text NOT NULL,
	"action" text NOT NULL,
	"event" text NOT NULL,
	"received_at" timestamp with time zone DEFAULT now() NOT NULL,
	"processed_at" timestamp with time zone,
	CONSTRAINT "portal_events_org_id_id_pk" PRIMARY KEY("org_id","id")
);
--> statement-breakpoint
ALTER TABLE "portal_connections" ADD COLUMN "connected_via" text;--> statement-breakpoint
ALTER TABLE "portal_connections" ADD COLUMN "connected_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "portal_installs" ADD COLUMN "claim_code_expires_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "portal_events" ADD CONSTRAINT "portal_events_org_id_orgs_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."orgs"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "portal_events" ADD CONSTRAINT "portal_events_org_id_connection_id_portal_connections_org_id_id_fk" FOREIGN KEY ("org_id","connection_id") REFERENCES "public"."portal_connections"("org_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "portal_events_pending_key" ON "portal_events" USING btree ("org_id","connection_id","entity","entity_id") WHERE "portal_events"."processed_at" is null;--> statement-breakpoint
CREATE INDEX "portal_events_connection_idx" ON "portal_events" USING btree ("org_id","connection_id","processed_at","id");