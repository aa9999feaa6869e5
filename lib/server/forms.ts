import { getTranslations } from "next-intl/server";
import { z } from "zod";
import { fieldErrorsOf, type FieldErrors } from "@/lib/validation";
import { AppError, isAppError } from "./errors";
import { getTenantContext } from "./session";
import type { TenantContext } from "./tenant";

import type { FormState } from "@/lib/form-state";

export type { FormState } from "@/lib/form-state";

/** Plain object of a form's fields (last value wins; `name[]` fields become arrays). */
export function formDataObject(formData: FormData): Record<string, unknown> {
  const result: Record<string, unknown> = {};
  for (const [key, value] of formData.entries()) {
    if (key.startsWith("$ACTION")) continue;
    if (key.endsWith("[]")) {
      const name = key.slice(0, -2);
      result[name] = [...((result[name] as unknown[]) ?? []), value];
    } else {
      result[key] = value;
    }
  }
  return result;
}

function stringValues(formData: FormData): Record<string, string> {
  const values: Record<string, string> = {};
  for (const [key, value] of formData.entries()) {
    if (typeof value === "string" && !key.startsWith("$ACTION") && !/password/i.test(key)) values[key] = value;
  }
  return values;
}

/** Translates field errors (catalogue keys) into messages. */
export async function translateFieldErrors(fields: FieldErrors): Promise<Record<string, string>> {
  const t = await getTranslations("validation");
  return Object.fromEntries(
    Object.entries(fields).map(([field, { key, params }]) => [
      field,
      t.has(key as never) ? t(key as never, params as never) : t("invalid"),
    ]),
  );
}

/** Turns any error into a form state: AppErrors become their translated message, others a generic one. */
export async function errorState(error: unknown, values?: Record<string, string>): Promise<FormState> {
  const t = await getTranslations("errors");
  if (isAppError(error)) {
    return {
      status: "error",
      message: t.has(error.messageKey as never) ? t(error.messageKey as never, error.params as never) : t(error.code),
      fieldErrors: error.fields
        ? await translateFieldErrors(Object.fromEntries(Object.entries(error.fields).map(([k, v]) => [k, { key: v }])))
        : undefined,
      values,
    };
  }
  // Next's redirect()/notFound() work by throwing; let them through.
  if (error && typeof error === "object" && "digest" in error) throw error;
  console.error(error);
  return { status: "error", message: t("internal"), values };
}

/**
 * A server action for a form: validates the fields with `schema` and calls `handler` with the parsed input.
 * Validation problems come back as translated field errors and change nothing.
 */
export function formAction<S extends z.ZodType>(
  schema: S,
  handler: (input: z.output<S>, formData: FormData) => Promise<FormState | void>,
) {
  return async (_previous: FormState, formData: FormData): Promise<FormState> => {
    const values = stringValues(formData);
    const parsed = schema.safeParse(formDataObject(formData));
    if (!parsed.success) {
      return {
        status: "error",
        message: (await getTranslations("validation"))("fixErrors"),
        fieldErrors: await translateFieldErrors(fieldErrorsOf(parsed.error)),
        values,
      };
    }
    try {
      return (await handler(parsed.data, formData)) ?? { status: "success" };
    } catch (error) {
      return errorState(error, values);
    }
  };
}

/** `formAction` for signed-in members: the handler also gets the tenant context. */
export function tenantFormAction<S extends z.ZodType>(
  schema: S,
  handler: (input: z.output<S>, ctx: TenantContext, formData: FormData) => Promise<FormState | void>,
) {
  return formAction(schema, async (input, formData) => handler(input, await getTenantContext(), formData));
}

/** Runs a plain (non-form) server action for members, mapping errors the same way. */
export async function runTenantAction(fn: (ctx: TenantContext) => Promise<FormState | void>): Promise<FormState> {
  try {
    return (await fn(await getTenantContext())) ?? { status: "success" };
  } catch (error) {
    return errorState(error);
  }
}

export { AppError };
