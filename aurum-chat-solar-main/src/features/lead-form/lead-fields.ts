import type { LeadCreate } from '../../api/types';
import type { Option } from '../../components/form/fields';

export type PropertyType = LeadCreate['property_type'];
export type RoofType = LeadCreate['roof_type'];
export type Shade = LeadCreate['shade'];
export type CreditBand = LeadCreate['credit_band'];
export type Timeline = LeadCreate['timeline'];
export type YesNo = 'yes' | 'no';
export type BatteryInterest = 'yes' | 'no' | 'unsure';

/** What the form holds while the homeowner fills it in: text as typed, choices as chosen. */
export interface LeadFormValues {
  zip_code: string;
  homeowner: YesNo | '';
  property_type: PropertyType | '';
  street_address: string;
  roof_type: RoofType | '';
  shade: Shade | '';
  monthly_bill: string;
  credit_band: CreditBand | '';
  timeline: Timeline | '';
  battery_interest: BatteryInterest | '';
  first_name: string;
  last_name: string;
  email: string;
  phone: string;
  consent: boolean;
}

export type LeadField = keyof LeadFormValues;

/** The order fields appear in, which is the order errors are listed and focused in. */
export const FIELD_ORDER: readonly LeadField[] = [
  'zip_code',
  'homeowner',
  'property_type',
  'roof_type',
  'shade',
  'monthly_bill',
  'timeline',
  'credit_band',
  'battery_interest',
  'first_name',
  'last_name',
  'email',
  'phone',
  'street_address',
  'consent',
];

/** The form's first step: the home and the bill, enough for an estimate. */
export const HOME_STEP_FIELDS: readonly LeadField[] = [
  'zip_code',
  'homeowner',
  'property_type',
  'roof_type',
  'shade',
  'monthly_bill',
  'timeline',
  'credit_band',
  'battery_interest',
];

/** The last step, after the estimate: how installers reach the homeowner, and consent. */
export const CONTACT_STEP_FIELDS: readonly LeadField[] = [
  'first_name',
  'last_name',
  'email',
  'phone',
  'street_address',
  'consent',
];

export const EMPTY_LEAD_FORM: LeadFormValues = {
  zip_code: '',
  homeowner: '',
  property_type: '',
  street_address: '',
  roof_type: '',
  shade: '',
  monthly_bill: '',
  credit_band: '',
  timeline: '',
  battery_interest: '',
  first_name: '',
  last_name: '',
  email: '',
  phone: '',
  consent: false,
};

/** The id of a field's control (for a radio group, its first option). */
export function fieldId(field: LeadField): string {
  return `lead-${field.replaceAll('_', '-')}`;
}

export const HOMEOWNER_OPTIONS: readonly Option<YesNo>[] = [
  { value: 'yes', label: 'Yes, I own it' },
  { value: 'no', label: 'No, I rent' },
];

export const PROPERTY_TYPE_OPTIONS: readonly Option<PropertyType>[] = [
  { value: 'single_family', label: 'Single-family house' },
  { value: 'townhouse', label: 'Townhouse' },
  { value: 'condo', label: 'Condo' },
  { value: 'mobile_home', label: 'Mobile home' },
  { value: 'multi_family', label: 'Multi-family building' },
];

export const ROOF_TYPE_OPTIONS: readonly Option<RoofType>[] = [
  { value: 'asphalt_shingle', label: 'Asphalt shingle' },
  { value: 'metal', label: 'Metal' },
  { value: 'tile', label: 'Tile' },
  { value: 'flat', label: 'Flat' },
  { value: 'wood_shake', label: 'Wood shake' },
  { value: 'slate', label: 'Slate' },
  { value: 'other', label: 'Other or not sure' },
];

export const SHADE_OPTIONS: readonly Option<Shade>[] = [
  { value: 'none', label: 'No shade' },
  { value: 'light', label: 'A little' },
  { value: 'moderate', label: 'Partial' },
  { value: 'heavy', label: 'A lot' },
];

export const CREDIT_BAND_OPTIONS: readonly Option<CreditBand>[] = [
  { value: 'excellent', label: 'Excellent (720 or higher)' },
  { value: 'good', label: 'Good (680 to 719)' },
  { value: 'fair', label: 'Fair (640 to 679)' },
  { value: 'poor', label: 'Below 640' },
];

export const TIMELINE_OPTIONS: readonly Option<Timeline>[] = [
  { value: 'asap', label: 'As soon as possible' },
  { value: '1_3_months', label: 'In 1 to 3 months' },
  { value: '3_6_months', label: 'In 3 to 6 months' },
  { value: '6_12_months', label: 'In 6 to 12 months' },
  { value: 'researching', label: 'Just researching' },
];

export const BATTERY_OPTIONS: readonly Option<BatteryInterest>[] = [
  { value: 'yes', label: 'Yes' },
  { value: 'no', label: 'No' },
  { value: 'unsure', label: 'Not sure' },
];
