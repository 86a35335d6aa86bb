import { describe, expect, it } from 'vitest';

import { EMPTY_LEAD_FORM, type LeadFormValues } from './lead-fields';
import { mapServerErrors } from './server-errors';
import { normalizeUsPhone, parseMoney, toLeadCreate, validateLead } from './validation';

const VALID: LeadFormValues = {
  zip_code: ' 85004 ',
  homeowner: 'yes',
  property_type: 'single_family',
  street_address: '',
  roof_type: 'asphalt_shingle',
  shade: 'none',
  monthly_bill: '$210',
  credit_band: 'excellent',
  timeline: 'asap',
  battery_interest: '',
  first_name: 'Jane',
  last_name: "O'Neil-Doe",
  email: 'jane.doe@example.com',
  phone: '(602) 555-0142',
  consent: true,
};

describe('normalizeUsPhone (the API’s NANP rules)', () => {
  it.each([
    ['(602) 555-0142', '+16025550142'],
    ['602.555.0142', '+16025550142'],
    ['+1 602 555 0142', '+16025550142'],
    ['16025550142', '+16025550142'],
    [' 602-555-0142 ', '+16025550142'],
    ['(102) 555-0142', null], // area code starts with 1
    ['(602) 155-0142', null], // exchange starts with 1
    ['(611) 555-0142', null], // N11 area code
    ['(602) 411-0142', null], // N11 exchange
    ['+44 20 7946 0958', null], // not a US number
    ['602-555-014', null], // nine digits
    ['602-555-0142 ext 7', null], // letters
    ['', null],
  ])('%s -> %s', (input, expected) => {
    expect(normalizeUsPhone(input)).toBe(expected);
  });
});

describe('parseMoney', () => {
  it.each([
    ['210', 210],
    ['$1,250.50', 1250.5],
    [' $ 99 ', 99],
    ['.5', 0.5],
    ['abc', null],
    ['12a', null],
    ['-5', null],
    ['', null],
  ])('%s -> %s', (input, expected) => {
    expect(parseMoney(input)).toBe(expected);
  });
});

describe('validateLead', () => {
  it('accepts a complete form', () => {
    expect(validateLead(VALID)).toEqual({});
  });

  it('lists every missing answer, in the order of the form', () => {
    expect(Object.keys(validateLead(EMPTY_LEAD_FORM))).toEqual([
      'zip_code',
      'homeowner',
      'property_type',
      'roof_type',
      'shade',
      'monthly_bill',
      'timeline',
      'credit_band',
      'first_name',
      'last_name',
      'email',
      'phone',
      'consent',
    ]);
  });

  it.each<[Partial<LeadFormValues>, string, RegExp]>([
    [{ zip_code: '8500' }, 'zip_code', /5 digits/],
    [{ zip_code: '85004-1234' }, 'zip_code', /5 digits/],
    [{ monthly_bill: '0' }, 'monthly_bill', /more than \$0/],
    [{ monthly_bill: '3000.01' }, 'monthly_bill', /\$3,000 or less/],
    [{ monthly_bill: 'lots' }, 'monthly_bill', /amount in dollars/],
    [{ first_name: 'J4ne' }, 'first_name', /letters/],
    [{ first_name: '-Jane' }, 'first_name', /letters/],
    [{ last_name: 'D'.repeat(51) }, 'last_name', /50 characters/],
    [{ email: 'jane@example' }, 'email', /jane@example.com/],
    [{ email: 'jane doe@example.com' }, 'email', /jane@example.com/],
    [{ phone: '(123) 555-0142' }, 'phone', /US phone number/],
    [{ consent: false }, 'consent', /agree to be contacted/],
  ])('refuses %o', (change, field, message) => {
    const errors = validateLead({ ...VALID, ...change });
    expect(Object.keys(errors)).toEqual([field]);
    expect(Object.values(errors)[0]).toMatch(message);
  });

  it.each(['José', 'Mary Ann', 'St. John', 'D’Arcy', 'Zoë'])('accepts the name %s', (name) => {
    expect(validateLead({ ...VALID, first_name: name })).toEqual({});
  });

  it('accepts bills up to $3,000 exactly', () => {
    expect(validateLead({ ...VALID, monthly_bill: '3,000' })).toEqual({});
  });
});

describe('toLeadCreate', () => {
  it('builds the API request, leaving out what was not answered', () => {
    expect(toLeadCreate(VALID, 'v1', { utm_source: 'mail' })).toEqual({
      zip_code: '85004',
      homeowner: true,
      property_type: 'single_family',
      monthly_bill: 210,
      roof_type: 'asphalt_shingle',
      shade: 'none',
      credit_band: 'excellent',
      timeline: 'asap',
      first_name: 'Jane',
      last_name: "O'Neil-Doe",
      email: 'jane.doe@example.com',
      phone: '(602) 555-0142',
      consent: true,
      consent_version: 'v1',
      utm_source: 'mail',
    });
  });

  it('sends the optional answers when given; "not sure" about a battery is no answer', () => {
    const body = toLeadCreate(
      { ...VALID, street_address: ' 1 Main St ', battery_interest: 'no', homeowner: 'no' },
      'v1',
      {},
    );
    expect(body).toMatchObject({
      street_address: '1 Main St',
      battery_interest: false,
      homeowner: false,
    });
    expect(toLeadCreate({ ...VALID, battery_interest: 'unsure' }, 'v1', {})).not.toHaveProperty(
      'battery_interest',
    );
  });
});

describe('mapServerErrors', () => {
  it('puts each refusal on its field, in plain words', () => {
    const details = [
      {
        field: 'email',
        location: 'body',
        message: 'Value error, enter a valid email address, like jane@example.com',
        type: 'value_error',
      },
      {
        field: 'zip_code',
        location: 'body',
        message: "String should match pattern '^\\d{5}$'",
        type: 'string_pattern_mismatch',
      },
      {
        field: 'consent_version',
        location: 'body',
        message: 'String should have at least 64 characters',
        type: 'string_too_short',
      },
      { field: 'utm_source', location: 'body', message: 'Too long', type: 'string_too_long' },
    ];

    expect(mapServerErrors(details)).toEqual({
      fields: {
        email: 'Enter a valid email address, like jane@example.com',
        zip_code: 'Enter a ZIP code with 5 digits, like 85004',
        consent: 'Tick the box to agree to be contacted, so installers can send you quotes',
      },
      other: ['Too long'],
    });
  });

  it('ignores details it cannot read', () => {
    expect(mapServerErrors(null)).toEqual({ fields: {}, other: [] });
    expect(mapServerErrors([42, { nope: true }])).toEqual({ fields: {}, other: [] });
  });
});
