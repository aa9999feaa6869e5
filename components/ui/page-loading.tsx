import { getTranslations } from "next-intl/server";
import { Spinner } from "./spinner";

/** What a route shows while its data loads (used by loading.tsx files): a labelled spinner and a skeleton. */
export async function PageLoading() {
  const t = await getTranslations("common");
  return (
    <div aria-busy="true" className="space-y-4">
      <div className="text-sm text-slate-600">
        <Spinner label={t("loading")} />
      </div>
      <div className="h-8 w-1/3 animate-pulse rounded bg-slate-200" />
      <div className="h-40 animate-pulse rounded-lg bg-slate-100" />
    </div>
  );
}
