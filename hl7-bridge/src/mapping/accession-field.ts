// Which field carries the accession number for a given sender (DESIGN section 5: OBR-18 by default
// for ORM^O01, IPC-1 for OMI^O23; configurable per interface because sites differ).

import type { AccessionField, Hl7Config } from '../config/hl7-config.ts';

export function accessionFieldFor(
  config: Pick<Hl7Config, 'accessionField' | 'interfaces'>,
  sendingApplication: string,
  sendingFacility: string,
  messageCode: string,
): AccessionField {
  const override = config.interfaces.find(
    (entry) =>
      entry.sendingApplication === sendingApplication &&
      (entry.sendingFacility === undefined || entry.sendingFacility === sendingFacility),
  );
  if (override !== undefined) return override.accessionField;
  if (config.accessionField !== undefined) return config.accessionField;
  return messageCode === 'OMI' ? 'IPC-1' : 'OBR-18';
}
