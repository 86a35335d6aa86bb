import { useMutation, useQuery } from '@tanstack/react-query';
import { useEffect, useRef, useState, type ReactNode, type SubmitEvent } from 'react';

import { useSearch } from 'wouter';

import { ApiError, NetworkError, userMessage } from '../../api/errors';
import type { Estimate, EstimateInput, LeadCreate, LeadReceipt } from '../../api/types';
import { EstimateCard } from '../../components/estimate/EstimateCard';
import {
  ErrorSummary,
  FieldError,
  RadioGroup,
  SelectField,
  TextField,
  describedBy,
} from '../../components/form/fields';
import { LegalLinks } from '../../components/legal/LegalLinks';
import { ProblemBanner } from '../../components/ProblemBanner';
import { primaryAction, secondaryAction } from '../../components/ui/styles';
import { trackOnce } from '../../lib/analytics';
import { randomUuid } from '../../lib/random-uuid';
import { readUtm } from '../../lib/utm';
import { consentDisclosureQuery, createLead, fetchEstimate } from './lead-api';
import {
  BATTERY_OPTIONS,
  CONTACT_STEP_FIELDS,
  CREDIT_BAND_OPTIONS,
  EMPTY_LEAD_FORM,
  FIELD_ORDER,
  fieldId,
  HOME_STEP_FIELDS,
  HOMEOWNER_OPTIONS,
  PROPERTY_TYPE_OPTIONS,
  ROOF_TYPE_OPTIONS,
  SHADE_OPTIONS,
  TIMELINE_OPTIONS,
  type LeadField,
  type LeadFormValues,
} from './lead-fields';
import { mapServerErrors } from './server-errors';
import {
  parseMoney,
  toLeadCreate,
  validateField,
  validateStep,
  type FieldErrors,
} from './validation';

export interface Submitted {
  receipt: LeadReceipt;
  firstName: string;
  homeowner: boolean;
}

interface FormProblem {
  message: string;
  /** Whether sending the same answers again may help (then with the same Idempotency-Key). */
  canRetry: boolean;
  waitSeconds: number;
}

export type Step = 'home' | 'estimate' | 'contact';

const STEPS: { step: Step; title: string }[] = [
  { step: 'home', title: 'Your home and bill' },
  { step: 'estimate', title: 'Your estimate' },
  { step: 'contact', title: 'Your details and consent' },
];

/** Where the homeowner is: step n of 3, each named, the current one marked for screen readers. */
function StepList({ current }: { current: Step }) {
  const index = STEPS.findIndex((entry) => entry.step === current);
  return (
    <ol aria-label="Steps" className="flex flex-wrap gap-x-6 gap-y-1 text-sm">
      {STEPS.map((entry, position) => (
        <li
          key={entry.step}
          aria-current={position === index ? 'step' : undefined}
          className={position === index ? 'font-bold text-ink' : 'text-ink-muted'}
        >
          {position + 1}. {entry.title}
          {position < index && <span className="sr-only"> (done)</span>}
        </li>
      ))}
    </ol>
  );
}

/** What the estimate needs from the first step (a valid step: see validateStep). */
function estimateInput(values: LeadFormValues): EstimateInput {
  const input: EstimateInput = { zip_code: values.zip_code.trim(), shade: values.shade || 'none' };
  const bill = parseMoney(values.monthly_bill);
  if (bill !== null) input.monthly_bill = bill;
  return input;
}

function Group({ id, title, children }: { id: string; title: string; children: ReactNode }) {
  return (
    <section
      aria-labelledby={id}
      className="rounded-2xl border border-aurum-100 bg-white p-4 sm:p-6"
    >
      <h2 id={id} className="text-xl font-bold">
        {title}
      </h2>
      <div className="mt-4 grid gap-5 sm:grid-cols-2">{children}</div>
    </section>
  );
}

/** How an API refusal shows on the form: on a field where it names one, else in a banner. */
function describeFailure(error: unknown): { fields: FieldErrors; problem: FormProblem | null } {
  const banner = (message: string, canRetry = true, waitSeconds = 0) => ({
    fields: {},
    problem: { message, canRetry, waitSeconds },
  });
  if (error instanceof NetworkError) {
    return banner(
      'We could not reach Aurum Solar, so your request has not been sent yet. Your answers are still here: check your internet connection, then try again.',
    );
  }
  if (!(error instanceof ApiError)) return banner(userMessage(error));
  switch (error.code) {
    case 'validation_error': {
      const mapped = mapServerErrors(error.details);
      const problem =
        mapped.other.length > 0
          ? { message: mapped.other.join(' '), canRetry: false, waitSeconds: 0 }
          : null;
      if (Object.keys(mapped.fields).length === 0 && !problem) return banner(error.message, false);
      return { fields: mapped.fields, problem };
    }
    case 'unknown_zip':
      return {
        fields: {
          zip_code:
            'We could not find this ZIP code. Check it is the 5-digit ZIP of a home in the 50 states or DC.',
        },
        problem: null,
      };
    case 'consent_outdated':
      return {
        fields: {
          consent:
            'The consent text changed after this page loaded. Please read the updated text and tick the box again.',
        },
        problem: null,
      };
    case 'idempotency_key_reused':
      return banner(
        'Your answers changed while we were saving the first request. Please check them and send the form again.',
      );
    case 'idempotency_in_progress':
      return banner('We are still saving your request. Please try again in a moment.');
    case 'rate_limited': {
      const seconds = Math.max(1, error.retryAfterSeconds ?? 10);
      return banner(
        `Too many requests from your connection. Please wait ${String(seconds)} seconds, then try again.`,
        true,
        seconds,
      );
    }
    default:
      return banner(error.message, error.status >= 500);
  }
}

export function LeadForm({ onSubmitted }: { onSubmitted: (submitted: Submitted) => void }) {
  const disclosure = useQuery(consentDisclosureQuery);
  /** How many installers may contact the homeowner (null: the most, the default). */
  const [buyers, setBuyers] = useState<number | null>(null);
  const choices = disclosure.data?.choices ?? [];
  const chosen = choices.find((choice) => choice.max_buyers === buyers) ?? choices.at(-1);
  const consentText = chosen?.text ?? disclosure.data?.text;
  const consentVersion = chosen?.version ?? disclosure.data?.version;
  const search = useSearch();
  const [values, setValues] = useState<LeadFormValues>(EMPTY_LEAD_FORM);
  const [errors, setErrors] = useState<FieldErrors>({});
  const [problem, setProblem] = useState<FormProblem | null>(null);
  const [step, setStep] = useState<Step>('home');
  /** The estimate shown and the answers it was made for (changed answers: a new one). */
  const [shown, setShown] = useState<{ estimate: Estimate; input: string } | null>(null);
  /** This visit to the form, for the funnel's once-only steps. */
  const [visit] = useState(randomUuid);
  /** Bumped whenever errors are shown, to move focus to the summary again. */
  const [errorRound, setErrorRound] = useState(0);
  const summary = useRef<HTMLDivElement>(null);
  const stepHeading = useRef<HTMLHeadingElement>(null);
  const movedStep = useRef(false);
  /** This submission's key and the request it was made for (same request, same key). */
  const attempt = useRef<{ key: string; request: string } | null>(null);
  const submission = useMutation({
    mutationFn: ({ body, key }: { body: LeadCreate; key: string }) => createLead(body, key),
  });
  const estimating = useMutation({ mutationFn: fetchEstimate });

  useEffect(() => {
    if (errorRound > 0) summary.current?.focus();
  }, [errorRound]);

  // A new step replaces the old one: its heading gets focus, so the reader starts there.
  useEffect(() => {
    if (!movedStep.current) return;
    movedStep.current = false;
    stepHeading.current?.focus();
  }, [step]);

  function goTo(next: Step) {
    movedStep.current = true;
    setProblem(null);
    setStep(next);
  }

  function update<Field extends LeadField>(field: Field, value: LeadFormValues[Field]) {
    const next = { ...values, [field]: value };
    setValues(next);
    // A field already marked wrong is re-checked as it changes, so the error clears once fixed.
    if (errors[field]) setErrors({ ...errors, [field]: validateField(field, next) });
  }

  function showErrors(found: FieldErrors) {
    setErrors(found);
    setErrorRound((round) => round + 1);
  }

  function showEstimate() {
    if (estimating.isPending) return;
    const input = estimateInput(values);
    const key = JSON.stringify(input);
    if (shown?.input === key) {
      goTo('estimate');
      return;
    }
    setProblem(null);
    estimating.mutate(input, {
      onSuccess: (estimate) => {
        setShown({ estimate, input: key });
        trackOnce('estimate_shown', visit);
        goTo('estimate');
      },
      onError: (error) => {
        const failure = describeFailure(error);
        setProblem(failure.problem);
        if (Object.keys(failure.fields).length > 0) showErrors(failure.fields);
      },
    });
  }

  function send() {
    if (!consentVersion || submission.isPending) return;
    const body = toLeadCreate(values, consentVersion, readUtm(search));
    const request = JSON.stringify(body);
    // A retry of the same answers reuses the key, so the API returns the first result
    // instead of saving the request twice; changed answers are a new submission.
    if (attempt.current?.request !== request) attempt.current = { key: randomUuid(), request };
    const { key } = attempt.current;
    setProblem(null);
    submission.mutate(
      { body, key },
      {
        onSuccess: (receipt) => {
          trackOnce('consented', visit);
          onSubmitted({ receipt, firstName: body.first_name, homeowner: body.homeowner });
        },
        onError: (error) => {
          const failure = describeFailure(error);
          if (error instanceof ApiError && error.code === 'consent_outdated') {
            setValues((current) => ({ ...current, consent: false }));
            void disclosure.refetch();
          }
          if (error instanceof ApiError && error.code === 'idempotency_key_reused') {
            attempt.current = null;
          }
          setProblem(failure.problem);
          // The API refused an answer from the first step: go back to it.
          if (HOME_STEP_FIELDS.some((field) => failure.fields[field])) goTo('home');
          if (Object.keys(failure.fields).length > 0) showErrors(failure.fields);
        },
      },
    );
  }

  function handleSubmit(event: SubmitEvent<HTMLFormElement>) {
    event.preventDefault();
    if (step === 'estimate') {
      goTo('contact');
      return;
    }
    const fields = step === 'home' ? HOME_STEP_FIELDS : CONTACT_STEP_FIELDS;
    const found = validateStep(values, fields);
    if (step === 'contact' && !disclosure.data && !found.consent) {
      found.consent =
        'The consent text has not loaded yet. Load it below, read it, then send the form.';
    }
    if (Object.keys(found).length > 0) {
      setProblem(null);
      showErrors(found);
      return;
    }
    setErrors({});
    if (step === 'home') {
      showEstimate();
      return;
    }
    if (submission.isPending) return;
    trackOnce('contact_given', visit);
    send();
  }

  const stepFields = step === 'home' ? HOME_STEP_FIELDS : CONTACT_STEP_FIELDS;
  const summaryItems = FIELD_ORDER.flatMap((field) => {
    const message = stepFields.includes(field) ? errors[field] : undefined;
    return message ? [{ id: fieldId(field), message }] : [];
  });
  const consentId = fieldId('consent');
  const disclosureId = `${consentId}-text`;
  const stepTitle = STEPS.find((entry) => entry.step === step)?.title ?? '';

  return (
    <form noValidate onSubmit={handleSubmit} className="mt-8 flex max-w-3xl flex-col gap-6">
      <StepList current={step} />
      <h2
        ref={stepHeading}
        tabIndex={-1}
        className="sr-only"
      >{`Step ${String(STEPS.findIndex((entry) => entry.step === step) + 1)} of 3: ${stepTitle}`}</h2>
      <ErrorSummary items={summaryItems} headingRef={summary} />

      {step === 'home' && (
        <>
          <Group id="lead-home-heading" title="Your home">
            <TextField
              id={fieldId('zip_code')}
              label="ZIP code"
              hint="5 digits, like 85004"
              inputMode="numeric"
              autoComplete="postal-code"
              maxLength={10}
              value={values.zip_code}
              error={errors.zip_code}
              onValueChange={(value) => {
                update('zip_code', value);
              }}
            />
            <RadioGroup
              id={fieldId('homeowner')}
              name="homeowner"
              legend="Do you own this home?"
              options={HOMEOWNER_OPTIONS}
              value={values.homeowner}
              error={errors.homeowner}
              onValueChange={(value) => {
                update('homeowner', value);
              }}
            />
            <SelectField
              id={fieldId('property_type')}
              label="Type of home"
              options={PROPERTY_TYPE_OPTIONS}
              value={values.property_type}
              error={errors.property_type}
              onValueChange={(value) => {
                update('property_type', value);
              }}
            />
            <SelectField
              id={fieldId('roof_type')}
              label="What the roof is made of"
              options={ROOF_TYPE_OPTIONS}
              value={values.roof_type}
              error={errors.roof_type}
              onValueChange={(value) => {
                update('roof_type', value);
              }}
            />
            <RadioGroup
              id={fieldId('shade')}
              name="shade"
              legend="Shade on the roof during the day"
              hint="From trees or buildings"
              options={SHADE_OPTIONS}
              value={values.shade}
              error={errors.shade}
              onValueChange={(value) => {
                update('shade', value);
              }}
            />
          </Group>

          <Group id="lead-energy-heading" title="Your energy use and plans">
            <TextField
              id={fieldId('monthly_bill')}
              label="Typical monthly electricity bill"
              hint="In US dollars; a rough figure is fine"
              prefix="$"
              inputMode="decimal"
              value={values.monthly_bill}
              error={errors.monthly_bill}
              onValueChange={(value) => {
                update('monthly_bill', value);
              }}
            />
            <SelectField
              id={fieldId('timeline')}
              label="When would you like solar installed?"
              options={TIMELINE_OPTIONS}
              value={values.timeline}
              error={errors.timeline}
              onValueChange={(value) => {
                update('timeline', value);
              }}
            />
            <SelectField
              id={fieldId('credit_band')}
              label="Your credit score, roughly"
              hint="Only to match you with financing. Nobody runs a credit check."
              options={CREDIT_BAND_OPTIONS}
              value={values.credit_band}
              error={errors.credit_band}
              onValueChange={(value) => {
                update('credit_band', value);
              }}
            />
            <RadioGroup
              id={fieldId('battery_interest')}
              name="battery_interest"
              legend="Interested in a home battery for backup power?"
              optional
              options={BATTERY_OPTIONS}
              value={values.battery_interest}
              error={errors.battery_interest}
              onValueChange={(value) => {
                update('battery_interest', value);
              }}
            />
          </Group>
        </>
      )}

      {step === 'estimate' && shown && (
        <>
          <EstimateCard estimate={shown.estimate} headingLevel={2} />
          <p className="text-ink-muted">
            Nothing is shared yet. If you would like installers who serve your area to confirm this
            with a firm quote, continue to the last step.
          </p>
        </>
      )}

      {step === 'contact' && (
        <>
          <Group id="lead-contact-heading" title="How installers can reach you">
            <TextField
              id={fieldId('first_name')}
              label="First name"
              autoComplete="given-name"
              maxLength={50}
              value={values.first_name}
              error={errors.first_name}
              onValueChange={(value) => {
                update('first_name', value);
              }}
            />
            <TextField
              id={fieldId('last_name')}
              label="Last name"
              autoComplete="family-name"
              maxLength={50}
              value={values.last_name}
              error={errors.last_name}
              onValueChange={(value) => {
                update('last_name', value);
              }}
            />
            <TextField
              id={fieldId('email')}
              label="Email"
              hint="Installers who receive your request reach you here"
              type="email"
              autoComplete="email"
              spellCheck={false}
              maxLength={254}
              value={values.email}
              error={errors.email}
              onValueChange={(value) => {
                update('email', value);
              }}
            />
            <TextField
              id={fieldId('phone')}
              label="Phone"
              hint="A US number, like (602) 555-0142"
              type="tel"
              autoComplete="tel-national"
              maxLength={32}
              value={values.phone}
              error={errors.phone}
              onValueChange={(value) => {
                update('phone', value);
              }}
            />
            <TextField
              id={fieldId('street_address')}
              label="Street address"
              hint="Helps installers check your roof. You can leave it out."
              optional
              autoComplete="street-address"
              maxLength={200}
              value={values.street_address}
              error={errors.street_address}
              onValueChange={(value) => {
                update('street_address', value);
              }}
            />
          </Group>

          <section
            aria-labelledby="lead-consent-heading"
            className="rounded-2xl border border-aurum-100 bg-white p-4 sm:p-6"
          >
            <h2 id="lead-consent-heading" className="text-xl font-bold">
              Your consent
            </h2>
            {disclosure.isPending && (
              <p role="status" className="mt-3 text-ink-muted">
                Loading the consent text…
              </p>
            )}
            {disclosure.isError && (
              <ProblemBanner
                className="mt-3"
                message={`We could not load the consent text, and you need to read it before sending the form. ${userMessage(disclosure.error)}`}
                actionLabel="Load it again"
                busyLabel={disclosure.isFetching ? 'Loading…' : null}
                onAction={() => {
                  void disclosure.refetch();
                }}
              />
            )}
            {disclosure.data && (
              <>
                {choices.length > 1 && (
                  <fieldset className="mt-3">
                    <legend className="font-semibold">How many installers may contact you?</legend>
                    <div className="mt-2 flex flex-wrap gap-x-5 gap-y-2">
                      {choices.map((choice) => (
                        <label key={choice.max_buyers} className="flex items-center gap-2">
                          <input
                            type="radio"
                            name={`${consentId}-buyers`}
                            value={choice.max_buyers}
                            checked={choice === chosen}
                            onChange={() => {
                              setBuyers(choice.max_buyers);
                              // The agreement is to the text shown: a new text asks again.
                              update('consent', false);
                            }}
                            className="size-4 accent-aurum-700"
                          />
                          {choice.max_buyers === 1
                            ? 'Only 1 installer'
                            : `Up to ${String(choice.max_buyers)} installers`}
                        </label>
                      ))}
                    </div>
                  </fieldset>
                )}
                <p
                  id={disclosureId}
                  className="mt-3 rounded-lg border border-aurum-200 bg-aurum-50 p-4 whitespace-pre-wrap text-ink"
                >
                  {consentText}
                </p>
                <LegalLinks className="mt-2" />
                <div className="mt-4 flex items-start gap-3">
                  <input
                    id={consentId}
                    type="checkbox"
                    checked={values.consent}
                    aria-invalid={errors.consent ? true : undefined}
                    aria-describedby={`${disclosureId} ${describedBy(consentId, null, errors.consent) ?? ''}`.trim()}
                    onChange={(event) => {
                      update('consent', event.target.checked);
                    }}
                    className="mt-1 size-5 shrink-0 accent-aurum-700"
                  />
                  <label htmlFor={consentId} className="font-semibold">
                    I agree to be contacted about solar as described above
                  </label>
                </div>
              </>
            )}
            <FieldError id={consentId} message={errors.consent} />
          </section>
        </>
      )}

      {problem && (
        <ProblemBanner
          key={`${problem.message}:${String(submission.failureCount + estimating.failureCount)}`}
          message={problem.message}
          actionLabel={problem.canRetry ? 'Try again' : 'Send the form again'}
          waitSeconds={problem.waitSeconds}
          busyLabel={submission.isPending || estimating.isPending ? 'Sending…' : null}
          onAction={step === 'home' ? showEstimate : send}
        />
      )}

      <div>
        <div className="flex flex-col gap-3 sm:flex-row">
          {step === 'home' && (
            <button
              type="submit"
              aria-disabled={estimating.isPending}
              className={`${primaryAction} aria-disabled:opacity-70`}
            >
              {estimating.isPending ? 'Working out your estimate…' : 'See my estimate'}
            </button>
          )}
          {step === 'estimate' && (
            <>
              <button type="submit" className={primaryAction}>
                Continue to get quotes
              </button>
              <button
                type="button"
                className={secondaryAction}
                onClick={() => {
                  goTo('home');
                }}
              >
                Change my answers
              </button>
            </>
          )}
          {step === 'contact' && (
            <>
              <button
                type="submit"
                aria-disabled={submission.isPending}
                className={`${primaryAction} aria-disabled:opacity-70`}
              >
                {submission.isPending ? 'Sending…' : 'Send my request for quotes'}
              </button>
              <button
                type="button"
                className={secondaryAction}
                onClick={() => {
                  goTo('estimate');
                }}
              >
                Back to my estimate
              </button>
            </>
          )}
        </div>
        <p className="mt-2 text-sm text-ink-muted">
          {step === 'contact'
            ? 'Free, with no obligation. We only share your details as the consent text above says.'
            : 'Free, with no obligation. Nothing is shared until you agree at the last step.'}
        </p>
      </div>
    </form>
  );
}
