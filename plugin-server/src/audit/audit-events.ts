// Audit event types, after DICOM PS3.15 A.5 (DCM event ids) and IHE ATNA. DESIGN.md lists a few of
// these codes loosely; the ids below are the ones DICOM assigns (PS3.16 CID 400).

export const AUDIT_EVENTS = {
  userLogin: { id: '110114', name: 'User Authentication', action: 'E' },
  userLogout: { id: '110114', name: 'User Authentication', action: 'E' },
  securityAlert: { id: '110113', name: 'Security Alert', action: 'E' },
  query: { id: '110112', name: 'Query', action: 'E' },
  patientRecordRead: { id: '110110', name: 'Patient Record', action: 'R' },
  instancesAccessed: { id: '110103', name: 'DICOM Instances Accessed', action: 'R' },
  studyImported: { id: '110107', name: 'Import', action: 'C' },
  studyExported: { id: '110106', name: 'Export', action: 'R' },
  studyDeleted: { id: '110105', name: 'DICOM Study Deleted', action: 'D' },
  orderRecord: { id: '110109', name: 'Order Record', action: 'U' },
  /** A study's identifiers decided or rewritten (match, confirm, un-match, re-key, coercion). */
  studyReconciled: { id: '110103', name: 'DICOM Instances Accessed', action: 'U' },
  /** A physician's decision on a study: a tag set or removed, discarded or restored. */
  studyUpdated: { id: '110110', name: 'Patient Record', action: 'U' },
  /** A share link revoked or expired: the study is no longer reachable through it. */
  shareLinkEnded: { id: '110113', name: 'Security Alert', action: 'U' },
  auditLogUsed: { id: '110101', name: 'Audit Log Used', action: 'R' },
  userManagement: { id: '110113', name: 'Security Alert', action: 'U' },
  /** Routing destinations changed. DICOM has no configuration event; ATNA records one as a Security
   * Alert with EventTypeCode 110128 "Network Configuration" (PS3.15 A.5.3, Security Alert message). */
  networkConfiguration: { id: '110113', name: 'Security Alert', action: 'U' },
} as const;

export type AuditEventType = keyof typeof AUDIT_EVENTS;

/** ATNA EventOutcomeIndicator. */
export const AUDIT_OUTCOME = { success: 0, minorFailure: 4, seriousFailure: 8, majorFailure: 12 } as const;
export type AuditOutcome = keyof typeof AUDIT_OUTCOME;
