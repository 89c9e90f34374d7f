import { z } from 'zod';

// DESIGN.md section 2. `admin` carries no clinical rights unless the user also holds a clinical role.
export const ROLES = ['frontdesk', 'physician', 'radiology', 'admin'] as const;
export const roleSchema = z.enum(ROLES);
export type Role = z.infer<typeof roleSchema>;

/** Roles that may see the list of outside studies and their identifiers. */
export const STUDY_READERS: readonly Role[] = ['frontdesk', 'physician', 'radiology'];
/** Roles that may open a study's details and images. */
export const STUDY_VIEWERS: readonly Role[] = ['physician', 'radiology'];
