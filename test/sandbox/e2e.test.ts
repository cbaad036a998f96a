import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cpSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { ROOT } from '../helpers/cli.js';
import { describeViolations, ensureTestSite, launchBrowser, scan, serveStatic, startCourse, systemPath, type Course } from './helpers.js';

/**
 * The page sandbox end to end, in Debian's chromium: `awslings start` (emulator, sandbox server
 * and the built site) on free ports, the lambda-hello-sync lesson, its terminal, its checks,
 * progress across a reload, and the inspector's view of a cold start. The lesson page holds other
 * labs and a quiz written by the course authors, so everything here is found inside its own lab,
 * and the quiz is answered without knowing its questions.
 */

const LAB = 'lambda-hello-sync';
const LESSON = 'docs/lambda-invocation';

let course: Course;
let browser: Awaited<ReturnType<typeof launchBrowser>>;
let page: Page;
let services: string[] = [];
let siteDir = '';

beforeAll(async () => {
  siteDir = await ensureTestSite();
  // The system PATH: the terminal then meets Debian's AWS CLI 2.9, which needs the sandbox's wrapper.
  const [c, b] = await Promise.allSettled([startCourse({ PATH: systemPath() }), launchBrowser()]);
  if (c.status === 'fulfilled') course = c.value;
  if (b.status === 'fulfilled') browser = b.value;
  if (c.status === 'rejected') throw c.reason;
  if (b.status === 'rejected') throw b.reason;
  page = await browser.context.newPage();
  page.setDefaultTimeout(20_000);
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await course?.stop();
});

/** Waits for a value to match, as Playwright's own expect would (playwright-core has none). */
const poll = <T>(fn: () => Promise<T>, timeout = 20_000) => expect.poll(fn, { timeout, interval: 200 });
const text = (l: Locator) => l.innerText({ timeout: 1000 }).catch(() => '');
const attr = (l: Locator, name: string) => l.getAttribute(name, { timeout: 1000 }).catch(() => null);
const lambdaReady = () => services.includes('lambda') && services.includes('logs');
const lab = () => page.locator(`[data-lab="${LAB}"]`);
const announce = () => lab().locator('[data-announce]');
const button = (name: string | RegExp) => lab().getByRole('button', { name, exact: typeof name === 'string' });
const statuses = () => lab().locator('[data-check]').evaluateAll((els) => els.map((e) => e.getAttribute('data-status')));

/** Picks the first answer of every question, checks, and returns the score the quiz shows ("2 of 5"). */
async function answerQuiz(quiz: Locator): Promise<{ id: string; score: string; total: number }> {
  await quiz.waitFor();
  const id = (await quiz.getAttribute('data-quiz'))!;
  const questions = quiz.locator('fieldset');
  const total = await questions.count();
  for (let i = 0; i < total; i++) await questions.nth(i).locator('input[type=radio]').first().check();
  await quiz.getByRole('button', { name: 'Check my answers' }).click();
  await poll(() => text(quiz.locator('[data-quiz-score]'))).toMatch(new RegExp(`of ${total} correct`));
  const score = /(\d+) of (\d+)/.exec(await quiz.locator('[data-quiz-score]').innerText())![0];
  return { id, score, total };
}

describe('the lesson page', { timeout: 90_000 }, () => {
  it('shows the lab from the sandbox, and its terminal runs the AWS CLI against the sandbox', async () => {
    await page.goto(new URL(LESSON, course.url).href);
    await poll(() => text(lab().locator('h2'))).toContain('Hello, Lambda');
    await poll(() => text(lab())).toContain('workspace/');
    await poll(() => attr(lab().locator('a[href^="vscode://file/"]').first(), 'href')).toMatch(new RegExp(`${LAB}/handler\\.ts$`));
    services = await page.evaluate(async () => {
      const r = await fetch('/api/session', { headers: { 'x-awslings-token': window.__AWSLINGS_SANDBOX__!.token } });
      return ((await r.json()) as { target: { services: string[] } }).target.services;
    });

    // No xterm code before the terminal is opened.
    const scripts = await page.evaluate(() => performance.getEntriesByType('resource').map((e) => e.name).filter((n) => n.endsWith('.js')));
    const hasXterm = await Promise.all(scripts.map(async (s) => /xterm-helper-textarea|xterm-screen/.test(await (await fetch(s)).text())));
    expect(hasXterm.some(Boolean)).toBe(false);

    await button(`Open a terminal in workspace/${LAB}`).click();
    const term = lab().locator('[data-terminal-state]');
    await poll(() => attr(term, 'data-terminal-state')).toBe('connected');
    await poll(() => text(term)).toContain(`workspace/${LAB}`);
    await lab().locator('.xterm-helper-textarea').focus();
    await page.keyboard.type('aws sts get-caller-identity --output json; pwd\n');
    await poll(() => text(lab().locator('.xterm-rows')), 30_000).toContain('"Account": "000000000000"');
    await poll(() => text(lab().locator('.xterm-rows'))).toContain(join(course.workspace, LAB));
    // Tab belongs to the shell; Esc then Tab leaves the terminal (no keyboard trap).
    await page.keyboard.press('Escape');
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.classList.contains('xterm-helper-textarea'))).toBe(false);

    // The solution waits for a first attempt, unless the learner insists (as `awslings solution`).
    await button('Solution').click();
    await poll(() => text(announce())).toContain(`Try ${LAB} first`);
    await button('Show it anyway').waitFor();
  });

  it('checks the starter: every check is shown with its status, and the score', async () => {
    await button('Check').click();
    await poll(() => text(announce()), 60_000).toContain('Check finished');
    await poll(() => lab().locator('[data-check]').count()).toBe(6);
    const found = await statuses();
    if (lambdaReady()) {
      expect(found).toContain('fail');
      expect(found).not.toContain('error');
      // A failing check carries its hint.
      await poll(() => text(lab().locator('[data-check][data-status="fail"]').first())).toContain('Hint:');
    } else {
      expect(found.every((s) => s === 'skipped')).toBe(true);
    }
    await poll(() => text(lab().locator('[data-passed="false"]'))).toContain('Score');

    // Results are announced to screen readers and pass an axe scan.
    expect(await announce().getAttribute('aria-live')).toBe('polite');
    const violations = await scan(page);
    expect(violations, describeViolations(violations)).toEqual([]);

    if (lambdaReady()) {
      await button('Hint').click();
      const firstFail = await lab().locator('[data-check][data-status="fail"]').first().getAttribute('data-check');
      const title = await lab().locator(`[data-check="${firstFail}"] [data-check-title]`).innerText();
      await poll(() => text(lab().locator('[data-hint]'))).toContain(`Hint for “${title}”`);
    }
  });

  it('deploys and checks the solution: every check passes, and progress survives a reload', async (ctx) => {
    if (!lambdaReady()) ctx.skip(); // the Lambda and Logs services are not in this emulator yet
    cpSync(join(ROOT, 'labs', LAB, 'solution'), join(course.workspace, LAB), { recursive: true });
    await button('Deploy and check').click();
    await poll(() => text(announce()), 100_000).toContain('Check finished');
    expect(await statuses()).toEqual(Array(6).fill('pass'));
    await poll(() => text(lab().locator('[data-passed="true"]'))).toContain('every check passes');

    const progress = JSON.parse(readFileSync(join(course.stateDir, 'progress.json'), 'utf8'));
    expect(progress.labs[LAB]).toMatchObject({ passed: true, attempts: 2, bestScore: 7 });

    await page.reload();
    await poll(() => text(lab().locator('[data-progress]'))).toContain('Completed');
    // The terminal was open: it comes back, attached to the same shell (xterm.js draws only on screen).
    await poll(() => attr(lab().locator('[data-terminal-state]'), 'data-terminal-state')).toBe('connected');
    await lab().locator('[data-terminal-state]').scrollIntoViewIfNeeded();
    await poll(() => text(lab().locator('.xterm-rows'))).toContain('"Account": "000000000000"');
  }, 150_000);

  it('shows a cold start in the inspector after an invocation', async (ctx) => {
    if (!lambdaReady()) ctx.skip();
    await button('Open the inspector').click();
    await poll(() => attr(lab().getByRole('tab', { name: 'Lambda invocations' }), 'aria-selected')).toBe('true');
    const panel = lab().locator('[data-inspector] [role="tabpanel"]');
    await panel.locator('[data-cold="true"]').first().waitFor({ state: 'visible' });
    await poll(() => text(panel.locator('[data-lambda-summary]'))).toMatch(/[1-9]\d* cold starts?/);
    await lab().getByRole('tab', { name: 'Resources' }).click();
    await poll(() => text(panel)).toContain('hello-sync-role');
  });

  it('remembers a quiz answer, and the progress page lists the lab and exports JSON', async () => {
    const quiz = page.locator('[data-quiz][data-quiz-loaded]').first();
    const { id, score, total } = await answerQuiz(quiz);
    await poll(() => text(quiz.getByRole('status'))).toContain(`${score} correct. Saved with your progress.`);
    await page.reload();
    await poll(() => text(page.locator(`[data-quiz="${id}"] [data-quiz-score]`))).toContain(score);

    await page.goto(new URL('progress', course.url).href);
    await page.locator(`[data-lab-row="${LAB}"]`).waitFor({ state: 'visible' });
    expect(await page.locator(`[data-lab-row="${LAB}"]`).getAttribute('data-status')).toBe(lambdaReady() ? 'Done' : 'Started');
    const download = page.waitForEvent('download');
    await page.getByRole('button', { name: 'Export progress as JSON' }).click();
    const exported = JSON.parse(readFileSync((await (await download).path())!, 'utf8'));
    expect(exported.quizzes[id]).toMatchObject({ correct: Number(score.split(' ')[0]), total });
    expect(exported.labs[LAB].attempts).toBeGreaterThanOrEqual(1);
  });

  it('shows the solution once there was an attempt', async () => {
    await page.goto(new URL(LESSON, course.url).href);
    await button('Solution').click();
    await poll(() => text(lab())).toContain('Reference solution');
    await poll(() => text(lab())).toContain('handler.ts');
  });

  it('asks before a reset, then puts back the starter files', async () => {
    await button('Reset…').click();
    await button('Yes, reset').click();
    await poll(() => text(announce())).toContain('back to its starting files');
    expect(readFileSync(join(course.workspace, LAB, 'handler.ts'), 'utf8')).toBe(readFileSync(join(ROOT, 'labs', LAB, 'starter', 'handler.ts'), 'utf8'));
  });
});

describe('a copy of the site without the sandbox', { timeout: 90_000 }, () => {
  it('says how to start the sandbox, and shows no terminal', async () => {
    const copy = await serveStatic(siteDir);
    const p = await browser.context.newPage();
    try {
      await p.goto(new URL(LESSON, copy.url).href);
      const section = p.locator(`section[aria-labelledby="lab-${LAB}"]`);
      await poll(() => text(section)).toContain('needs the awslings sandbox');
      await poll(() => text(section)).toContain('npm start');
      expect(await p.locator('.xterm, [data-terminal-state]').count()).toBe(0);
      expect(await p.getByRole('button', { name: /Open a terminal/ }).count()).toBe(0);
      // The quiz still works, and keeps its result in the browser.
      const { id, score } = await answerQuiz(p.locator('[data-quiz][data-quiz-loaded]').first());
      await p.reload();
      await poll(() => text(p.locator(`[data-quiz="${id}"] [data-quiz-score]`))).toContain(score);
    } finally {
      await p.close();
      await copy.close();
    }
  });
});
