/**
 * Readable names for the API's schemas. Aliases only: the shapes themselves come from
 * `schema.d.ts`, which `npm run gen:api` writes from the backend's OpenAPI document.
 */
import type { components } from './schema';

type Schemas = components['schemas'];

export type Estimate = Schemas['Estimate'];
export type EstimateInput = Schemas['EstimateInput'];
export type Assumptions = Schemas['Assumptions'];
export type ConversationState = Schemas['ConversationState'];
export type ConversationCreate = Schemas['ConversationCreate'];
export type ChatMessage = Schemas['MessageOut'];
export type Turn = Schemas['TurnOut'];
export type LeadCreate = Schemas['LeadCreate'];
export type LeadReceipt = Schemas['LeadReceipt'];
export type ConsentDisclosure = Schemas['ConsentDisclosure'];
