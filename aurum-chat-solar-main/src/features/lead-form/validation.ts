/**
 * The lead form's rules, the same as the API's (`app/leads/schemas.py`), so most mistakes
 * are caught before sending. The API stays the judge: what it still refuses comes back as
 * a 422 and is shown on the field it names.
 */
import type { LeadCreate } from '../../api/types';
import type { Utm } from '../../lib/utm';
import { FIELD_ORDER, type LeadField, type LeadFormValues } from './lead-fields';

export type FieldErrors = Partial<Record<LeadField, string>>;

// The API's `maximum` for monthly_bill (the solar engine's cap; see the OpenAPI document).
export const MAX_MONTHLY_BILL_USD = 3000;
const MAX_NAME_LENGTH = 50;
const MAX_STREET_LENGTH = 200;
const MAX_EMAIL_LENGTH = 254;

/** A letter, then letters, spaces, apostrophes, hyphens or periods (the API's NAME_PATTERN). */
const NAME_PATTERN = /^\p{L}[\p{L}'\u2019\-. ]*$/u;
const EMAIL_SHAPE = /^[^\s@]+@[^\s@.]+(?:\.[^\s@.]+)+$/;
const PHONE_CHARACTERS = /^\+?[0-9\s().-]+$/;

/** "$1,250.50" -> 1250.5; null when it is not an amount. */
export function parseMoney(text: string): number | null {
  const cleaned = text.replace(/[$,\s]/g, '');
  if (!/^\d+(?:\.\d+)?$|^\.\d+$/.test(cleaned)) return null;
  return Number(cleaned);
}

/**
 * A US phone number in E.164 (+1 and ten digits), or null. North American numbering: the
 * area code and the exchange start with 2-9 and neither ends in 11 (the API's rule).
 */
export function normalizeUsPhone(text: string): string | null {
  const candidate = text.normalize('NFKC').trim();
  if (!candidate || candidate.length > 32 || !PHONE_CHARACTERS.test(candidate)) return null;
  let digits = candidate.replace(/\D/g, '');
  if (candidate.startsWith('+') && !digits.startsWith('1')) return null;
  if (digits.length === 11 && digits.startsWith('1')) digits = digits.slice(1);
  if (digits.length !== 10) return null;
  const area = digits.slice(0, 3);
  const exchange = digits.slice(3, 6);
  const nanp = /^[2-9]/.test(area) && /^[2-9]/.test(exchange);
  if (!nanp || area.slice(1) === '11' || exchange.slice(1) === '11') return null;
  return `+1${digits}`;
}

function nameError(value: string, which: 'first' | 'last'): string | undefined {
  const name = value.trim();
  if (!name) return `Enter your ${which} name`;
  if (name.length > MAX_NAME_LENGTH) {
    return `Your ${which} name must be ${String(MAX_NAME_LENGTH)} characters or fewer`;
  }
  if (!NAME_PATTERN.test(name)) {
    return `Use letters for your ${which} name (spaces, hyphens, apostrophes and periods are fine)`;
  }
  return undefined;
}

const checks: Record<LeadField, (values: LeadFormValues) => string | undefined> = {
  zip_code: ({ zip_code }) => {
    const zip = zip_code.trim();
    if (!zip) return 'Enter the ZIP code of the home';
    if (!/^\d{5}$/.test(zip)) return 'Enter a ZIP code with 5 digits, like 85004';
    return undefined;
  },
  homeowner: ({ homeowner }) => (homeowner ? undefined : 'Tell us whether you own the home'),
  property_type: ({ property_type }) => (property_type ? undefined : 'Choose the type of home'),
  street_address: ({ street_address }) =>
    street_address.trim().length > MAX_STREET_LENGTH
      ? `The street address must be ${String(MAX_STREET_LENGTH)} characters or fewer`
      : undefined,
  roof_type: ({ roof_type }) => (roof_type ? undefined : 'Choose what the roof is made of'),
  shade: ({ shade }) => (shade ? undefined : 'Choose how much shade the roof gets'),
  monthly_bill: ({ monthly_bill }) => {
    if (!monthly_bill.trim()) return 'Enter your typical monthly electricity bill';
    const amount = parseMoney(monthly_bill);
    if (amount === null) return 'Enter the bill as an amount in dollars, like 150';
    if (amount <= 0) return 'Enter an amount more than $0';
    if (amount > MAX_MONTHLY_BILL_USD) return 'Enter an amount of $3,000 or less';
    return undefined;
  },
  timeline: ({ timeline }) => (timeline ? undefined : 'Choose when you would like solar installed'),
  credit_band: ({ credit_band }) => (credit_band ? undefined : 'Choose your rough credit score'),
  battery_interest: () => undefined,
  first_name: ({ first_name }) => nameError(first_name, 'first'),
  last_name: ({ last_name }) => nameError(last_name, 'last'),
  email: ({ email }) => {
    const address = email.trim();
    if (!address) return 'Enter your email address';
    if (address.length > MAX_EMAIL_LENGTH || !EMAIL_SHAPE.test(address)) {
      return 'Enter an email address like jane@example.com';
    }
    return undefined;
  },
  phone: ({ phone }) => {
    if (!phone.trim()) return 'Enter your phone number';
    return normalizeUsPhone(phone) ? undefined : 'Enter a US phone number like (602) 555-0142';
  },
  consent: ({ consent }) =>
    consent
      ? undefined
      : 'Tick the box to agree to be contacted, so installers can send you quotes',
};

export function validateField(field: LeadField, values: LeadFormValues): string | undefined {
  return checks[field](values);
}

/** Every problem with the form, in the order the fields appear; empty when it can be sent. */
export function validateLead(values: LeadFormValues): FieldErrors {
  const errors: FieldErrors = {};
  for (const field of FIELD_ORDER) {
    const error = checks[field](values);
    if (error) errors[field] = error;
  }
  return errors;
}

/** The problems among `fields` only (one step of the form). */
export function validateStep(values: LeadFormValues, fields: readonly LeadField[]): FieldErrors {
  const errors: FieldErrors = {};
  for (const field of fields) {
    const error = checks[field](values);
    if (error) errors[field] = error;
  }
  return errors;
}

function chosen<Value extends string>(value: Value | '', field: LeadField): Value {
  if (value === '')
    throw new Error(`toLeadCreate: ${field} is not chosen; validate the form first.`);
  return value;
}

/** The API request for a form that passed `validateLead`. */
export function toLeadCreate(values: LeadFormValues, consentVersion: string, utm: Utm): LeadCreate {
  const monthlyBill = parseMoney(values.monthly_bill);
  if (monthlyBill === null) throw new Error('toLeadCreate: the bill is not an amount.');
  const body: LeadCreate = {
    zip_code: values.zip_code.trim(),
    homeowner: chosen(values.homeowner, 'homeowner') === 'yes',
    property_type: chosen(values.property_type, 'property_type'),
    monthly_bill: monthlyBill,
    roof_type: chosen(values.roof_type, 'roof_type'),
    shade: chosen(values.shade, 'shade'),
    credit_band: chosen(values.credit_band, 'credit_band'),
    timeline: chosen(values.timeline, 'timeline'),
    first_name: values.first_name.trim(),
    last_name: values.last_name.trim(),
    email: values.email.trim(),
    phone: values.phone.trim(),
    consent: values.consent,
    consent_version: consentVersion,
    ...utm,
  };
  const street = values.street_address.trim();
  if (street) body.street_address = street;
  if (values.battery_interest === 'yes' || values.battery_interest === 'no') {
    body.battery_interest = values.battery_interest === 'yes';
  }
  return body;
}
