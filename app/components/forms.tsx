/** Form pieces: labelled fields whose errors are announced and tied to the input. */
import { Form, type FormProps } from "@remix-run/react";
import {
  useEffect,
  useReducer,
  type InputHTMLAttributes,
  type ReactNode,
  type TextareaHTMLAttributes,
} from "react";
import { useTranslation } from "react-i18next";
import { LOGIN_MAX } from "~/domain/accounts/limits";
import { CANCEL_REASON_MAX } from "~/domain/cancel";
import type { FieldError, FieldErrors } from "~/domain/validation";
import { loadUnitOfKey } from "~/i18n/config";
import type { Refusal } from "~/utils/forms.server";

/**
 * Translates a key the server sent (a refusal, an error page's reason), whatever its namespace.
 * The browser holds only the namespaces its page declared (`handle.i18n`), without their errors
 * (config.ts `loadUnitOfKey`), and a refusal can come from any of them: its words are fetched on
 * first use, and the message shows once it is there
 * (an empty string until then, never the raw key). A page the server rendered with such a message
 * already had its namespace fetched before hydration (entry.client.tsx reads the page's data).
 */
export function useKeyMessage() {
  const { t, i18n } = useTranslation();
  const [, loaded] = useReducer((n: number) => n + 1, 0);
  const missing = new Set<string>();
  useEffect(() => {
    if (missing.size === 0) return;
    let live = true;
    void i18n.loadNamespaces([...missing]).then(() => live && loaded());
    return () => {
      live = false;
    };
  });
  return (key: string, params?: FieldError["params"]): string => {
    const unit = loadUnitOfKey(key);
    if (unit && !i18n.hasLoadedNamespace(unit)) {
      missing.add(unit);
      return "";
    }
    return t(key, params);
  };
}

export function useFieldMessage() {
  const message = useKeyMessage();
  return (e: FieldError | undefined) => (e ? message(e.key, e.params) : undefined);
}

/**
 * The id of a form's control: `f-<name>`, or `f-<name>-<suffix>` when the page has several forms
 * with a field of that name (one for each step, street, intent).
 */
export function fieldId(name: string, suffix?: string | number): string {
  return suffix === undefined ? `f-${name}` : `f-${name}-${suffix}`;
}

/** What every labelled control takes, besides its element's own attributes. */
interface Labelled {
  name: string;
  label: ReactNode;
  hint?: ReactNode;
  error?: FieldError;
  /** The refusal that answered this field's form: the field shows what was typed and its error. */
  refused?: Refusal;
}

type FieldProps = InputHTMLAttributes<HTMLInputElement> & Labelled;

/** A field's own props, with what its refused form kept for it in place of the defaults. */
function withKept<P extends { name: string; refused?: Refusal }>({ refused, ...props }: P) {
  if (!refused) return props;
  return { ...props, defaultValue: refused.values[props.name], error: refused.errors[props.name] };
}

/**
 * The label, hint and error around one control, and the ids that tie them to it: every field of
 * every form is announced the same way.
 */
function FieldFrame({
  inputId,
  label,
  hint,
  error,
  children,
}: Omit<Labelled, "name" | "refused"> & {
  inputId: string;
  children: (aria: {
    id: string;
    "aria-invalid": true | undefined;
    "aria-describedby": string | undefined;
  }) => ReactNode;
}) {
  const message = useFieldMessage();
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
      {children({
        id: inputId,
        "aria-invalid": error ? true : undefined,
        "aria-describedby": described || undefined,
      })}
    </div>
  );
}

export function Field(props: FieldProps) {
  const { name, label, hint, error, id, ...input } = withKept(props);
  return (
    <FieldFrame inputId={id ?? `f-${name}`} label={label} hint={hint} error={error}>
      {(aria) => <input name={name} {...aria} {...input} />}
    </FieldFrame>
  );
}

/** A login name, typed as it is stored: the keyboard neither capitalises nor corrects it. */
export function LoginField(props: Omit<FieldProps, "name">) {
  return (
    <Field name="login" maxLength={LOGIN_MAX} autoCapitalize="none" spellCheck={false} {...props} />
  );
}

export function TextArea(props: TextareaHTMLAttributes<HTMLTextAreaElement> & Labelled) {
  const { name, label, hint, error, id, ...rest } = withKept(props);
  return (
    <FieldFrame inputId={id ?? `f-${name}`} label={label} hint={hint} error={error}>
      {(aria) => <textarea name={name} {...aria} {...rest} />}
    </FieldFrame>
  );
}

/**
 * A list of what is wrong, at the top of the form, announced when it appears. A refusal that is
 * about no field (already voted, closed meanwhile, not allowed) has nothing to correct: it is a
 * notice, not a list under "correct the following". Each labelled error links to its field,
 * `#f-<field>`; a form whose fields carry a suffix because the page repeats their names in other
 * forms (`id="f-streetId-unit"`) passes the same suffix, so that the links still land on them.
 */
export function ErrorSummary({
  errors,
  labels,
  suffix,
}: {
  errors: FieldErrors | undefined;
  labels?: Record<string, string>;
  suffix?: string | number;
}) {
  const { t } = useTranslation();
  const message = useFieldMessage();
  if (!errors || Object.keys(errors).length === 0) return null;
  const entries = Object.entries(errors);
  if (entries.every(([field]) => field === "_form")) {
    return (
      <div className="error-summary" role="alert">
        {entries.map(([field, e]) => (
          <p key={field}>{message(e)}</p>
        ))}
      </div>
    );
  }
  return (
    <div className="error-summary" role="alert" aria-labelledby="error-summary-title">
      <h2 id="error-summary-title">{t("forms.errorSummary")}</h2>
      <ul>
        {entries.map(([field, e]) => (
          <li key={field}>
            {field === "_form" || !labels?.[field] ? (
              message(e)
            ) : (
              <a href={`#${fieldId(field, suffix)}`}>
                {labels[field]}: {message(e)}
              </a>
            )}
          </li>
        ))}
      </ul>
    </div>
  );
}

/**
 * One of a page's several forms: it posts its `intent` (and the ids of the row it acts on) ahead of
 * what the user fills in.
 */
export function IntentForm({
  intent,
  ids = {},
  children,
  ...form
}: Omit<FormProps, "method"> & { intent: string; ids?: Record<string, string | number> }) {
  return (
    <Form method="post" {...form}>
      <input type="hidden" name="intent" value={intent} />
      {Object.entries(ids).map(([name, value]) => (
        <input key={name} type="hidden" name={name} value={value} />
      ))}
      {children}
    </Form>
  );
}

/**
 * The refusal, when it answers this one of a page's forms: the same `intent` and, where the form
 * repeats for each row, the same row ids. The other forms keep their defaults.
 */
export function refusalFor(
  refused: Refusal | undefined,
  intent: string,
  ids: Record<string, string | number> = {},
): Refusal | undefined {
  if (refused?.values.intent !== intent) return undefined;
  const sameRow = Object.entries(ids).every(([name, id]) => refused.values[name] === String(id));
  return sameRow ? refused : undefined;
}

/** A confirmation after a redirect, e.g. ?done=requested. */
export function Notice({ children }: { children: ReactNode }) {
  return (
    <div className="notice" role="status">
      {children}
    </div>
  );
}

interface SelectFieldProps extends Labelled {
  options: ReadonlyArray<{ value: string; label: string }>;
  defaultValue?: string;
  /** A first, empty option ("any", "none"). */
  empty?: string;
  required?: boolean;
  /** When the same field appears in several forms on one page. */
  id?: string;
}

export function SelectField(props: SelectFieldProps) {
  const { name, label, options, defaultValue, hint, error, empty, required, id } = withKept(props);
  return (
    <FieldFrame inputId={id ?? `f-${name}`} label={label} hint={hint} error={error}>
      {(aria) => (
        <select name={name} defaultValue={defaultValue ?? ""} required={required} {...aria}>
          {empty !== undefined && <option value="">{empty}</option>}
          {options.map((o) => (
            <option key={o.value} value={o.value}>
              {o.label}
            </option>
          ))}
        </select>
      )}
    </FieldFrame>
  );
}

/** Several checkboxes under one legend; posted as the same field name repeated. */
export function CheckboxGroup({
  name,
  legend,
  options,
  checked,
  error,
}: {
  name: string;
  legend: ReactNode;
  options: ReadonlyArray<{ value: string; label: string }>;
  checked: readonly string[];
  error?: FieldError;
}) {
  const message = useFieldMessage();
  return (
    <fieldset
      className={`field checkboxes${error ? " has-error" : ""}`}
      id={`f-${name}`}
      aria-describedby={error ? `f-${name}-error` : undefined}
    >
      <legend>{legend}</legend>
      {error && (
        <p className="error" id={`f-${name}-error`}>
          {message(error)}
        </p>
      )}
      {options.map((o) => (
        <label key={o.value} className="check">
          <input
            type="checkbox"
            name={name}
            value={o.value}
            defaultChecked={checked.includes(o.value)}
          />{" "}
          {o.label}
        </label>
      ))}
    </fieldset>
  );
}

/**
 * Cancelling something with a reason (a meeting, a poll, a budget round): a titled card whose one
 * field is the reason everyone concerned will read, posted as the `cancel` intent.
 */
export function CancelForm({
  title,
  hint,
  label,
  submit,
  refused,
}: {
  title: string;
  hint: string;
  label: string;
  submit: string;
  refused: Refusal | undefined;
}) {
  return (
    <section aria-labelledby="cancel-title" className="card">
      <h2 id="cancel-title">{title}</h2>
      <p className="hint">{hint}</p>
      <IntentForm intent="cancel" noValidate>
        <ErrorSummary errors={refused?.errors} labels={{ reason: label }} suffix="cancel" />
        <TextArea
          name="reason"
          id="f-reason-cancel"
          rows={3}
          label={label}
          maxLength={CANCEL_REASON_MAX}
          refused={refused}
        />
        <button type="submit" className="danger">
          {submit}
        </button>
      </IntentForm>
    </section>
  );
}
