"use client";

import { useSearchParams } from "next/navigation";
import { useTranslations } from "next-intl";
import { Alert } from "@/components/ui/alert";

/**
 * The outcome of an OAuth round trip, which the callback passes back in the query (`?portal=connected|claimed` or
 * `?portalError=<key>`). Only known keys are shown, so a crafted link cannot put arbitrary text on the page.
 */
export function PortalFlash() {
  const params = useSearchParams();
  const t = useTranslations("portals");
  const te = useTranslations("errors.portal");
  const outcome = params.get("portal");
  if (outcome === "connected" || outcome === "claimed") return <Alert tone="success">{t(outcome)}</Alert>;
  const error = params.get("portalError");
  if (error && /^[a-zA-Z]+$/.test(error) && te.has(error)) return <Alert tone="error">{te(error)}</Alert>;
  return null;
}
