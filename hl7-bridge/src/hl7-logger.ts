// The bridge logs through the same narrow interface as the MLLP transport; a pino Logger fits it.
// Log objects carry ids (control ids, row ids, connection ids), counts and codes, never names,
// birth dates or message text: those are patient data.

export { silentLogger, describeError, type MllpLogger as Hl7Logger } from './mllp/mllp-logger.ts';
