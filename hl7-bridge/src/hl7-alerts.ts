// Every alert the bridge raises, with its typed payload, in one place. The sidecar turns them into
// audit events (DICOM PS3.15 A.5 "Security Alert" / application activity). Payloads carry ids only.

export interface DuplicateKeyConflictAlert {
  /** A message arrived under a (MSH-3, MSH-4, MSH-10) key already used by a different message. */
  readonly type: 'duplicate_key_conflict';
  /** The rejected newcomer, kept for inspection. */
  readonly inboxMessageId: number;
  /** The message stored first under that key. */
  readonly originalInboxMessageId: number;
  readonly sendingApplication: string;
  readonly sendingFacility: string;
  readonly controlId: string;
}

export interface StoreFailedAlert {
  /** The inbox could not be written; the sender got AR (HL7 v2.5 section 2.9.2: system down). */
  readonly type: 'store_failed';
  readonly controlId: string | undefined;
  readonly errorName: string;
}

export interface ProcessingFailedAlert {
  /** A stored message could not be applied and will not be retried without `reprocess`. */
  readonly type: 'processing_failed';
  readonly inboxMessageId: number;
  readonly controlId: string | null;
  readonly messageType: string | null;
  readonly reason: string;
}

export interface OutboundDeadAlert {
  /** An outbound message exhausted its attempts. */
  readonly type: 'outbound_dead';
  readonly outboxMessageId: number;
  readonly controlId: string;
  readonly kind: string;
  readonly reason: string;
}

export type Hl7AlertEvent = DuplicateKeyConflictAlert | StoreFailedAlert | ProcessingFailedAlert | OutboundDeadAlert;

export type Hl7AlertType = Hl7AlertEvent['type'];

export type Hl7AlertHandler = (event: Hl7AlertEvent) => void;
