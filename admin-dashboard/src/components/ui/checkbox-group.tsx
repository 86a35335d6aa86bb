import { useId } from "react";

interface CheckboxGroupProps<Value extends string> {
  legend: string;
  name: string;
  options: readonly { value: Value; label: string }[];
  selected: readonly Value[];
  onChange: (selected: Value[]) => void;
}

/** A fieldset of checkboxes for a multi-valued filter (status, tier...). */
export function CheckboxGroup<Value extends string>({ legend, name, options, selected, onChange }: CheckboxGroupProps<Value>) {
  const id = useId();
  return (
    <fieldset className="min-w-0">
      <legend className="mb-1 text-sm font-medium">{legend}</legend>
      <div className="flex flex-wrap gap-x-4 gap-y-1">
        {options.map((option) => (
          <div key={option.value} className="flex items-center gap-1.5 text-sm">
            <input
              id={`${id}-${option.value}`}
              type="checkbox"
              name={name}
              value={option.value}
              checked={selected.includes(option.value)}
              onChange={(event) => {
                const others = selected.filter((value) => value !== option.value);
                // Kept in the options' order, so the URL reads the same however it was clicked.
                const next = event.target.checked ? [...others, option.value] : others;
                onChange(options.map((o) => o.value).filter((value) => next.includes(value)));
              }}
              className="size-4 accent-primary"
            />
            <label htmlFor={`${id}-${option.value}`}>{option.label}</label>
          </div>
        ))}
      </div>
    </fieldset>
  );
}
