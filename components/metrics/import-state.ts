/** What the CSV import action returns: the outcome and, for a refused file, its problems by line (translated). */
export interface ImportFormState {
  status: "idle" | "success" | "error";
  message?: string;
  kind?: string;
  errors?: { line: string; column: string; message: string }[];
}

export const initialImportState: ImportFormState = { status: "idle" };
