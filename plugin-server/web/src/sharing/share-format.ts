// How share links read in "My shares" and after creating one. Pure.

import type { ShareLink } from '../../../src/domain/share-link.ts';
import { formatDateTime, formatDicomDate } from '../format/format.ts';

export type ShareLinkStatus = ShareLink['status'];

/** What the status badge says; `status` is also its CSS modifier (badge--active, …). */
export const SHARE_STATUS_LABELS: Readonly<Record<ShareLinkStatus, string>> = {
  active: 'active',
  expired: 'expired',
  revoked: 'revoked',
};

/** The shared study in one line: "2024-01-15 · CT CHEST". */
export function sharedStudyLine(link: Pick<ShareLink, 'studyDate' | 'studyDescription'>): string {
  const description = link.studyDescription.trim() === '' ? 'no description' : link.studyDescription;
  return `${formatDicomDate(link.studyDate)} · ${description}`;
}

/** Whether the link may still be revoked. */
export function isRevocable(link: Pick<ShareLink, 'status'>): boolean {
  return link.status === 'active';
}

/** The "Last used" cell. */
export function lastUsedText(link: Pick<ShareLink, 'lastUsedAt'>): string {
  return link.lastUsedAt === null ? 'never' : formatDateTime(link.lastUsedAt);
}

/** Who revoked the link and when, for the status cell of a revoked link; '' otherwise. */
export function revokedText(link: Pick<ShareLink, 'revokedAt' | 'revokedBy'>): string {
  if (link.revokedAt === null) return '';
  return link.revokedBy === null
    ? formatDateTime(link.revokedAt)
    : `${formatDateTime(link.revokedAt)} by ${link.revokedBy}`;
}

/** The list with one link replaced by the server's newer copy (after a revoke), order kept. */
export function withLinkReplaced(links: readonly ShareLink[], changed: ShareLink): ShareLink[] {
  return links.map((link) => (link.id === changed.id ? changed : link));
}
