// zod compiles fast parsers with `new Function` unless told not to, and probes for it when each
// object schema is built. The sidecar's CSP has no 'unsafe-eval', so the probe alone would be
// reported as a CSP violation. This module must be imported before any schema is built: first
// in main.tsx (ES modules run in import order).
import { z } from 'zod';

z.config({ jitless: true });
