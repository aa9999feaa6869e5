"use server";

import { revalidatePath } from "next/cache";
import { getTranslations } from "next-intl/server";
import { z } from "zod";
import { errorState, tenantFormAction, type FormState } from "@/lib/server/forms";
import { getTenantContext } from "@/lib/server/session";
import { deleteTarget, setBaseline, setTarget, type BaselineInput, type TargetInput } from "@/lib/server/services/metric-goals";
import { IMPORT_KINDS, importMetricCsv, MAX_IMPORT_BYTES, type ImportKind } from "@/lib/server/services/metric-import";
import { saveMonthlyInputs, type MonthlyInputsInput } from "@/lib/server/services/metric-inputs";
import { requestRecomputeNow } from "@/lib/server/services/metric-overview";
import { updateMetricSettings, type MetricSettingsInput } from "@/lib/server/services/metric-settings";
import { addCustomProcess, decideProcess, removeCustomProcess, type CustomProcessInput, type ProcessDecisionInput } from "@/lib/server/services/process-inventory";
import type { ImportFormState } from "@/components/metrics/import-state";

const clientRef = z.object({ clientId: z.string().min(1).max(100) });
/** The form's fields besides the client are parsed by the service (one set of rules for forms, CSV and API). */
const withFields = clientRef.loose();
type Fields = { clientId: string } & Record<string, unknown>;
const revalidate = (clientId: string) => revalidatePath(`/clients/${clientId}`, "layout");
const t = () => getTranslations("metricData");

export const saveInputsAction = tenantFormAction(withFields, async (input, ctx): Promise<FormState> => {
  const { clientId, ...fields } = input as Fields;
  const saved = await saveMonthlyInputs(ctx, clientId, fields as MonthlyInputsInput);
  revalidate(clientId);
  return { status: "success", message: (await t())("inputs.saved", { month: saved.month }) };
});

export const saveSettingsAction = tenantFormAction(withFields, async (input, ctx): Promise<FormState> => {
  const { clientId, ...fields } = input as Fields;
  await updateMetricSettings(ctx, clientId, fields as MetricSettingsInput);
  revalidate(clientId);
  return { status: "success", message: (await t())("settings.saved") };
});

export const decideProcessAction = tenantFormAction(withFields, async (input, ctx): Promise<FormState> => {
  const { clientId, itemId, ...fields } = input as Fields;
  await decideProcess(ctx, clientId, String(itemId ?? ""), fields as ProcessDecisionInput);
  revalidate(clientId);
  return { status: "success", message: (await t())("processes.saved") };
});

export const addProcessAction = tenantFormAction(withFields, async (input, ctx): Promise<FormState> => {
  const { clientId, ...fields } = input as Fields;
  await addCustomProcess(ctx, clientId, fields as CustomProcessInput);
  revalidate(clientId);
  return { status: "success", message: (await t())("processes.added") };
});

export const removeProcessAction = tenantFormAction(clientRef.extend({ itemId: z.string().min(1).max(100) }), async ({ clientId, itemId }, ctx): Promise<FormState> => {
  await removeCustomProcess(ctx, clientId, itemId);
  revalidate(clientId);
  return { status: "success", message: (await t())("processes.removed") };
});

export const setBaselineAction = tenantFormAction(withFields, async (input, ctx): Promise<FormState> => {
  const { clientId, ...fields } = input as Fields;
  await setBaseline(ctx, clientId, fields as BaselineInput);
  revalidate(clientId);
  return { status: "success", message: (await t())("goals.baselineSaved") };
});

export const setTargetAction = tenantFormAction(withFields, async (input, ctx): Promise<FormState> => {
  const { clientId, ...fields } = input as Fields;
  await setTarget(ctx, clientId, fields as TargetInput);
  revalidate(clientId);
  return { status: "success", message: (await t())("goals.targetSaved") };
});

export const deleteTargetAction = tenantFormAction(clientRef.extend({ targetId: z.string().min(1).max(100) }), async ({ clientId, targetId }, ctx): Promise<FormState> => {
  await deleteTarget(ctx, clientId, targetId);
  revalidate(clientId);
  return { status: "success", message: (await t())("goals.deleted") };
});

export const recomputeAction = tenantFormAction(clientRef, async ({ clientId }, ctx): Promise<FormState> => {
  await requestRecomputeNow(ctx, clientId);
  revalidate(clientId);
  return { status: "success", message: (await t())("overview.recomputeQueued") };
});

/** Imports a CSV file; a bad file comes back with its problems by line, translated. */
export async function importCsvAction(_previous: ImportFormState, formData: FormData): Promise<ImportFormState> {
  const tm = await getTranslations("metricData");
  const tv = await getTranslations("validation");
  const clientId = String(formData.get("clientId") ?? "");
  const kind = String(formData.get("kind") ?? "") as ImportKind;
  const file = formData.get("file");
  if (!(IMPORT_KINDS as readonly string[]).includes(kind)) return { status: "error", message: tv("choice"), kind };
  if (!(file instanceof File) || file.size === 0) return { status: "error", message: tm("import.problems.noFile"), kind };
  if (file.size > MAX_IMPORT_BYTES) return { status: "error", message: tm("import.problems.fileTooLarge"), kind };
  try {
    const ctx = await getTenantContext();
    const result = await importMetricCsv(ctx, clientId, kind, await file.text());
    if (result.ok) {
      revalidate(clientId);
      return { status: "success", message: tm("import.done", { imported: result.imported, skipped: result.skipped }), kind };
    }
    const problem = (key: string, params?: Record<string, string | number>) =>
      tm.has(`import.problems.${key}` as never) ? tm(`import.problems.${key}` as never, params as never) : tv.has(key as never) ? tv(key as never, params as never) : tv("invalid");
    return {
      status: "error",
      message: tm("import.failed"),
      kind,
      errors: result.errors.map((e) => ({
        line: e.line === 0 ? tm("import.wholeFile") : String(e.line),
        column: e.column ?? (e.line === 0 ? "" : tm("import.wholeRow")),
        message: problem(e.key, e.params),
      })),
    };
  } catch (error) {
    return { ...(await errorState(error)), kind };
  }
}
