import { getTranslations } from "next-intl/server";
import { Spinner } from "@/components/ui/spinner";

export default async function Loading() {
  const t = await getTranslations("common");
  return (
    <div className="py-12 text-slate-600">
      <Spinner label={t("loading")} />
    </div>
  );
}
