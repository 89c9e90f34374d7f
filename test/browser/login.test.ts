// Logging in and out through the real UI, served by a real sidecar (with a real Orthanc behind
// it), in Debian's chromium under the sidecar's strict CSP.

import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureUiBuilt, expectNoProblems, launchBrowser, openPage, screenshot } from '../support/browser.ts';
import { startStack, type TestStack } from '../support/stack.ts';
import { createUser } from '../support/users.ts';

describe('web UI: login', () => {
  let stack: TestStack;
  let browser: Browser;

  beforeAll(async () => {
    await ensureUiBuilt();
    [stack, browser] = await Promise.all([startStack(), launchBrowser()]);
  });
  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
  });

  it('logs a front-desk user in, shows who is logged in, and logs out', async () => {
    const user = await createUser(stack.sidecar, ['frontdesk']);
    const { page, problems, context } = await openPage(browser, stack.sidecar.url);
    try {
      // Any page path is the UI; without a session it lands on the login form.
      await page.goto('/inbox');
      await page.getByLabel('Username').waitFor();
      await expect.poll(() => new URL(page.url()).pathname).toBe('/login');
      await screenshot(page, 'ui-login');

      await page.getByLabel('Username').fill(user.username);
      await page.getByLabel('Password').fill(user.password);
      await page.getByRole('button', { name: 'Log in' }).click();

      const header = page.getByTestId('current-user');
      await header.waitFor();
      expect(await header.textContent()).toContain(user.username);
      expect(await header.getByLabel('Roles').textContent()).toContain('frontdesk');
      await expect.poll(() => new URL(page.url()).pathname).toBe('/import');
      await page.getByRole('heading', { name: 'Import media' }).waitFor();
      await screenshot(page, 'ui-import-empty');

      // A reload keeps the session (cookie) and fetches a fresh CSRF token.
      await page.reload();
      await page.getByTestId('current-user').waitFor();

      await page.getByRole('button', { name: 'Log out' }).click();
      await page.getByRole('button', { name: 'Log in' }).waitFor();
      expect(await page.getByRole('status').textContent()).toContain('logged out');
      // The session is really gone on the server.
      const session = await page.request.get('/api/auth/session');
      expect(session.status()).toBe(401);

      // The only error answers: "no session yet" before login and after logout.
      expectNoProblems(problems);
    } finally {
      await context.close();
    }
  });

  it('shows the error message for a wrong password', async () => {
    const user = await createUser(stack.sidecar, ['frontdesk']);
    const { page, problems, context } = await openPage(browser, stack.sidecar.url);
    try {
      await page.goto('/');
      await page.getByLabel('Username').fill(user.username);
      await page.getByLabel('Password').fill(`${user.password}-wrong`);
      await page.getByLabel('Password').press('Enter');
      const alert = page.getByRole('alert');
      await alert.waitFor();
      expect(await alert.textContent()).toBe('Wrong username or password.');
      await screenshot(page, 'ui-login-error');
      // Still on the login page, nothing about the user shown.
      expect(await page.getByTestId('current-user').count()).toBe(0);

      expectNoProblems(problems, ['401 POST /api/auth/login']);
    } finally {
      await context.close();
    }
  });

  it('serves hashed assets as immutable and the page itself as no-store, under the strict CSP', async () => {
    const page = await fetch(`${stack.sidecar.url}/inbox`, { headers: { accept: 'text/html' } });
    expect(page.status).toBe(200);
    expect(page.headers.get('cache-control')).toBe('no-store');
    const csp = page.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("style-src 'self'");
    const html = await page.text();
    // No inline script or style: every script and stylesheet is a file under /assets.
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
    expect(html).not.toMatch(/<style|style=/);
    const script = /src="(\/assets\/[^"]+\.js)"/.exec(html)?.[1];
    expect(script).toBeDefined();
    const asset = await fetch(`${stack.sidecar.url}${script ?? ''}`);
    expect(asset.status).toBe(200);
    expect(asset.headers.get('cache-control')).toContain('immutable');
    // API paths never fall back to the page.
    const api = await fetch(`${stack.sidecar.url}/api/nothing-here`, { headers: { accept: 'text/html' } });
    expect(api.status).toBe(404);
    expect(api.headers.get('content-type')).toContain('application/json');
  });
});
