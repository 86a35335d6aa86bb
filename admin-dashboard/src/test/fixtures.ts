/** Realistic API bodies for tests, shaped by the generated schema (a schema change breaks them at compile time). */
import type { components } from "@/api/schema";
import type { Role } from "@/features/auth/roles";

type Schemas = components["schemas"];

export function adminUser(role: Role, overrides: Partial<Schemas["AdminUserOut"]> = {}): Schemas["AdminUserOut"] {
  return {
    id: `00000000-0000-4000-8000-00000000000${String(["analyst", "manager", "admin"].indexOf(role) + 1)}`,
    email: `${role}@example.com`,
    role,
    is_active: true,
    last_login_at: "2026-11-25T09:00:00Z",
    created_at: "2026-11-01T09:00:00Z",
    updated_at: "2026-11-25T09:00:00Z",
    ...overrides,
  };
}

export function tokenResponse(
  role: Role,
  userOverrides: Partial<Schemas["AdminUserOut"]> = {},
  overrides: Partial<Schemas["TokenOut"]> = {},
): Schemas["TokenOut"] {
  return {
    access_token: `access-${role}`,
    token_type: "bearer",
    expires_in: 900,
    expires_at: "2026-11-25T09:15:00Z",
    session_expires_at: "2026-11-25T21:00:00Z",
    idle_timeout_seconds: 1800,
    user: adminUser(role, userOverrides),
    ...overrides,
  };
}

export function leadSummary(overrides: Partial<Schemas["AdminLeadSummary"]> = {}): Schemas["AdminLeadSummary"] {
  return {
    id: "8a87d52e-2b9b-4dc7-a094-bc816fd20d5f",
    created_at: "2026-11-25T21:18:40Z",
    updated_at: "2026-11-25T21:18:40Z",
    status: "new",
    source: "form",
    score: 95,
    tier: "A",
    first_name: "Ada",
    last_name: "Lovelace",
    email: "ada@example.com",
    phone: "+16025550142",
    city: "Phoenix",
    state: "AZ",
    zip_code: "85001",
    monthly_bill_cents: 22000,
    homeowner: true,
    timeline: "asap",
    submission_count: 1,
    duplicate_state: null,
    erased: false,
    pii_masked: false,
    ...overrides,
  };
}

export const maskedLeadFields = {
  last_name: "L.",
  email: "a***@e***.com",
  phone: "+1******0142",
  pii_masked: true,
} satisfies Partial<Schemas["AdminLeadSummary"]>;

export function leadDetail(overrides: Partial<Schemas["AdminLeadDetail"]> = {}): Schemas["AdminLeadDetail"] {
  return {
    ...leadSummary(),
    allowed_statuses: ["unqualified"],
    submissions: [],
    duplicate_of: null,
    duplicate_reason: null,
    possible_duplicates: [],
    street_address: "12 Main St",
    property_type: "single_family",
    roof_type: "asphalt_shingle",
    shade: "none",
    credit_band: "excellent",
    battery_interest: null,
    estimate: {
      system_size_kw: 11.18,
      panel_count: 26,
      annual_production_kwh: 19437.6,
      offset_pct: 100.2,
      gross_cost_usd: 27726,
      incentives_usd: 0,
      net_cost_usd: 27726,
      year1_savings_usd: 2642.5,
      lifetime_net_savings_usd: 71234,
      payback_years: 9.4,
      electricity_rate_usd_per_kwh: 0.1402,
      notes: ["The federal credit ended for systems installed after 2025."],
    },
    score_factors: [
      { factor: "ownership", value: true, points: 20, max_points: 20, reason: "Owns the home and can sign for solar" },
      { factor: "monthly_bill", value: 220.0, points: 15, max_points: 20, reason: "A $150-249 bill gives solid savings" },
    ],
    unqualified_reason: null,
    utm: { utm_source: "google" },
    notes: null,
    consents: [
      {
        id: "e5186c07-441d-490c-8cb9-a53f27c93263",
        source: "form",
        conversation_id: null,
        disclosure_version: "0dda109eeab8feff7f0e02aa5b3e32cbdef06203426d3ddd6cc53dc7c6e377aa",
        disclosure_text: "By choosing \"I agree\", you ask Aurum Solar to contact you.",
        given_at: "2026-11-25T21:18:40Z",
        ip: "203.0.113.7",
        user_agent: "Mozilla/5.0 (X11; Linux x86_64)",
      },
    ],
    transcripts: [],
    ...overrides,
  };
}

export function conversationSummary(
  overrides: Partial<Schemas["AdminConversationSummary"]> = {},
): Schemas["AdminConversationSummary"] {
  return {
    id: "5b0f7f53-0d4c-4f0a-9d1e-3c2b1a000001",
    created_at: "2026-11-25T20:00:00Z",
    updated_at: "2026-11-25T20:05:00Z",
    status: "completed",
    agent: "guided",
    language: "en",
    awaiting: null,
    message_count: 2,
    lead_id: "8a87d52e-2b9b-4dc7-a094-bc816fd20d5f",
    first_name: "Ada",
    last_name: "Lovelace",
    zip_code: "85001",
    source: "chat",
    completed_at: "2026-11-25T20:05:00Z",
    pii_masked: false,
    ...overrides,
  };
}

export function conversationDetail(
  overrides: Partial<Schemas["AdminConversationDetail"]> = {},
): Schemas["AdminConversationDetail"] {
  return {
    ...conversationSummary(),
    slots: { zip_code: "85001", monthly_bill: 220, homeowner: true },
    estimate: null,
    utm: {},
    ip: "203.0.113.7",
    user_agent: "Mozilla/5.0",
    messages: [
      { seq: 1, role: "assistant", content: "Hi! What's your ZIP code?", meta: {}, created_at: "2026-11-25T20:00:00Z" },
      { seq: 2, role: "user", content: "85001\nand my bill is $220", meta: {}, created_at: "2026-11-25T20:00:10Z" },
    ],
    ...overrides,
  };
}

export function auditEntry(overrides: Partial<Schemas["AuditEntryOut"]> = {}): Schemas["AuditEntryOut"] {
  return {
    id: "a0000000-0000-4000-8000-000000000001",
    at: "2026-11-25T21:20:00Z",
    actor_id: "00000000-0000-4000-8000-000000000003",
    actor_email: "admin@example.com",
    action: "lead.update",
    target_type: "lead",
    target_id: "8a87d52e-2b9b-4dc7-a094-bc816fd20d5f",
    ip: "127.0.0.1",
    details: { changes: { status: { from: "new", to: "sold" } } },
    ...overrides,
  };
}
