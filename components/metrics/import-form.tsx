"use client";

import { useActionState } from "react";
import { useTranslations } from "next-intl";
import { importCsvAction } from "@/app/(app)/clients/[id]/metrics/actions";
import { Alert } from "@/components/ui/alert";
import { buttonClass } from "@/components/ui/button";
import { SelectField } from "@/components/ui/field";
import { SubmitButton } from "@/components/ui/submit-button";
import { initialImportState } from "./import-state";

/**
 * CSV import of one or more kinds, with template downloads. A refused file shows its problems line by line; a file
 * with any bad row imports nothing.
 */
export function ImportForm({ clientId, kinds }: { clientId: string; kinds: ("inputs" | "baselines" | "targets")[] }) {
  const t = useTranslations("metricData.import");
  const [state, action] = useActionState(importCsvAction, initialImportState);
  return (
    <div className="space-y-4">
      <form action={action} className="space-y-3" encType="multipart/form-data">
        <input type="hidden" name="clientId" value={clientId} />
        {kinds.length === 1 ? (
          <input type="hidden" name="kind" value={kinds[0]} />
        ) : (
          <SelectField id={`import-kind-${kinds.join("-")}`} name="kind" label={t("kind")} options={kinds.map((k) => ({ value: k, label: t(`kinds.${k}`) }))} defaultValue={state.kind ?? kinds[0]} />
        )}
        <div className="space-y-1">
          <label htmlFor={`import-file-${kinds.join("-")}`} className="block text-sm font-medium text-slate-700">
            {t("file")}
          </label>
          <input
            id={`import-file-${kinds.join("-")}`}
            name="file"
            type="file"
            accept=".csv,text/csv"
            required
            aria-describedby={`import-hint-${kinds.join("-")}`}
            className="block text-sm file:mr-3 file:rounded-md file:border file:border-slate-300 file:bg-white file:px-3 file:py-1.5 file:text-sm"
          />
          <p id={`import-hint-${kinds.join("-")}`} className="text-xs text-slate-500">
            {t("hint")}
          </p>
        </div>
        <div className="flex flex-wrap items-center gap-3">
          <SubmitButton variant="secondary">{t("submit")}</SubmitButton>
          {kinds.map((k) => (
            <a key={k} href={`/clients/${clientId}/metrics/template/${k}`} className={buttonClass("ghost", "sm")} download>
              {t("template", { kind: t(`kinds.${k}`) })}
            </a>
          ))}
        </div>
      </form>
      {state.status !== "idle" && state.message && <Alert tone={state.status === "error" ? "error" : "success"}>{state.message}</Alert>}
      {state.errors && state.errors.length > 0 && (
        <div className="overflow-x-auto">
          <table className="min-w-full text-sm">
            <thead>
              <tr className="text-left text-slate-500">
                <th scope="col" className="py-1 pr-4 font-medium">{t("line")}</th>
                <th scope="col" className="py-1 pr-4 font-medium">{t("column")}</th>
                <th scope="col" className="py-1 font-medium">{t("problem")}</th>
              </tr>
            </thead>
            <tbody>
              {state.errors.map((e, i) => (
                <tr key={i} className="border-t border-slate-100">
                  <td className="py-1 pr-4 tabular-nums">{e.line}</td>
                  <td className="py-1 pr-4 font-mono text-xs">{e.column}</td>
                  <td className="py-1">{e.message}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}
