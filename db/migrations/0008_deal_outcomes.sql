CREATE TABLE "mirror_deal_outcomes" (
	"org_id" uuid NOT NULL,
	"connection_id" uuid NOT NULL,
	"id" integer NOT NULL,
	"company_id" integer,
	"contact_id" integer,
	"lead_id" integer,
	"stage_id" text,
	"opportunity" numeric(20, 2),
	"currency_id" text,
	"won_at" timestamp with time zone,
	"lost_at" timestamp with time zone,
	"first_at" timestamp with time zone,
	CONSTRAINT "mirror_deal_outcomes_pkey" PRIMARY KEY("org_id","connection_id","id")
);
--> statement-breakpoint
ALTER TABLE "mirror_derived_states" ALTER COLUMN "version" SET DATA TYPE text;--> statement-breakpoint
ALTER TABLE "mirror_deal_outcomes" ADD CONSTRAINT "mirror_deal_outcomes_org_id_orgs_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."orgs"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "mirror_deal_outcomes" ADD CONSTRAINT "mirror_deal_outcomes_connection_fk" FOREIGN KEY ("org_id","connection_id") REFERENCES "public"."portal_connections"("org_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "mirror_deal_outcomes_won_idx" ON "mirror_deal_outcomes" USING btree ("org_id","connection_id","won_at");--> statement-breakpoint
CREATE INDEX "mirror_deal_outcomes_lost_idx" ON "mirror_deal_outcomes" USING btree ("org_id","connection_id","lost_at");