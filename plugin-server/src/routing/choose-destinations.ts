import type { RoutingDecision, RoutingFacts, RoutingRule, RuleMatch } from '../domain/routing.ts';

// Which archive(s) a study goes to (DESIGN.md section 7, issue #6): ordered rules, first match
// wins, the default rule last. Pure, so the dry-run endpoint and the outbox decide alike.

/** One condition of a rule checked against the facts: whether it holds, and why in words. */
export interface ConditionOutcome {
  holds: boolean;
  reason: string;
}

function list(values: readonly string[]): string {
  return values.join(', ');
}

function departmentOutcome(wanted: readonly string[], department: string | null): ConditionOutcome {
  if (department === null || department.trim() === '') {
    return { holds: false, reason: `the study has no department (rule wants ${list(wanted)})` };
  }
  const actual = department.trim().toLowerCase();
  const holds = wanted.some((value) => value.trim().toLowerCase() === actual);
  return holds
    ? { holds, reason: `department ${department} matches` }
    : { holds, reason: `department ${department} is not ${list(wanted)}` };
}

function modalitiesOutcome(wanted: readonly string[], modalities: readonly string[]): ConditionOutcome {
  if (modalities.length === 0) {
    return { holds: false, reason: `the study has no modalities (rule wants any of ${list(wanted)})` };
  }
  // DICOM Modality (0008,0060) is a code string, upper case by the standard; outside media do not
  // always follow it, so the comparison ignores case.
  const wantedCodes = new Set(wanted.map((value) => value.trim().toUpperCase()));
  const present = modalities.filter((modality) => wantedCodes.has(modality.trim().toUpperCase()));
  if (present.length === 0) {
    return { holds: false, reason: `modalities ${list(modalities)} include none of ${list(wanted)}` };
  }
  return { holds: true, reason: `${present.length === 1 ? 'modality' : 'modalities'} ${list(present)} present` };
}

function valueOutcome(label: string, wanted: readonly string[], value: string | null): ConditionOutcome {
  if (value === null || value.trim() === '') {
    return { holds: false, reason: `the study has no ${label} (rule wants ${list(wanted)})` };
  }
  const actual = value.trim();
  const holds = wanted.some((candidate) => candidate.trim() === actual);
  return holds
    ? { holds, reason: `${label} ${actual} matches` }
    : { holds, reason: `${label} ${actual} is not ${list(wanted)}` };
}

/** Every non-empty condition of `match`, checked against `facts`; an empty condition is left out. */
export function checkConditions(match: RuleMatch, facts: RoutingFacts): ConditionOutcome[] {
  const outcomes: ConditionOutcome[] = [];
  if (match.departments.length > 0) outcomes.push(departmentOutcome(match.departments, facts.department));
  if (match.modalities.length > 0) outcomes.push(modalitiesOutcome(match.modalities, facts.modalities));
  if (match.procedureCodes.length > 0) {
    outcomes.push(valueOutcome('procedure code', match.procedureCodes, facts.procedureCode));
  }
  if (match.sources.length > 0) outcomes.push(valueOutcome('source', match.sources, facts.source));
  return outcomes;
}

/** Enabled or not, in the order they are tried: by position, the default rule(s) after all others. */
function inEvaluationOrder(rules: readonly RoutingRule[]): RoutingRule[] {
  const byPosition = [...rules].sort((a, b) => a.position - b.position);
  return [...byPosition.filter((rule) => !rule.isDefault), ...byPosition.filter((rule) => rule.isDefault)];
}

/**
 * Tries the rules in position order, the default rule last, and returns the destinations of the
 * first enabled rule whose every non-empty condition holds. The explanation has one line per rule
 * tried (and per disabled rule passed over) up to the one that matched.
 */
export function chooseDestinations(facts: RoutingFacts, rules: readonly RoutingRule[]): RoutingDecision {
  const explanation: string[] = [];
  for (const rule of inEvaluationOrder(rules)) {
    if (!rule.enabled) {
      explanation.push(`${rule.name}: skipped, the rule is disabled`);
      continue;
    }
    if (rule.isDefault) {
      explanation.push(`${rule.name}: matches, the default rule takes every study no earlier rule took`);
      return { ruleId: rule.id, ruleName: rule.name, destinations: [...rule.destinations], explanation };
    }
    const outcomes = checkConditions(rule.match, facts);
    const failed = outcomes.filter((outcome) => !outcome.holds);
    if (outcomes.length === 0) {
      explanation.push(`${rule.name}: matches, the rule has no conditions`);
    } else if (failed.length === 0) {
      explanation.push(`${rule.name}: matches, ${outcomes.map((outcome) => outcome.reason).join('; ')}`);
    } else {
      explanation.push(`${rule.name}: no match, ${outcomes.map((outcome) => outcome.reason).join('; ')}`);
      continue;
    }
    return { ruleId: rule.id, ruleName: rule.name, destinations: [...rule.destinations], explanation };
  }
  if (rules.length === 0) {
    explanation.push('no routing rules are defined: the study goes to no destination');
  } else if (rules.every((rule) => !rule.enabled)) {
    explanation.push('every routing rule is disabled: the study goes to no destination');
  } else {
    explanation.push('no enabled rule matched and no default rule is enabled: the study goes to no destination');
  }
  return { ruleId: null, ruleName: null, destinations: [], explanation };
}
