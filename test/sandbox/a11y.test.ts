import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeViolations, ensureTestSite, launchBrowser, scan, startCourse, type Course } from './helpers.js';

/** axe-core on the course pages as the sandbox serves them: no serious or critical violations, in light and dark mode. */

let course: Course;
let browser: Awaited<ReturnType<typeof launchBrowser>>;

beforeAll(async () => {
  await ensureTestSite();
  const [c, b] = await Promise.allSettled([startCourse(), launchBrowser()]);
  if (c.status === 'fulfilled') course = c.value;
  if (b.status === 'fulfilled') browser = b.value;
  if (c.status === 'rejected') throw c.reason;
  if (b.status === 'rejected') throw b.reason;
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await course?.stop();
});

describe('accessibility', { timeout: 90_000 }, () => {
  for (const scheme of ['light', 'dark'] as const) {
    it(`the lesson page with its lab, quiz and inspector (${scheme} mode)`, async () => {
      const page = await browser.context.newPage();
      await page.emulateMedia({ colorScheme: scheme });
      try {
        await page.goto(new URL('docs/lambda-invocation', course.url).href);
        await page.locator('[data-lab="lambda-hello-sync"] [data-progress]').waitFor();
        let found = await scan(page);
        expect(found, describeViolations(found)).toEqual([]);

        // The parts that appear on demand: the inspector, a hint, the quiz's explanations.
        const lab = page.locator('[data-lab="lambda-hello-sync"]');
        await lab.getByRole('button', { name: 'Open the inspector' }).click();
        await lab.getByRole('tab', { name: 'Resources' }).click();
        await lab.locator('[data-panel="resources"] >> text=Account').waitFor();
        const quiz = page.locator('[data-quiz][data-quiz-loaded]').first();
        await quiz.waitFor();
        // The other colour scheme's run may have answered it already: it then shows answered.
        if (!(await quiz.locator('[data-quiz-score]').count())) {
          const questions = quiz.locator('fieldset');
          for (let i = 0; i < (await questions.count()); i++) await questions.nth(i).locator('input[type=radio]').first().check();
          await quiz.getByRole('button', { name: 'Check my answers' }).click();
        }
        await quiz.locator('[data-quiz-score]').waitFor();
        found = await scan(page);
        expect(found, describeViolations(found)).toEqual([]);
      } finally {
        await page.close();
      }
    });
  }

  it('the home page (learning path with progress) and the progress page', async () => {
    const page = await browser.context.newPage();
    try {
      await page.goto(course.url);
      await page.locator('[data-path-progress]').waitFor();
      let found = await scan(page);
      expect(found, describeViolations(found)).toEqual([]);
      await page.goto(new URL('progress', course.url).href);
      await page.locator('[data-progress-summary]').waitFor();
      found = await scan(page);
      expect(found, describeViolations(found)).toEqual([]);
    } finally {
      await page.close();
    }
  });
});
