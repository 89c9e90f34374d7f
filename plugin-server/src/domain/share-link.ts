import { z } from 'zod';

// Share links (issue #8): read-only viewing of one study by someone without an account, until the
// link expires or is revoked. The token is shown once and stored only as a hash.

export const shareLinkInputSchema = z.object({
  studyId: z.string().uuid(),
  /** Who it is for (name or e-mail, free text), shown in "My shares" and the audit log. */
  recipient: z.string().trim().min(1, 'say who the link is for').max(200),
  purpose: z.string().trim().min(1, 'say why it is shared').max(500),
  expiresInDays: z.number().int().min(1).optional(),
  /** Told to the recipient by phone; 4 to 12 digits. */
  pin: z
    .string()
    .regex(/^\d{4,12}$/, 'a PIN is 4 to 12 digits')
    .optional(),
});
export type ShareLinkInput = z.infer<typeof shareLinkInputSchema>;

export const SHARE_LINK_STATUSES = ['active', 'expired', 'revoked'] as const;
export const shareLinkStatusSchema = z.enum(SHARE_LINK_STATUSES);

/** A link as its creator sees it: never the token. */
export const shareLinkSchema = z.object({
  id: z.string(),
  studyId: z.string(),
  studyInstanceUid: z.string(),
  studyDescription: z.string(),
  studyDate: z.string(),
  recipient: z.string(),
  purpose: z.string(),
  hasPin: z.boolean(),
  createdBy: z.string(),
  createdAt: z.string(),
  expiresAt: z.string(),
  revokedAt: z.string().nullable(),
  revokedBy: z.string().nullable(),
  status: shareLinkStatusSchema,
  useCount: z.number().int(),
  lastUsedAt: z.string().nullable(),
});
export type ShareLink = z.infer<typeof shareLinkSchema>;

/** Returned once, at creation: the only time the token exists outside the recipient's hands. */
export const createdShareLinkSchema = z.object({
  link: shareLinkSchema,
  /** The address to give the recipient; the token is in its fragment, which browsers never send. */
  url: z.string(),
  expiresAt: z.string(),
});

export const openShareInputSchema = z.object({
  token: z.string().regex(/^[A-Za-z0-9_-]{20,100}$/, 'not a share token'),
  pin: z.string().max(12).optional(),
});

export const openedShareSchema = z.object({
  /** Where the recipient's browser goes next: the read-only viewer on the one study. */
  viewerUrl: z.string(),
  expiresAt: z.string(),
});
