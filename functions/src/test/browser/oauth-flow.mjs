#!/usr/bin/env node
// Drives Debian's headless Chromium through Adit's OAuth pages as a person would: opens the
// authorize URL, signs in, reads the consent page, approves (or denies), and waits until the
// browser lands on the client's redirect URI. BrowserAuthorizationFlowTest runs it.
//
// Options (each also read from the environment variable in brackets):
//   --authorize-url URL      the full /v1/oauth/authorize?... URL                  [ADIT_OAUTH_AUTHORIZE_URL]
//   --email EMAIL            the account to sign in with                           [ADIT_OAUTH_EMAIL]
//   --password PASSWORD      its password (prefer the environment variable)        [ADIT_OAUTH_PASSWORD]
//   --callback-prefix URL    the run is done when the page URL starts with this    [ADIT_OAUTH_CALLBACK_PREFIX]
//   --screenshots DIR        where PNGs of the pages go                            [ADIT_OAUTH_SCREENSHOTS]
//   --decision approve|deny  which consent button to click (default approve)       [ADIT_OAUTH_DECISION]
//   --expect-text TEXT       text the consent page must show; may be repeated      [ADIT_OAUTH_EXPECT_TEXT, "|"-separated]
//   --chromium PATH          the browser (default /usr/bin/chromium)               [ADIT_CHROMIUM]
//   --timeout-ms N           the whole run's limit (default 60000)                 [ADIT_OAUTH_TIMEOUT_MS]
//
// On success it prints one JSON line on stdout: {"url": "<where the browser landed>", "screenshots": [...]}
// and exits 0. On any failure it explains on stderr and exits non-zero.

import { mkdtemp, mkdir, rm } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';

const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  // a closed network: without these Chromium keeps calling home and its connections are refused
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

function parseOptions(argv) {
  const env = process.env;
  const options = {
    authorizeUrl: env.ADIT_OAUTH_AUTHORIZE_URL,
    email: env.ADIT_OAUTH_EMAIL,
    password: env.ADIT_OAUTH_PASSWORD,
    callbackPrefix: env.ADIT_OAUTH_CALLBACK_PREFIX,
    screenshots: env.ADIT_OAUTH_SCREENSHOTS,
    decision: env.ADIT_OAUTH_DECISION || 'approve',
    expectText: env.ADIT_OAUTH_EXPECT_TEXT ? env.ADIT_OAUTH_EXPECT_TEXT.split('|').filter(Boolean) : [],
    chromium: env.ADIT_CHROMIUM || '/usr/bin/chromium',
    timeoutMs: Number(env.ADIT_OAUTH_TIMEOUT_MS || 60000),
  };
  const names = {
    '--authorize-url': 'authorizeUrl', '--email': 'email', '--password': 'password',
    '--callback-prefix': 'callbackPrefix', '--screenshots': 'screenshots', '--decision': 'decision',
    '--chromium': 'chromium', '--timeout-ms': 'timeoutMs',
  };
  let expectFromArgs = null;
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const value = argv[i + 1];
    if (value === undefined) {
      throw new Error(`${flag} needs a value`);
    }
    if (flag === '--expect-text') {
      (expectFromArgs ??= []).push(value);
    } else if (names[flag]) {
      options[names[flag]] = flag === '--timeout-ms' ? Number(value) : value;
    } else {
      throw new Error(`unknown option ${flag}`);
    }
    i++;
  }
  if (expectFromArgs) {
    options.expectText = expectFromArgs;
  }
  for (const [key, flag] of [['authorizeUrl', '--authorize-url'], ['email', '--email'], ['password', '--password'],
    ['callbackPrefix', '--callback-prefix'], ['screenshots', '--screenshots']]) {
    if (!options[key]) {
      throw new Error(`missing ${flag} (or its environment variable)`);
    }
  }
  if (options.decision !== 'approve' && options.decision !== 'deny') {
    throw new Error(`--decision must be approve or deny, not ${options.decision}`);
  }
  if (!Number.isFinite(options.timeoutMs) || options.timeoutMs <= 0) {
    throw new Error('--timeout-ms must be a positive number');
  }
  if (!existsSync(options.chromium)) {
    throw new Error(`no browser at ${options.chromium}: install Debian's chromium (apt-get install chromium)`);
  }
  return options;
}

async function run(options, state) {
  await mkdir(options.screenshots, { recursive: true });
  state.profile = await mkdtemp(path.join(tmpdir(), 'adit-chromium-'));
  state.context = await chromium.launchPersistentContext(state.profile, {
    executablePath: options.chromium,
    headless: true,
    args: CHROMIUM_ARGS,
    viewport: { width: 900, height: 900 },
    timeout: 30000,
  });
  const page = state.context.pages()[0] ?? await state.context.newPage();
  page.setDefaultTimeout(15000);
  page.setDefaultNavigationTimeout(20000);
  page.on('console', m => state.log.push(`console ${m.type()}: ${m.text()}`));
  page.on('pageerror', e => state.log.push(`page error: ${e.message}`));
  page.on('requestfailed', r => state.log.push(`request failed: ${r.method()} ${r.url()}: ${r.failure()?.errorText}`));
  page.on('request', r => {
    if (r.method() !== 'GET') {
      const origin = r.headers()['origin'];
      state.log.push(`request ${r.method()} ${r.url()} (Origin: ${origin ?? 'none'})`);
    }
  });
  page.on('response', r => state.log.push(`response ${r.status()} ${r.request().method()} ${r.url()}`));
  const shots = [];
  const shoot = async name => {
    const file = path.join(options.screenshots, `${options.decision}-${name}.png`);
    await page.screenshot({ path: file, fullPage: true });
    shots.push(file);
  };

  step(state, 'open the authorize URL');
  const first = await page.goto(options.authorizeUrl, { waitUntil: 'load' });
  if (!first || first.status() !== 200) {
    throw new Error(`the authorize URL answered ${first?.status()} at ${page.url()}: ${await bodyText(page)}`);
  }
  step(state, 'find the sign-in form');
  await page.locator('#email').waitFor({ state: 'visible' });
  await shoot('1-sign-in');

  step(state, 'sign in');
  await page.locator('#email').fill(options.email);
  await page.locator('#password').fill(options.password);
  // the sign-in page has neither an approve button nor an error, so this waits for the next page
  await page.locator('#sign-in').click();
  step(state, 'wait for the consent page');
  await visibleOrBrowserError(page, page.locator('#approve, p.error').first(), 15000);
  if (await page.locator('p.error').count() > 0) {
    throw new Error(`sign-in was refused: ${await page.locator('p.error').first().innerText()}`);
  }
  for (const text of options.expectText) {
    step(state, `check the consent page shows "${text}"`);
    await page.getByText(text, { exact: false }).first().waitFor({ state: 'visible' });
  }
  const organizations = await page.locator('#organization_id option').count();
  if (organizations < 1) {
    throw new Error('the consent page offers no organization to act in');
  }
  await shoot('2-consent');

  step(state, `click ${options.decision} and wait for ${options.callbackPrefix}`);
  await Promise.all([
    page.waitForURL(url => url.href.startsWith(options.callbackPrefix) || url.protocol === 'chrome-error:', { waitUntil: 'load' }),
    page.locator(`#${options.decision}`).click(),
  ]);
  if (!page.url().startsWith(options.callbackPrefix)) {
    throw new Error(`Chromium showed its error page instead of the redirect: ${await bodyText(page)}`);
  }
  await shoot('3-redirect');
  return { url: page.url(), screenshots: shots };
}

// Waits for the locator, but gives up at once when Chromium shows its own error page instead
// (a refused request, an error status with no body, a navigation blocked by a policy).
async function visibleOrBrowserError(page, locator, timeoutMs) {
  const until = Date.now() + timeoutMs;
  for (;;) {
    if (page.url().startsWith('chrome-error:')) {
      throw new Error(`Chromium showed its error page: ${await bodyText(page)}`);
    }
    if (await locator.isVisible().catch(() => false)) {
      return;
    }
    if (Date.now() > until) {
      throw new Error(`nothing matching ${locator} appeared in ${timeoutMs} ms`);
    }
    await page.waitForTimeout(100);
  }
}

function step(state, what) {
  state.step = what;
}

async function bodyText(page) {
  try {
    return (await page.locator('body').innerText()).slice(0, 500);
  } catch {
    return '(no page text)';
  }
}

async function close(state) {
  try {
    await state.context?.close();
  } catch {
    // the browser is going away anyway
  }
  if (state.profile) {
    await rm(state.profile, { recursive: true, force: true }).catch(() => {});
  }
}

async function main() {
  let options;
  try {
    options = parseOptions(process.argv.slice(2));
  } catch (e) {
    process.stderr.write(`oauth-flow: ${e.message}\n`);
    process.exit(2);
  }
  const state = { step: 'launch Chromium', log: [], context: null, profile: null };
  const timer = setTimeout(async () => {
    process.stderr.write(`oauth-flow: gave up after ${options.timeoutMs} ms while trying to ${state.step}\n`);
    dumpLog(state);
    await close(state);
    process.exit(3);
  }, options.timeoutMs);
  try {
    const result = await run(options, state);
    process.stdout.write(JSON.stringify(result) + '\n');
    clearTimeout(timer);
    await close(state);
    process.exit(0);
  } catch (e) {
    clearTimeout(timer);
    let where = '';
    try {
      const page = state.context?.pages()[0];
      if (page) {
        const text = await bodyText(page);
        where = e.message.includes(text) ? ` (the page was at ${page.url()})` : ` (the page was at ${page.url()}: ${text})`;
      }
    } catch {
      // no page to describe
    }
    process.stderr.write(`oauth-flow: failed to ${state.step}: ${e.message}${where}\n`);
    dumpLog(state);
    await close(state);
    process.exit(1);
  }
}

function dumpLog(state) {
  if (state.log.length > 0) {
    process.stderr.write('oauth-flow: what the browser saw:\n' + state.log.slice(-40).map(l => '  ' + l).join('\n') + '\n');
  }
}

main();
