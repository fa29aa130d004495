// The published folder (`cargo xtask dist`, xtask/src/dist.rs) beyond what the other e2e tests
// check by serving it under a sub-path: a copy opened from the disk (`file://`) works too, its
// `index.html` going to the one-file `standalone.html`, which runs a scenario to its end and
// answers the app's fetches of the guided tours from inline copies, and links to the Experiments
// view without leaving the file.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { launch, distDir, suite } from './lib/harness.mjs';

const dist = distDir();
const browser = await launch();
const { check, finish } = suite();

try {
    await check('dist/ has the host files and relative paths only', async () => {
        assert.ok(fs.existsSync(path.join(dist, '.nojekyll')), '.nojekyll for GitHub Pages');
        const index = fs.readFileSync(path.join(dist, 'index.html'), 'utf8');
        assert.doesNotMatch(index, /(src|href)=["']?\/(?!\/)/, 'no absolute asset path');
    });

    await check('a file:// copy runs: index.html goes to the one-file standalone.html', async () => {
        const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
        const errors = [];
        page.on('pageerror', (e) => errors.push(e.message));
        const start = pathToFileURL(path.join(dist, 'index.html')).href;
        await page.goto(`${start}?nodes=4&seed=1&min-delay-ms=5&max-delay-ms=5`);
        await page.waitForSelector('.node', { timeout: 15_000 });
        assert.match(page.url(), /\/standalone\.html\?nodes=4&seed=1/);
        assert.equal(await page.locator('.node').count(), 4);
        // To the end of the run through the time slider.
        await page.locator('#scrub').fill('1000');
        await page.waitForFunction(() => /Committed|Ended/.test(document.querySelector('[data-testid=status]')?.textContent));
        // What the app fetches on demand (the guided tours) is inline, as fetch cannot read the disk.
        const index = await page.evaluate(() => fetch('tours/index.txt').then((r) => r.text()));
        assert.match(index, /normal-case/);
        await page.locator('a.view-link').click();
        await page.waitForSelector('canvas[data-chart]');
        assert.match(page.url(), /\/standalone\.html\?view=experiments/);
        assert.deepEqual(errors, []);
        await page.close();
    });
} finally {
    await browser.close();
}

process.exit(finish());
