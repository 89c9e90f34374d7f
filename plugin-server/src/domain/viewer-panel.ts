import { z } from 'zod';
import { routeJobStateSchema } from './routing.ts';
import { studyStateSchema } from './study-state.ts';

// What the "Outside study" panel in the OHIF viewer shows and may do (issue #7). The panel is a
// separate bundle; it validates this shape at its boundary like any other client.

/** Tags are independent of the study's state (DESIGN.md section 3). */
export const STUDY_TAGS = ['reference', 'second-read'] as const;
export const studyTagSchema = z.enum(STUDY_TAGS);
export type StudyTag = z.infer<typeof studyTagSchema>;

export const PANEL_ACTIONS = ['reference', 'secondRead', 'archive', 'share', 'discard'] as const;
export const panelActionSchema = z.enum(PANEL_ACTIONS);
export type PanelAction = z.infer<typeof panelActionSchema>;

export const panelStudySchema = z.object({
  /** The sidecar's study id (the `:id` of every /api/studies route). */
  id: z.string(),
  studyInstanceUid: z.string(),
  state: studyStateSchema,
  studyDate: z.string(),
  studyDescription: z.string(),
  modalities: z.array(z.string()),
  seriesCount: z.number().int(),
  instanceCount: z.number().int(),
  tags: z.array(z.object({ tag: studyTagSchema, by: z.string(), at: z.string(), note: z.string() })),
});

/** Where the study came from, as the media said it. */
export const panelProvenanceSchema = z.object({
  sourceInstitution: z.string(),
  originalPatientId: z.string(),
  originalIssuerOfPatientId: z.string(),
  originalPatientName: z.string(),
  originalPatientBirthDate: z.string(),
  originalAccessionNumber: z.string(),
  importSession: z
    .object({ id: z.string(), importedBy: z.string(), importedAt: z.string(), source: z.string() })
    .nullable(),
});

/** Who the study belongs to here, and how sure we are. */
export const panelIdentitySchema = z.object({
  localMrn: z.string().nullable(),
  localPatientName: z.string().nullable(),
  localAccessionNumber: z.string().nullable(),
  /** Placer / filler order numbers of the matched order. */
  order: z.object({ placerOrderNumber: z.string(), fillerOrderNumber: z.string(), procedure: z.string() }).nullable(),
  /** Points the matcher gave the matched order, and the points an automatic match needs; null when
   * no order was scored for the study. */
  matchScore: z.number().nullable(),
  autoMatchThreshold: z.number(),
  /** auto | confirmed | manual | reference-only, or null when not reconciled. */
  resolution: z.string().nullable(),
  /** Why it waits on the radiology worklist; null when it does not. */
  reviewReason: z.string().nullable(),
  coercionState: z.string().nullable(),
});

export const panelArchiveSchema = z.object({
  /** One row per destination the study was queued for. */
  deliveries: z.array(
    z.object({
      destination: z.string(),
      state: routeJobStateSchema,
      attempts: z.number().int(),
      lastError: z.string().nullable(),
      updatedAt: z.string(),
    }),
  ),
  /** Where "Archive" would send the study now, by the routing rules. */
  proposedDestinations: z.array(z.string()),
});

export const viewerPanelSchema = z.object({
  study: panelStudySchema,
  provenance: panelProvenanceSchema,
  identity: panelIdentitySchema,
  archive: panelArchiveSchema,
  /** What this user may do now (role and state); the panel offers nothing else. */
  actions: z.array(panelActionSchema),
});
export type ViewerPanel = z.infer<typeof viewerPanelSchema>;

/** Result of "Request second read": the tag, and the order request sent when no order existed. */
export const secondReadResultSchema = z.object({
  tagged: z.boolean(),
  orderRequest: z.object({ placerOrderNumber: z.string(), outboxMessageId: z.number() }).nullable(),
  /** Why no order was requested: the study already has one, or no local patient is known yet. */
  noOrderRequestBecause: z.string().nullable(),
});
