import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import type { PanelAction } from '../../../plugin-server/src/domain/viewer-panel.ts';
import { PanelFailure, PanelView } from './outside-study-panel.component.tsx';
import { HOSTILE, panelFixture } from './panel-fixtures.ts';

const noop = () => undefined;

function render(overrides: Parameters<typeof panelFixture>[0] = {}, pending?: PanelAction): string {
  return renderToStaticMarkup(
    createElement(PanelView, {
      panel: panelFixture(overrides),
      actions: { pending, busy: false, notice: undefined, onAction: noop, onConfirm: noop, onCancel: noop },
    }),
  );
}

describe('the outside study panel', () => {
  it('shows provenance, identity, archive status and state', () => {
    const html = render();
    for (const testId of ['outside-provenance', 'outside-identity', 'outside-archive', 'outside-state']) {
      expect(html).toContain(`data-testid="${testId}"`);
    }
    expect(html).toContain('St. Elsewhere');
    expect(html).toContain('EXT-123');
    expect(html).toContain('1970-01-01');
    expect(html).toContain('frontdesk-anna');
    expect(html).toContain('MRN-42');
    expect(html).toContain('PL-1 / FL-1');
    expect(html).toContain('75 points (automatic match from 60)');
    expect(html).toContain('PACS-MAIN');
    expect(html).toContain('Verified');
    expect(html).toContain('Matched');
  });

  it('renders patient data as text, never as markup', () => {
    const html = render();
    expect(html).not.toContain('<img');
    expect(html).toContain('&lt;img src=x onerror=');
    expect(HOSTILE).toContain('<img');
  });

  it('offers exactly the actions the sidecar allows', () => {
    const all = render({ actions: ['reference', 'secondRead', 'archive', 'share', 'discard'] });
    for (const testId of ['reference', 'second-read', 'archive', 'share', 'discard']) {
      expect(all).toContain(`data-testid="outside-action-${testId}"`);
    }
    const some = render({ actions: ['secondRead'] });
    expect(some).toContain('data-testid="outside-action-second-read"');
    expect(some).not.toMatch(/outside-action-(?:reference|archive|share|discard)/);
    expect(render({ actions: [] })).not.toContain('outside-action-');
  });

  it('asks for confirmation, listing where an archive goes', () => {
    const html = render({}, 'archive');
    expect(html).toContain('data-testid="outside-confirm"');
    expect(html).toContain('<li>PACS-MAIN</li><li>PACS-CARDIO</li>');
    expect(render({ actions: ['reference'] }, 'archive')).not.toContain('outside-confirm');
  });

  it('asks for a reason before a second read or a discard, with nothing to send yet', () => {
    for (const action of ['secondRead', 'discard'] as const) {
      const html = render({}, action);
      expect(html).toContain('Reason');
      expect(html).toMatch(/data-testid="outside-confirm-ok"[^>]*disabled=""/);
    }
  });

  it('asks for recipient, purpose, expiry and an optional PIN before sharing', () => {
    const html = render({ actions: ['share'] }, 'share');
    for (const label of ['Recipient', 'Purpose', 'Expires in (days)', 'PIN (optional']) expect(html).toContain(label);
  });

  it('links to the login page, coming back here, when the session is gone', () => {
    const html = renderToStaticMarkup(
      createElement(PanelFailure, {
        failure: { kind: 'unauthenticated' },
        location: { pathname: '/viewer/outside-review', search: '?StudyInstanceUIDs=1.2' },
      }),
    );
    expect(html).toContain('href="/login?next=%2Fviewer%2Foutside-review%3FStudyInstanceUIDs%3D1.2"');
  });
});
