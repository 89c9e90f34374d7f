import { z } from 'zod';
import { routingDecisionSchema, routingFactsSchema, routingRuleSchema } from '../../domain/routing.ts';
import { chooseDestinations } from '../../routing/choose-destinations.ts';
import {
  listRoutingRules,
  replaceRoutingRules,
  routingFactsForStudy,
  routingRuleDraftSchema,
} from '../../routing/rules-store.ts';
import type { SidecarServices } from '../../services.ts';
import { defineRoute, sessionOnly } from '../route-registry.ts';

// Routing rules (DESIGN.md section 7, issue #6): admins edit the ordered list; radiology reads it;
// the dry run says where a study would go and why, before anything is sent.

const rulesSchema = z.object({ rules: z.array(routingRuleSchema) });
const replaceRulesSchema = z.object({ rules: z.array(routingRuleDraftSchema).min(1).max(100) });
const studyIdParams = z.object({ studyId: z.string().min(1).max(64) });
const routingPreviewSchema = z.object({ facts: routingFactsSchema, decision: routingDecisionSchema });

export function routingRulesRoutes(services: Pick<SidecarServices, 'db' | 'audit'>) {
  const { db, audit } = services;
  return [
    defineRoute({
      method: 'get',
      path: '/api/routing/rules',
      summary: 'The routing rules in the order they are tried; the default rule is last.',
      tag: 'routing',
      access: sessionOnly(['admin', 'radiology']),
      response: rulesSchema,
      async handler() {
        return { rules: await listRoutingRules(db) };
      },
    }),
    defineRoute({
      method: 'put',
      path: '/api/routing/rules',
      summary: 'Replace the whole ordered list of routing rules (exactly one default rule, last).',
      tag: 'routing',
      access: sessionOnly(['admin']),
      body: replaceRulesSchema,
      response: rulesSchema,
      async handler({ body, actor }) {
        const before = await listRoutingRules(db);
        const rules = await replaceRoutingRules(db, body.rules);
        // A changed rule sends patient data to another archive: a network configuration change
        // (ATNA Security Alert, EventTypeCode 110128), audited with the whole list before and
        // after (rule and destination names only, no patient data).
        const summary = (list: typeof rules) =>
          list.map((rule) => ({
            id: rule.id,
            name: rule.name,
            match: rule.match,
            destinations: rule.destinations,
            isDefault: rule.isDefault,
            enabled: rule.enabled,
          }));
        await audit.record({
          type: 'networkConfiguration',
          actor,
          object: { type: 'routingRules', id: 'all' },
          details: { action: 'routing rules replaced', before: summary(before), after: summary(rules) },
        });
        return { rules };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/studies/:studyId/routing-preview',
      summary: 'Dry run: the facts a study is routed on, the destinations the rules choose, and why.',
      tag: 'routing',
      access: sessionOnly(['radiology', 'physician', 'admin']),
      params: studyIdParams,
      response: routingPreviewSchema,
      async handler({ params }) {
        const facts = await routingFactsForStudy(db, params.studyId);
        return { facts, decision: chooseDestinations(facts, await listRoutingRules(db)) };
      },
    }),
  ];
}
