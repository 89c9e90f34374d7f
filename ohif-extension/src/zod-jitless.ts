// zod compiles fast parsers with `new Function` unless told not to, and probes for it when each
// object schema is built. The viewer's CSP has no 'unsafe-eval', so the probe alone would be
// reported as a CSP violation. Both entry modules import this first (ES modules run in import
// order), before any schema is built.
import { z } from 'zod';

z.config({ jitless: true });
