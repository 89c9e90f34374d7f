import { matchConfigSchema } from './match-types.ts';
import type {
  CandidateOrder,
  KnownPatient,
  MatchConfig,
  MatchConfigInput,
  MatchResult,
  OutsideStudy,
} from './match-types.ts';
import { resolveIdentity } from './resolve-identity.ts';
import { decideOrderMatch, scoreOrders } from './score-orders.ts';

export interface MatchInput {
  study: OutsideStudy;
  /** Known patients worth comparing: the claimed MRN's, or those sharing the birth date or a name. */
  knownPatients: readonly KnownPatient[];
  /** The identified patient's orders, plus any order (of anyone) naming the study's UID. */
  orders: readonly CandidateOrder[];
  config: MatchConfig;
}

/** Validated configuration with every default filled in. */
export function matchConfig(input: MatchConfigInput = {}): MatchConfig {
  return matchConfigSchema.parse(input);
}

/** Identity, then order candidates, then the decision: auto-match or the radiology worklist. */
export function matchStudy(input: MatchInput): MatchResult {
  const { study, config } = input;
  const identity = resolveIdentity(study, input.knownPatients, config);
  if (identity.decision !== 'identified') {
    return {
      StudyInstanceUID: study.StudyInstanceUID,
      identity,
      candidates: [],
      excluded: [],
      decision: { decision: 'worklist', reason: 'patient-not-identified', explanation: identity.explanation },
    };
  }
  const { candidates, excluded } = scoreOrders(study, identity.patient, input.orders, config);
  return {
    StudyInstanceUID: study.StudyInstanceUID,
    identity,
    candidates,
    excluded,
    decision: decideOrderMatch(candidates, excluded, config),
  };
}
