import type { ViewerPanel } from '../../../plugin-server/src/domain/viewer-panel.ts';

// A panel as GET /api/viewer/studies/:uid returns it, for the panel's tests. The patient data is
// what a hostile CD could carry: markup in names and descriptions.

export const HOSTILE = '<img src=x onerror="window.__pwned=1">';

export function panelFixture(overrides: Partial<ViewerPanel> = {}): ViewerPanel {
  return {
    study: {
      id: '6f1d2c7e-0000-4000-8000-000000000001',
      studyInstanceUid: '1.2.826.0.1.3680043.8.498.1',
      state: 'matched',
      studyDate: '20240131',
      studyDescription: `CT CHEST ${HOSTILE}`,
      modalities: ['CT'],
      seriesCount: 2,
      instanceCount: 120,
      tags: [],
    },
    provenance: {
      sourceInstitution: 'St. Elsewhere',
      originalPatientId: 'EXT-123',
      originalIssuerOfPatientId: 'ELSEWHERE',
      originalPatientName: `DOE^JANE${HOSTILE}`,
      originalPatientBirthDate: '19700101',
      originalAccessionNumber: 'A-77',
      importSession: {
        id: 'session-1',
        importedBy: 'frontdesk-anna',
        importedAt: '2024-02-01T09:30:00.000Z',
        source: 'CD from St. Elsewhere',
      },
    },
    identity: {
      localMrn: 'MRN-42',
      localPatientName: 'DOE^JANE',
      localAccessionNumber: 'ACC-9',
      order: { placerOrderNumber: 'PL-1', fillerOrderNumber: 'FL-1', procedure: 'CT chest outside read' },
      matchScore: 75,
      autoMatchThreshold: 60,
      resolution: 'auto',
      reviewReason: null,
      coercionState: 'done',
    },
    archive: {
      deliveries: [
        {
          destination: 'PACS-MAIN',
          state: 'verified',
          attempts: 1,
          lastError: null,
          updatedAt: '2024-02-01T10:00:00.000Z',
        },
      ],
      proposedDestinations: ['PACS-MAIN', 'PACS-CARDIO'],
    },
    actions: ['reference', 'secondRead', 'archive', 'discard'],
    ...overrides,
  };
}
