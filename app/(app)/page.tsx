import { getTranslations } from "next-intl/server";
import { PageHeader } from "@/components/ui/card";
import { getPageTenantContext } from "@/lib/server/session";

export default async function HomePage() {
  await getPageTenantContext();
  const t = await getTranslations("nav");
  return <PageHeader title={t("portfolio")} />;
}
