import type { InputHTMLAttributes, ReactNode, Ref } from 'react';

/**
 * Labelled form controls with a hint and an error, wired for assistive technology: the
 * label names the control, `aria-describedby` reads the hint and the error, and
 * `aria-invalid` marks a control with an error.
 */

export interface Option<Value extends string = string> {
  value: Value;
  label: string;
}

const controlBase =
  'mt-1 block min-h-11 w-full rounded-lg border border-stone-400 bg-white px-3 py-2 text-base text-ink aria-invalid:border-red-700 aria-invalid:ring-1 aria-invalid:ring-red-700';

export function describedBy(id: string, hint: unknown, error: unknown): string | undefined {
  const ids = [hint ? `${id}-hint` : '', error ? `${id}-error` : ''].filter(Boolean);
  return ids.length > 0 ? ids.join(' ') : undefined;
}

function Hint({ id, children }: { id: string; children: ReactNode }) {
  return (
    <p id={`${id}-hint`} className="mt-0.5 text-sm text-ink-muted">
      {children}
    </p>
  );
}

export function FieldError({ id, message }: { id: string; message: string | undefined }) {
  if (!message) return null;
  return (
    <p id={`${id}-error`} className="mt-1 text-sm font-medium text-red-800">
      <span className="sr-only">Error: </span>
      {message}
    </p>
  );
}

function Label({ id, label, optional }: { id: string; label: string; optional: boolean }) {
  return (
    <label htmlFor={id} className="block font-semibold text-ink">
      {label}
      {optional && <span className="font-normal text-ink-muted"> (optional)</span>}
    </label>
  );
}

interface TextFieldProps extends Omit<
  InputHTMLAttributes<HTMLInputElement>,
  'id' | 'value' | 'onChange' | 'className'
> {
  id: string;
  label: string;
  hint?: ReactNode;
  error?: string | undefined;
  optional?: boolean;
  value: string;
  onValueChange: (value: string) => void;
  /** Text shown inside the box before the value, such as "$". */
  prefix?: string;
  className?: string;
}

export function TextField({
  id,
  label,
  hint,
  error,
  optional = false,
  value,
  onValueChange,
  prefix,
  className = '',
  ...inputProps
}: TextFieldProps) {
  const input = (
    <input
      id={id}
      value={value}
      aria-invalid={error ? true : undefined}
      aria-describedby={describedBy(id, hint, error)}
      onChange={(event) => {
        onValueChange(event.target.value);
      }}
      className={`${controlBase} ${prefix ? 'pl-7' : ''}`}
      {...inputProps}
    />
  );
  return (
    <div className={className}>
      <Label id={id} label={label} optional={optional} />
      {hint && <Hint id={id}>{hint}</Hint>}
      {prefix ? (
        <div className="relative">
          <span
            aria-hidden="true"
            className="pointer-events-none absolute top-1/2 left-3 -translate-y-1/2 pt-1 text-ink-muted"
          >
            {prefix}
          </span>
          {input}
        </div>
      ) : (
        input
      )}
      <FieldError id={id} message={error} />
    </div>
  );
}

interface SelectFieldProps<Value extends string> {
  id: string;
  label: string;
  hint?: ReactNode;
  error?: string | undefined;
  value: Value | '';
  onValueChange: (value: Value | '') => void;
  options: readonly Option<Value>[];
  placeholder?: string;
  className?: string;
}

export function SelectField<Value extends string>({
  id,
  label,
  hint,
  error,
  value,
  onValueChange,
  options,
  placeholder = 'Choose one',
  className = '',
}: SelectFieldProps<Value>) {
  return (
    <div className={className}>
      <Label id={id} label={label} optional={false} />
      {hint && <Hint id={id}>{hint}</Hint>}
      <select
        id={id}
        value={value}
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy(id, hint, error)}
        onChange={(event) => {
          const chosen = options.find((option) => option.value === event.target.value);
          onValueChange(chosen ? chosen.value : '');
        }}
        className={controlBase}
      >
        <option value="">{placeholder}</option>
        {options.map((option) => (
          <option key={option.value} value={option.value}>
            {option.label}
          </option>
        ))}
      </select>
      <FieldError id={id} message={error} />
    </div>
  );
}

interface RadioGroupProps<Value extends string> {
  /** The first option's input takes this id, so an error summary can link to the group. */
  id: string;
  name: string;
  legend: string;
  hint?: ReactNode;
  error?: string | undefined;
  optional?: boolean;
  value: Value | '';
  onValueChange: (value: Value) => void;
  options: readonly Option<Value>[];
  className?: string;
}

export function RadioGroup<Value extends string>({
  id,
  name,
  legend,
  hint,
  error,
  optional = false,
  value,
  onValueChange,
  options,
  className = '',
}: RadioGroupProps<Value>) {
  return (
    <fieldset
      className={className}
      aria-describedby={describedBy(id, hint, error)}
      aria-invalid={error ? true : undefined}
    >
      <legend className="font-semibold text-ink">
        {legend}
        {optional && <span className="font-normal text-ink-muted"> (optional)</span>}
      </legend>
      {hint && <Hint id={id}>{hint}</Hint>}
      <div className="mt-2 flex flex-wrap gap-2">
        {options.map((option, index) => {
          const optionId = index === 0 ? id : `${id}-${option.value}`;
          return (
            <label
              key={option.value}
              htmlFor={optionId}
              className="flex min-h-11 cursor-pointer items-center gap-2 rounded-lg border border-stone-400 bg-white px-3 py-2 has-checked:border-aurum-700 has-checked:bg-aurum-50"
            >
              <input
                id={optionId}
                type="radio"
                name={name}
                value={option.value}
                checked={value === option.value}
                onChange={() => {
                  onValueChange(option.value);
                }}
                className="size-4 accent-aurum-700"
              />
              {option.label}
            </label>
          );
        })}
      </div>
      <FieldError id={id} message={error} />
    </fieldset>
  );
}

export interface SummaryItem {
  id: string;
  message: string;
}

/**
 * The list of problems at the top of a form, each linking to its field. It takes focus
 * when shown, so keyboard and screen-reader users learn at once what to fix.
 */
export function ErrorSummary({
  items,
  headingRef,
}: {
  items: SummaryItem[];
  headingRef: Ref<HTMLDivElement>;
}) {
  if (items.length === 0) return null;
  return (
    <div
      ref={headingRef}
      tabIndex={-1}
      aria-labelledby="error-summary-title"
      role="region"
      className="rounded-xl border-2 border-red-700 bg-red-50 p-4 text-red-950"
    >
      <h2 id="error-summary-title" className="font-bold">
        {items.length === 1 ? 'There is a problem' : `There are ${String(items.length)} problems`}
      </h2>
      <ul className="mt-2 list-disc space-y-1 pl-5">
        {items.map((item) => (
          <li key={item.id}>
            <a
              href={`#${item.id}`}
              className="font-medium text-red-900 underline underline-offset-2"
              onClick={(event) => {
                const field = document.getElementById(item.id);
                if (!field) return;
                event.preventDefault();
                field.focus(); // scrolls it into view too
              }}
            >
              {item.message}
            </a>
          </li>
        ))}
      </ul>
    </div>
  );
}
