import { useTranslations } from "next-intl";
import { Badge } from "@/components/ui/card";
import type { ClientStatus } from "@/db/schema";

const TONES = { active: "good", prospect: "info", archived: "neutral" } as const;

export function ClientStatusBadge({ status }: { status: ClientStatus }) {
  const t = useTranslations("clients.statuses");
  return <Badge tone={TONES[status]}>{t(status)}</Badge>;
}
