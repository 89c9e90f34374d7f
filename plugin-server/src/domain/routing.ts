import { z } from 'zod';

// Routing to the permanent archives (DESIGN.md section 7, issue #6): destinations, rules and the
// durable outbox, as the API and the web UI see them.

export const DESTINATION_KINDS = ['dicom', 'orthanc-peer', 'dicomweb'] as const;
export const destinationKindSchema = z.enum(DESTINATION_KINDS);
export type DestinationKind = z.infer<typeof destinationKindSchema>;

/** A destination as the API returns it: credentials are never part of it. */
export const destinationSchema = z.object({
  id: z.string(),
  /** Short stable name; also the Orthanc modality / peer name (letters, digits, - and _). */
  name: z.string().regex(/^[A-Za-z0-9_-]{1,32}$/),
  kind: destinationKindSchema,
  /** DICOM: called AE title. */
  aet: z.string().max(16).nullable(),
  host: z.string().min(1).max(253),
  port: z.number().int().min(1).max(65535),
  /** orthanc-peer / dicomweb: base URL. */
  url: z.string().nullable(),
  username: z.string().nullable(),
  hasPassword: z.boolean(),
  /** Route jobs of this destination sent at once. */
  concurrency: z.number().int().min(1).max(8),
  enabled: z.boolean(),
  /** DICOM: delivery is confirmed by storage commitment (the destination must know our AE). */
  storageCommitment: z.boolean(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type Destination = z.infer<typeof destinationSchema>;

/** What a rule looks at; every listed condition must hold, an empty one always holds. */
export const ruleMatchSchema = z.object({
  departments: z.array(z.string()).default([]),
  /** Any of these modalities present in the study. */
  modalities: z.array(z.string()).default([]),
  /** The matched order's procedure code (OBR-4.1). */
  procedureCodes: z.array(z.string()).default([]),
  /** Where the study came from: the import's source kind (folder, zip, upload) or 'dicom' (C-STORE). */
  sources: z.array(z.string()).default([]),
});
export type RuleMatch = z.infer<typeof ruleMatchSchema>;

export const routingRuleSchema = z.object({
  id: z.string(),
  position: z.number().int(),
  name: z.string().min(1).max(100),
  match: ruleMatchSchema,
  /** Destination names (stable across environments). */
  destinations: z.array(z.string()).min(1),
  /** The default rule matches everything and comes last. */
  isDefault: z.boolean(),
  enabled: z.boolean(),
});
export type RoutingRule = z.infer<typeof routingRuleSchema>;

/** What a rule is evaluated on. */
export const routingFactsSchema = z.object({
  department: z.string().nullable(),
  modalities: z.array(z.string()),
  procedureCode: z.string().nullable(),
  source: z.string().nullable(),
});
export type RoutingFacts = z.infer<typeof routingFactsSchema>;

export const routingDecisionSchema = z.object({
  ruleId: z.string().nullable(),
  ruleName: z.string().nullable(),
  destinations: z.array(z.string()),
  /** Why, per rule considered: "cardiology: department cardiology matches". */
  explanation: z.array(z.string()),
});
export type RoutingDecision = z.infer<typeof routingDecisionSchema>;

/** Outbox states (DESIGN.md section 7). */
export const ROUTE_JOB_STATES = ['pending', 'sending', 'sent', 'verified', 'retry_wait', 'dead', 'cancelled'] as const;
export const routeJobStateSchema = z.enum(ROUTE_JOB_STATES);
export type RouteJobState = z.infer<typeof routeJobStateSchema>;

export const routeJobSchema = z.object({
  id: z.number().int(),
  studyId: z.string(),
  StudyInstanceUID: z.string(),
  destination: z.string(),
  state: routeJobStateSchema,
  attempts: z.number().int(),
  nextAttemptAt: z.string().nullable(),
  lastError: z.string().nullable(),
  instancesSent: z.number().int(),
  instancesVerified: z.number().int(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type RouteJob = z.infer<typeof routeJobSchema>;

/** One state change of a route job, with why. */
export const routeJobEventSchema = z.object({
  fromState: routeJobStateSchema.nullable(),
  toState: routeJobStateSchema,
  detail: z.string(),
  occurredAt: z.string(),
});
export type RouteJobEvent = z.infer<typeof routeJobEventSchema>;
