// Warnings the sidecar attaches to an import (several patients on one medium, a name or birth
// date that differs from what the front desk entered): one box, one line each.

import { plural, sentence } from '../format/format.ts';

/** `announce` makes screen readers read the warnings out at once (right after an import). */
export function WarningList({ warnings, announce = false }: { warnings: readonly string[]; announce?: boolean }) {
  if (warnings.length === 0) return null;
  return (
    <div className="notice notice--warning" role={announce ? 'alert' : undefined} data-testid="import-warnings">
      <p className="notice__title">{plural(warnings.length, 'warning')}: check before the patient is identified</p>
      <ul className="notice__list">
        {warnings.map((warning) => (
          <li key={warning}>{sentence(warning)}</li>
        ))}
      </ul>
    </div>
  );
}
