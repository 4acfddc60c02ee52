/** The shape of a workflow definition file (workflows/*.json); definition.schema.json is the contract. */
export interface Localized {
  zh: string;
  en: string;
}

export type Level = 'village' | 'town' | 'district' | 'city' | 'province';
export type Stage = 'enlistment' | 'service' | 'discharge';

/** A form field's drawing hints (`x-ui`): the pages read them, the data never depends on them. */
/**
 * Where a prefilled field's value comes from: a person-file field by name (`"mobile"`), or one read
 * through a table of its values when the form asks it differently (`{ "from": "politicalStatus",
 * "values": { "party-member": true, "masses": false } }` for a yes/no 是否党员); a value the table
 * lacks is not filled.
 */
type PrefillSource = string | { from: string; values: Record<string, unknown> };

export interface FieldUi {
  widget?: string;
  labels?: Record<string, string>;
  labelsEn?: Record<string, string>;
  unit?: string;
  placeholder?: string;
  /**
   * `same-level`: the case's answer is offered again only to a step of the level that gave it (an
   * opinion is the writer's own: the district's 审核意见 does not start with the town's words).
   */
  carry?: 'same-level';
  /** On a form itself, not a field: the form's sections, each a page of its own behind a task list (ADR 0021). */
  sections?: FormSection[];
}

/** One section of a long form: its title and the fields it asks, in the form's order. */
export interface FormSection {
  title: Localized;
  fields: string[];
}

/**
 * One cross-field rule of a form (`x-rules`, src/definitions/form-rules.ts), e.g.
 * `{ "rule": "notBefore", "field": "reportDate", "other": "dischargeDate" }`.
 */
export interface FormRule {
  rule: string;
  field: string;
  other?: string;
}

/**
 * A JSON Schema (2020-12) as the definitions write it: the keywords the code reads, typed, and the
 * project's `x-…` keywords; ajv validates the rest, which the index signature lets through.
 */
export interface JsonSchema {
  type?: string | string[];
  title?: string;
  description?: string;
  default?: unknown;
  const?: unknown;
  enum?: unknown[];
  format?: string;
  pattern?: string;
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  properties?: Record<string, JsonSchema>;
  additionalProperties?: boolean | JsonSchema;
  required?: string[];
  items?: JsonSchema;
  prefixItems?: JsonSchema[];
  oneOf?: JsonSchema[];
  anyOf?: JsonSchema[];
  allOf?: JsonSchema[];
  not?: JsonSchema;
  if?: JsonSchema;
  then?: JsonSchema;
  else?: JsonSchema;
  'x-title-en'?: string;
  'x-ui'?: FieldUi;
  'x-rules'?: FormRule[];
  /** What a person is told when the value is refused, instead of ajv's wording. */
  'x-error'?: Localized;
  /** Masked in logs and views (src/http/mask.ts). */
  'x-sensitive'?: boolean;
  /** Strings left exactly as sent, never normalised (passwords; src/definitions/plain-text.ts). */
  'x-raw'?: boolean;
  [keyword: string]: unknown;
}

export type Sla =
  | { workingDays: number }
  | { calendarDays: number }
  /** A calendar deadline, month-day, e.g. "08-01" for "before 1 August". */
  | { before: string };

/** Lateness counted from two date fields of the case: `at` more than `moreThan` days after `from` + `calendarDays`. */
export interface DaysLate {
  from: string;
  calendarDays?: number;
  at: string;
  moreThan: number;
  label: Localized;
  message?: Localized;
}

export type GuardRef =
  | { type: 'matches'; params: { schema: JsonSchema; message: Localized } }
  | { type: 'materialsComplete'; params?: undefined }
  | { type: 'daysLate'; params: DaysLate }
  | { type: 'all'; params: { guards: GuardRef[] } };

export type ActionRef =
  | { type: 'issueNotice'; params: { notice: string } }
  | { type: 'setOutcome'; params: { outcome: string } }
  | { type: 'startCase'; params: { workflowId: string } };

/** How the person can challenge an adverse decision; the notice prints exactly this route. */
export type Remedy =
  /** 行政复议 to the district's review body or 行政诉讼; `reviewFirst` when the law puts review first. */
  | { kind: 'administrative'; reviewFirst?: boolean; note?: string }
  /** 信访 handling: 复查 then 复核, outside 复议 and 诉讼. */
  | { kind: 'petition'; next: 'review' | 'recheck' }
  /** A body above the district decided: the route its decision names (form fields decisionBody, reviewBody, court). */
  | { kind: 'external' }
  | { kind: 'none'; reason: Localized };

export interface TransitionConfig {
  target?: string;
  guard?: GuardRef;
  actions?: ActionRef[];
  remedy?: Remedy;
  description?: string;
}

interface EventMeta {
  form?: string;
  roles?: string[];
}

interface StateMeta {
  step: Localized;
  level?: Level;
  /** Decided by a body above the district; a district user records the decision. */
  external?: boolean;
  roles?: string[];
  sla?: Sla;
  timer?: Sla & { event: string };
  fourEyes?: boolean;
  /** The step waits for the applicant (补正): the previous step's SLA clock stops and resumes on return. */
  pausesClock?: boolean;
  /** Materials checked at this step (ids from `materials`). */
  materials?: string[];
  events?: Record<string, EventMeta>;
  outcome?: string;
}

export interface StateConfig {
  type?: 'final';
  description?: string;
  meta: StateMeta;
  entry?: ActionRef[];
  on?: Record<string, TransitionConfig | TransitionConfig[]>;
}

export interface Material {
  id: string;
  title: Localized;
  required: boolean;
  /** Required only when the case data matches this JSON Schema. */
  condition?: JsonSchema;
  originalSeen?: boolean;
  /** What an uploaded scan or photo of it must be (src/attachments/file-rule.ts). */
  file?: FileRule;
}

/** A material's file rule as its definition states it: types by content, size in KB of 1024 bytes. */
export interface FileRule {
  types?: ('application/pdf' | 'image/jpeg' | 'image/png')[];
  minKB?: number;
  maxKB?: number;
}

export interface NoticeDef {
  kind: 'receipt' | 'accepted' | 'correction' | 'refusal' | 'decision' | 'letter' | 'completion' | 'public-notice' | 'other';
  title: Localized;
  template: string;
  /**
   * Whom a letter is written to: a form field of the case, or
   * a named setting (NoticeSettings.addressees). Letters only.
   */
  addressee?: { field: string } | { setting: string };
  /** A letter's period of validity from its date; `note` names the source of the period. */
  validity?: { calendarDays: number; note: string };
  /** What a notice the machine issues by itself (a timer's) states as its reason and basis. */
  reason?: Localized;
  legalBasis?: string;
}

export interface WorkflowDefinition {
  $schema?: string;
  formatVersion: 1;
  id: string;
  version: number;
  stage: Stage;
  order: number;
  title: Localized;
  /** The first part of the item's case numbers (退报-2026-00123), unique among the items. */
  abbreviation: string;
  initiation: 'application' | 'ex-officio' | 'roster' | 'child';
  applicant: Localized;
  legalBasis: { instrument: string; article: string; text?: string }[];
  allowConcurrentCases?: boolean;
  eligibility?: { schema: JsonSchema; message: Localized };
  /** Form fields filled from the person file when a case starts (field → person field, or a table of its values). */
  prefill?: Record<string, PrefillSource>;
  materials: Material[];
  forms: Record<string, JsonSchema>;
  notices: Record<string, NoticeDef>;
  events: Record<string, { label: Localized }>;
  machine: { initial: string; states: Record<string, StateConfig> };
}

/** Events only the service may send. */
export const SYSTEM_EVENTS = ['DEADLINE', 'ESCALATE', 'MIGRATE'] as const;
/** History entries that never change the machine's snapshot. */
export const ADMIN_ACTS = ['COMMENT', 'REASSIGN', 'URGE', 'COPY_TO', 'CLAIM', 'RELEASE'] as const;
/** 撤回: takes back the last step a clerk sent, while nobody has acted on the case since (src/cases/recall.ts). */
export const RECALL = 'RECALL';
/** Entry types the service writes itself; a definition may not declare events with these names. */
/** The highest version number a definition can have: a bound for paths, queries and form fields that name one. */
export const MAX_VERSION = 1_000_000;

export const RESERVED_EVENTS: readonly string[] = ['START', 'ATTACH', RECALL, ...ADMIN_ACTS];
