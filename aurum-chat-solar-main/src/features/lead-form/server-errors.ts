import { FIELD_ORDER, type LeadField } from './lead-fields';
import type { FieldErrors } from './validation';

/** What to say when the API refuses a field the form's own checks let through. */
const REFUSED: Record<LeadField, string> = {
  zip_code: 'Enter a ZIP code with 5 digits, like 85004',
  homeowner: 'Tell us whether you own the home',
  property_type: 'Choose the type of home',
  street_address: 'Check the street address',
  roof_type: 'Choose what the roof is made of',
  shade: 'Choose how much shade the roof gets',
  monthly_bill: 'Enter an amount between $1 and $3,000',
  timeline: 'Choose when you would like solar installed',
  credit_band: 'Choose your rough credit score',
  battery_interest: 'Choose yes, no or not sure',
  first_name: 'Check your first name: use letters, spaces, hyphens, apostrophes or periods',
  last_name: 'Check your last name: use letters, spaces, hyphens, apostrophes or periods',
  email: 'Enter an email address like jane@example.com',
  phone: 'Enter a US phone number like (602) 555-0142',
  consent: 'Tick the box to agree to be contacted, so installers can send you quotes',
};

interface ValidationDetail {
  field: string;
  message: string;
  type: string;
}

function isValidationDetail(value: unknown): value is ValidationDetail {
  return (
    typeof value === 'object' &&
    value !== null &&
    'field' in value &&
    'message' in value &&
    typeof value.field === 'string' &&
    typeof value.message === 'string'
  );
}

function isLeadField(name: string): name is LeadField {
  return (FIELD_ORDER as readonly string[]).includes(name);
}

/** Pydantic prefixes a validator's own words with "Value error, ". */
function ownWords(message: string): string {
  const text = message.replace(/^Value error,\s*/, '');
  return text.charAt(0).toUpperCase() + text.slice(1);
}

export interface MappedServerErrors {
  fields: FieldErrors;
  /** Problems with something the homeowner cannot see or change. */
  other: string[];
}

/**
 * Puts the API's 422 `details` (`[{field, location, message, type}]`) on the form's
 * fields. A validator's own message ("enter a valid email address, like ...") is shown
 * as written; a bare pattern or range failure gets the form's plain-words message.
 */
export function mapServerErrors(details: unknown): MappedServerErrors {
  const mapped: MappedServerErrors = { fields: {}, other: [] };
  if (!Array.isArray(details)) return mapped;
  for (const detail of details) {
    if (!isValidationDetail(detail)) continue;
    const field = detail.field === 'consent_version' ? 'consent' : detail.field;
    if (!isLeadField(field)) {
      mapped.other.push(ownWords(detail.message));
    } else if (!mapped.fields[field]) {
      mapped.fields[field] =
        detail.type === 'value_error' && field !== 'consent'
          ? ownWords(detail.message)
          : REFUSED[field];
    }
  }
  return mapped;
}
