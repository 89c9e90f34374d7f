import type { PanelAction, ViewerPanel } from '../../../plugin-server/src/domain/viewer-panel.ts';
import type { ApiFailure, OutsideApi, ShareRequest } from './outside-api.resource.ts';
import { timestamp } from './panel-format.ts';

// The five actions of the panel: what each button says, what its confirmation asks, which request
// it makes and what the physician is told afterwards. The sidecar decides which ones a user may
// take (the panel's `actions`); the panel offers those only, in this order.

export type ActionSpec = {
  action: PanelAction;
  label: string;
  testId: string;
  /** What the confirmation asks. */
  question: string;
  confirmLabel: string;
  danger: boolean;
};

export const ACTION_SPECS: readonly ActionSpec[] = [
  {
    action: 'reference',
    label: 'Reference',
    testId: 'outside-action-reference',
    question: 'Keep this study as a reference?',
    confirmLabel: 'Keep as reference',
    danger: false,
  },
  {
    action: 'secondRead',
    label: 'Request second read',
    testId: 'outside-action-second-read',
    question: 'Request a second read by radiology? If no order covers this study, one is requested from the EMR.',
    confirmLabel: 'Request second read',
    danger: false,
  },
  {
    action: 'archive',
    label: 'Archive',
    testId: 'outside-action-archive',
    question: 'Archive this study to the PACS?',
    confirmLabel: 'Archive',
    danger: false,
  },
  {
    action: 'share',
    label: 'Share',
    testId: 'outside-action-share',
    question: 'Share this study with someone outside the hospital through a link that expires.',
    confirmLabel: 'Create link',
    danger: false,
  },
  {
    action: 'discard',
    label: 'Discard',
    testId: 'outside-action-discard',
    question: 'Discard this study? It leaves the worklist and the archive queue; it can be restored until purged.',
    confirmLabel: 'Discard',
    danger: true,
  },
];

/** The actions to offer, in the panel's order. */
export function offeredActions(panel: ViewerPanel): ActionSpec[] {
  return ACTION_SPECS.filter((spec) => panel.actions.includes(spec.action));
}

/** What the physician entered in the confirmation. */
export type ActionInput =
  | { action: 'reference'; note: string }
  | { action: 'secondRead'; reason: string }
  | { action: 'archive' }
  | { action: 'share'; share: ShareRequest }
  | { action: 'discard'; reason: string };

export type ActionOutcome =
  { ok: true; message: string; shareUrl?: string } | { ok: false; failure: ApiFailure; action: PanelAction };

/** Makes the request of one confirmed action and says what came of it. */
export async function runAction(
  api: OutsideApi,
  studyId: string,
  input: ActionInput,
  csrfToken: string,
): Promise<ActionOutcome> {
  const failed = (failure: ApiFailure): ActionOutcome => ({ ok: false, failure, action: input.action });
  switch (input.action) {
    case 'reference': {
      const result = await api.reference(studyId, input.note.trim(), csrfToken);
      return result.ok ? { ok: true, message: 'Kept as a reference.' } : failed(result.failure);
    }
    case 'secondRead': {
      const result = await api.secondRead(studyId, input.reason.trim(), csrfToken);
      if (!result.ok) return failed(result.failure);
      const { orderRequest, noOrderRequestBecause } = result.value;
      return {
        ok: true,
        message:
          orderRequest !== null
            ? `Second read requested; order requested: ${orderRequest.placerOrderNumber}.`
            : `Second read requested; no order requested: ${noOrderRequestBecause ?? 'none needed'}.`,
      };
    }
    case 'archive': {
      const result = await api.archive(studyId, csrfToken);
      if (!result.ok) return failed(result.failure);
      const count = result.value.jobIds.length;
      return {
        ok: true,
        message:
          count === 0
            ? 'No destination was chosen: the study is not queued for archive.'
            : `Queued for archive (${count} ${count === 1 ? 'destination' : 'destinations'}).`,
      };
    }
    case 'share': {
      const result = await api.share(studyId, input.share, csrfToken);
      if (!result.ok) return failed(result.failure);
      return {
        ok: true,
        message: `Share link created, valid until ${timestamp(result.value.expiresAt)}. It is shown only now:`,
        shareUrl: result.value.url,
      };
    }
    case 'discard': {
      const result = await api.discard(studyId, input.reason.trim(), csrfToken);
      return result.ok ? { ok: true, message: 'Discarded.' } : failed(result.failure);
    }
  }
}

/** A failure in words, for the live region. */
export function describeFailure(failure: ApiFailure, action?: PanelAction): string {
  const what = action === undefined ? 'Could not load the study' : `${labelOf(action)} failed`;
  switch (failure.kind) {
    case 'unauthenticated':
      return `${what}: you are not logged in.`;
    case 'refused':
      return `${what}: ${failure.message}`;
    case 'unavailable':
      return `${what}: ${failure.message}`;
  }
}

function labelOf(action: PanelAction): string {
  return ACTION_SPECS.find((spec) => spec.action === action)?.label ?? action;
}
