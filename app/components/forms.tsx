/** Form pieces: labelled fields whose errors are announced and tied to the input. */
import type { InputHTMLAttributes, ReactNode, TextareaHTMLAttributes } from "react";
import { useTranslation } from "react-i18next";
import type { FieldError, FieldErrors } from "~/domain/validation";

export function useFieldMessage() {
  const { t } = useTranslation(["common", "account", "community", "permissions", "meeting"]);
  return (e: FieldError | undefined) => (e ? t(e.key, e.params) : undefined);
}

interface FieldProps extends InputHTMLAttributes<HTMLInputElement> {
  name: string;
  label: ReactNode;
  hint?: ReactNode;
  error?: FieldError;
}

export function Field({ name, label, hint, error, id, ...input }: FieldProps) {
  const message = useFieldMessage();
  const inputId = id ?? `f-${name}`;
  const described = [hint ? `${inputId}-hint` : null, error ? `${inputId}-error` : null]
    .filter(Boolean)
    .join(" ");
  return (
    <div className={`field${error ? " has-error" : ""}`}>
      <label htmlFor={inputId}>{label}</label>
      {hint && (
        <p className="hint" id={`${inputId}-hint`}>
          {hint}
        </p>
      )}
      {error && (
        <p className="error" id={`${inputId}-error`}>
          {message(error)}
        </p>
      )}
      <input
        id={inputId}
        name={name}
        aria-invalid={error ? true : undefined}
        aria-describedby={described || undefined}
        {...input}
      />
    </div>
  );
}

interface TextAreaProps extends TextareaHTMLAttributes<HTMLTextAreaElement> {
  name: string;
  label: ReactNode;
  hint?: ReactNode;
  error?: FieldError;
}

export function TextArea({ name, label, hint, error, id, ...rest }: TextAreaProps) {
  const message = useFieldMessage();
  const inputId = id ?? `f-${name}`;
  const described = [hint ? `${inputId}-hint` : null, error ? `${inputId}-error` : null]
    .filter(Boolean)
    .join(" ");
  return (
    <div className={`field${error ? " has-error" : ""}`}>
      <label htmlFor={inputId}>{label}</label>
      {hint && (
        <p className="hint" id={`${inputId}-hint`}>
          {hint}
        </p>
      )}
      {error && (
        <p className="error" id={`${inputId}-error`}>
          {message(error)}
        </p>
      )}
      <textarea
        id={inputId}
        name={name}
        aria-invalid={error ? true : undefined}
        aria-describedby={described || undefined}
        {...rest}
      />
    </div>
  );
}

/** A list of what is wrong, at the top of the form, announced when it appears. */
export function ErrorSummary({
  errors,
  labels,
}: {
  errors: FieldErrors | undefined;
  labels?: Record<string, string>;
}) {
  const { t } = useTranslation();
  const message = useFieldMessage();
  if (!errors || Object.keys(errors).length === 0) return null;
  return (
    <div className="error-summary" role="alert" aria-labelledby="error-summary-title">
      <h2 id="error-summary-title">{t("forms.errorSummary")}</h2>
      <ul>
        {Object.entries(errors).map(([field, e]) => (
          <li key={field}>
            {field === "_form" || !labels?.[field] ? (
              message(e)
            ) : (
              <a href={`#f-${field}`}>
                {labels[field]}: {message(e)}
              </a>
            )}
          </li>
        ))}
      </ul>
    </div>
  );
}

/** A confirmation after a redirect, e.g. ?done=requested. */
export function Notice({ children }: { children: ReactNode }) {
  return (
    <div className="notice" role="status">
      {children}
    </div>
  );
}
