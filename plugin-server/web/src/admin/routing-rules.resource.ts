// Routing rules (plugin-server/src/web/routes/routing-rules-routes.ts): the ordered list, replaced
// as a whole by admins, and the dry run that says where a study would go and why.

import { z } from 'zod';
import {
  routingDecisionSchema,
  routingFactsSchema,
  routingRuleSchema,
  type RoutingRule,
  type RuleMatch,
} from '../../../src/domain/routing.ts';
import { ApiError, type ApiClient } from '../api/api-client.ts';

export type { RoutingRule, RuleMatch };

const rulesSchema = z.object({ rules: z.array(routingRuleSchema) });
const previewSchema = z.object({ facts: routingFactsSchema, decision: routingDecisionSchema });
export type RoutingPreview = z.infer<typeof previewSchema>;

/** One rule as PUT /api/routing/rules takes it (routingRuleDraftSchema): its place is its position. */
export type RuleDraftBody = {
  /** Kept for an existing rule, so job history and audit can refer to it across edits. */
  id?: string;
  name: string;
  match: RuleMatch;
  destinations: string[];
  isDefault: boolean;
  enabled: boolean;
};

export async function listRoutingRules(api: ApiClient, signal?: AbortSignal): Promise<RoutingRule[]> {
  return (await api.get('/api/routing/rules', rulesSchema, { signal })).rules;
}

/** Replaces the whole list; 400 with `details.problems` when the list cannot be stored. */
export async function saveRoutingRules(api: ApiClient, rules: readonly RuleDraftBody[]): Promise<RoutingRule[]> {
  return (await api.request('PUT', '/api/routing/rules', rulesSchema, { body: { rules } })).rules;
}

export function routingPreviewPath(studyId: string): string {
  return `/api/studies/${encodeURIComponent(studyId)}/routing-preview`;
}

export function previewRouting(api: ApiClient, studyId: string, signal?: AbortSignal): Promise<RoutingPreview> {
  return api.get(routingPreviewPath(studyId), previewSchema, { signal });
}

/** The problems the server listed for a refused rule list (`details.problems`), if it did. */
export function ruleProblems(error: unknown): string[] | undefined {
  if (!(error instanceof ApiError) || error.status !== 400) return undefined;
  const parsed = z.array(z.string()).min(1).safeParse(error.details?.problems);
  return parsed.success ? parsed.data : undefined;
}
