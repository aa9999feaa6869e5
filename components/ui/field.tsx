import { cn } from "./cn";

const control =
  "block w-full rounded-md border border-slate-300 bg-white px-3 py-2 text-sm shadow-sm placeholder:text-slate-400 focus:border-brand-500 focus:outline-none focus:ring-2 focus:ring-brand-500/30 aria-[invalid=true]:border-red-500";

interface FieldProps {
  name: string;
  label: string;
  error?: string;
  hint?: string;
  required?: boolean;
  id?: string;
}

/** Label, control, hint and error wired together for screen readers (aria-describedby, aria-invalid). */
function FieldShell({ name, label, error, hint, required, id, children }: FieldProps & { children: React.ReactNode }) {
  const controlId = id ?? `field-${name}`;
  return (
    <div className="space-y-1">
      <label htmlFor={controlId} className="block text-sm font-medium text-slate-700">
        {label}
        {required && <span aria-hidden="true" className="text-red-600"> *</span>}
      </label>
      {children}
      {hint && !error && (
        <p id={`${controlId}-hint`} className="text-xs text-slate-500">
          {hint}
        </p>
      )}
      {error && (
        <p id={`${controlId}-error`} className="text-sm text-red-600" data-field-error={name}>
          {error}
        </p>
      )}
    </div>
  );
}

function describedBy(controlId: string, error?: string, hint?: string) {
  return error ? `${controlId}-error` : hint ? `${controlId}-hint` : undefined;
}

export function TextField({
  name,
  label,
  error,
  hint,
  required,
  id,
  className,
  ...props
}: FieldProps & React.InputHTMLAttributes<HTMLInputElement>) {
  const controlId = id ?? `field-${name}`;
  return (
    <FieldShell {...{ name, label, error, hint, required, id }}>
      <input
        id={controlId}
        name={name}
        required={required}
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy(controlId, error, hint)}
        className={cn(control, className)}
        {...props}
      />
    </FieldShell>
  );
}

export function TextAreaField({
  name,
  label,
  error,
  hint,
  required,
  id,
  className,
  ...props
}: FieldProps & React.TextareaHTMLAttributes<HTMLTextAreaElement>) {
  const controlId = id ?? `field-${name}`;
  return (
    <FieldShell {...{ name, label, error, hint, required, id }}>
      <textarea
        id={controlId}
        name={name}
        required={required}
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy(controlId, error, hint)}
        className={cn(control, className)}
        {...props}
      />
    </FieldShell>
  );
}

export function SelectField({
  name,
  label,
  error,
  hint,
  required,
  id,
  className,
  options,
  ...props
}: FieldProps &
  React.SelectHTMLAttributes<HTMLSelectElement> & { options: Array<{ value: string; label: string }> }) {
  const controlId = id ?? `field-${name}`;
  return (
    <FieldShell {...{ name, label, error, hint, required, id }}>
      <select
        // React applies a select's defaultValue only when it mounts, while a form is reset to it after every action:
        // keyed by it, the select takes the value the server sends back (say, after a refused submit).
        key={props.value === undefined ? String(props.defaultValue ?? "") : undefined}
        id={controlId}
        name={name}
        required={required}
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy(controlId, error, hint)}
        className={cn(control, className)}
        {...props}
      >
        {options.map((option) => (
          <option key={option.value} value={option.value}>
            {option.label}
          </option>
        ))}
      </select>
    </FieldShell>
  );
}
