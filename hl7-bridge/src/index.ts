// Public surface of @outside/hl7-bridge: the bridge and its configuration, its tables and
// migration, the programmatic API the sidecar's routes call, and the MLLP transport.

export { Hl7Bridge, type Hl7BridgeOptions } from './bridge/hl7-bridge.ts';
export {
  ACCESSION_FIELDS,
  hl7ConfigSchema,
  parseHl7Config,
  type AccessionField,
  type Hl7Config,
  type Hl7ConfigInput,
  type Hl7InterfaceConfig,
} from './config/hl7-config.ts';
export { hl7Migration } from './db/hl7-migration.ts';
export { hl7MigrationContext, type Hl7Dialect, type Hl7MigrationContext } from './db/hl7-migration-context.ts';
export * from './db/hl7-schema.ts';
export { withStatementCache } from './db/sqlite-statement-cache.ts';
export type {
  DuplicateKeyConflictAlert,
  Hl7AlertEvent,
  Hl7AlertHandler,
  Hl7AlertType,
  OutboundDeadAlert,
  ProcessingFailedAlert,
  StoreFailedAlert,
} from './hl7-alerts.ts';
export { HL7_ERROR_CODES, Hl7Error, isHl7Error, type Hl7ErrorCode } from './hl7-errors.ts';
export type { Hl7Logger } from './hl7-logger.ts';
export * from './mapping/domain-schemas.ts';
export { STATUS_FOR_ORDER_STATUS_CODE, decideOrderControl, type OrderDecision } from './orders/order-control.ts';
export {
  buildOrderRequest,
  enqueueOrderRequest,
  orderRequestInputSchema,
  type EnqueuedOrderRequest,
  type OrderRequest,
  type OrderRequestInput,
} from './outbox/order-request-outbox.ts';
export * from './queries/hl7-queries.ts';
export * from './mllp/index.ts';
