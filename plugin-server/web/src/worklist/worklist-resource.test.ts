import { describe, expect, it } from 'vitest';
import { EMPTY_WORKLIST_FILTER, reconciliationPath, worklistPath } from './worklist.resource.ts';

describe('worklist resource', () => {
  it.each([
    [worklistPath(EMPTY_WORKLIST_FILTER, { limit: 50 }), '/api/worklist?limit=50'],
    [
      worklistPath(
        { state: 'ready', department: ' Cardiology ', modality: ' ct', reason: 'ambiguous', minAgeDays: ' 03 ' },
        { limit: 50, after: 'abc=' },
      ),
      '/api/worklist?limit=50&after=abc%3D&state=ready&department=Cardiology&modality=CT&reason=ambiguous&minAgeDays=3',
    ],
    // Anything but whole days is left out rather than refused by the server.
    [worklistPath({ ...EMPTY_WORKLIST_FILTER, minAgeDays: '-1' }, { limit: 50 }), '/api/worklist?limit=50'],
    [worklistPath({ ...EMPTY_WORKLIST_FILTER, minAgeDays: '1.5' }, { limit: 50 }), '/api/worklist?limit=50'],
    [worklistPath({ ...EMPTY_WORKLIST_FILTER, minAgeDays: '0' }, { limit: 50 }), '/api/worklist?limit=50&minAgeDays=0'],
  ])('asks for %s', (path, expected) => {
    expect(path).toBe(expected);
  });

  it('puts the study id into the path as one segment', () => {
    expect(reconciliationPath('abc-123')).toBe('/api/reconciliation/abc-123');
    expect(reconciliationPath('a/b')).toBe('/api/reconciliation/a%2Fb');
  });
});
