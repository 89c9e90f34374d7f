// What the sidecar needs to open its database: the bridge's migration and the statement cache.
// A separate entry point so that opening the database does not load the HL7 parser.
export { hl7Migration } from './db/hl7-migration.ts';
export { withStatementCache } from './db/sqlite-statement-cache.ts';
