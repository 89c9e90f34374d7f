import { dirname, join, resolve } from 'node:path';
import { z } from 'zod';
import type { Config } from '../config/config-schema.ts';
import {
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
  mrn: z.string().optional(),
  name: z.string().optional(),
  birthDate: z.string().optional(),
  /** Who runs it: `cli:<OS user>`. */
  operator: z.string().min(1),
  /** Whether progress messages are wanted (a terminal shows them; a script does not). */
  progress: z.boolean().default(true),
});
export type MediaImportRequest = z.input<typeof mediaImportRequestSchema>;

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

/** Where the running sidecar takes imports: by default `import.sock` beside the database. */
export function importSocketPath(config: Pick<Config, 'import' | 'database'>): string | undefined {
  const configured = config.import.controlSocket;
  if (configured === 'off') return undefined;
  if (configured !== '') return resolve(configured);
  if (config.database.sqlitePath === ':memory:') return undefined;
  return join(dirname(resolve(config.database.sqlitePath)), 'import.sock');
}
