// What a browser test of the OHIF viewer needs: the web UI and our extension built, a stack whose
// scratch folders are its own, and a browser; and one call to put it all away.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { ensureExtensionBuilt } from '../../ohif-extension/scripts/build.ts';
import { ensureUiBuilt, launchBrowser } from './browser.ts';
import { startStack, type TestStack } from './stack.ts';

export interface ViewerStack {
  stack: TestStack;
  browser: Browser;
  /** A folder of the test's own, removed by close(). */
  scratch: string;
  close(): Promise<void>;
}

export async function startViewerStack(name: string): Promise<ViewerStack> {
  const scratch = await mkdtemp(join(tmpdir(), `outside-${name}-`));
  const [, , stack, browser] = await Promise.all([
    ensureUiBuilt(),
    ensureExtensionBuilt(),
    startStack({
      config: { import: { workDir: join(scratch, 'work') }, coercion: { spoolDir: join(scratch, 'spool') } },
    }),
    launchBrowser(),
  ]);
  return {
    stack,
    browser,
    scratch,
    async close() {
      await browser.close();
      await stack.stop();
      await rm(scratch, { recursive: true, force: true });
    },
  };
}
