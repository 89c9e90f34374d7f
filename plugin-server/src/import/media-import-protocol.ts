import { z } from 'zod';
import { DomainError } from '../domain/errors.ts';
import {
  claimedPatientSchema,
  importCountsSchema,
  importFileReportSchema,
  importSessionSchema,
  mediaIndexSummarySchema,
} from '../domain/import-session.ts';

// What `outside import` asks and is told, in its own process or over the sidecar's local control
// socket (one JSON object per line each way).

export const mediaImportRequestSchema = z.object({
  path: z.string().min(1),
  department: z.string().min(1),
  ...claimedPatientSchema.shape,
  /** Who runs it: `cli:<OS user>`. */
  operator: z.string().min(1),
  /** Whether progress messages are wanted (a terminal shows them; a script does not). */
  progress: z.boolean().default(true),
});
export type MediaImportRequest = z.input<typeof mediaImportRequestSchema>;

/** The request, validated; a clear error naming each bad field otherwise. */
export function parseImportRequest(value: unknown): z.output<typeof mediaImportRequestSchema> {
  const parsed = mediaImportRequestSchema.safeParse(value);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((issue) => `${issue.path.join('.') || 'request'}: ${issue.message}`);
  throw new DomainError('invalid_input', `bad import request: ${problems.join('; ')}`);
}

export const mediaImportReportSchema = z.object({
  session: importSessionSchema,
  sourceLabel: z.string(),
  seconds: z.number(),
  mediaIndex: mediaIndexSummarySchema.nullable(),
  /** Corrupt and rejected files (the first 20) and how many there were. */
  problems: z.array(importFileReportSchema),
  problemCount: z.number().int(),
});
export type MediaImportReport = z.infer<typeof mediaImportReportSchema>;

export const importProgressSchema = z.object({
  filesDone: z.number(),
  filesTotal: z.number(),
  bytesDone: z.number(),
  bytesTotal: z.number(),
  counts: importCountsSchema,
});

/** What the sidecar sends back, line by line: progress, then a report or an error. */
export const importSocketMessageSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('progress'), progress: importProgressSchema }),
  z.object({ type: z.literal('report'), report: mediaImportReportSchema }),
  z.object({ type: z.literal('error'), message: z.string() }),
]);
export type ImportSocketMessage = z.infer<typeof importSocketMessageSchema>;
