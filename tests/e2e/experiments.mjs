// End-to-end test of the Experiments view (src/experiments/) on the release bundle in headless
// Chromium, with the harness of run.mjs (`cargo xtask test` runs every tests/e2e/*.mjs).
//
// Checks: a small sweep from the URL runs to the end with its progress shown; the three canvases
// are drawn (many non-white pixels), each with a reading in words under it; hovering a chart shows
// a point's numbers beside the pointer; the CSV export holds one row per point and the JSON one
// line per point, named for the sweep; the table's columns are words; the experiment is in the
// URL; at phone width the table scrolls inside its box, not the page; and the
// default sweep (n = 10, m 0..=9) runs to the end (its speed: tests/bench/browser.mjs).
// Screenshots go to target/e2e/.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { serve, launch, newPage, distDir, outDir, suite, axeViolations } from './lib/harness.mjs';

const shots = outDir('e2e');
const server = await serve(distDir());
const browser = await launch();
const { errors, check, finish } = suite();

/** Clicks Run and waits for the sweep to end; returns its wall time in ms (from the page). */
async function runSweep(page, timeout = 60_000) {
    await page.getByTestId('exp-run').click();
    await page.waitForFunction(
        () => document.querySelector('[data-testid=exp-status]')?.textContent.startsWith('Done'),
        null,
        { timeout },
    );
    const status = page.getByTestId('exp-status');
    const compute = Number(await status.getAttribute('data-compute-ms'));
    const elapsed = Number(await status.getAttribute('data-elapsed-ms'));
    console.log(`     sweep: ${elapsed.toFixed(1)} ms in the page, ${compute.toFixed(1)} ms of it running trials`);
    return elapsed;
}

/** Non-white pixels of each chart canvas. */
const inkPerCanvas = (page) =>
    page.evaluate(() =>
        [...document.querySelectorAll('canvas[data-chart]')].map((c) => {
            const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
            let ink = 0;
            for (let i = 0; i < d.length; i += 4) if (d[i] < 240 || d[i + 1] < 240 || d[i + 2] < 240) ink++;
            return ink;
        }),
    );

async function downloaded(page, testid, encoding = 'utf8') {
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId(testid).click()]);
    return fs.readFileSync(await download.path(), encoding);
}

try {
    await check('a small sweep runs, draws three charts and exports one row per point', async () => {
        const page = await newPage(browser, { width: 1280, height: 900 }, errors);
        await page.goto(`${server.base}?view=experiments&trials=20&byzantine=0..=6&compare=strategy%3Dsilent`);
        await page.waitForSelector('canvas[data-chart]');
        assert.equal(await page.locator('canvas[data-chart]').count(), 3);
        const ms = await runSweep(page);
        assert.ok(ms > 0, `elapsed ${ms}`);
        const status = await page.getByTestId('exp-status').textContent();
        assert.match(status, /Done: 280 runs/, status);
        assert.equal(await page.getByTestId('exp-progress').getAttribute('value'), '280');
        // Two series × 7 points in the table.
        assert.equal(await page.locator('[data-testid=exp-table] tbody tr').count(), 14);
        const ink = await inkPerCanvas(page);
        assert.equal(ink.length, 3);
        for (const [i, n] of ink.entries()) assert.ok(n > 2000, `canvas ${i} drawn (${n} non-white pixels)`);
        // Each chart has its reading; the tutorial's say why its curves fall.
        assert.match(await page.getByTestId('reading-latency').textContent(), /^Latency falls as m grows .*fewer honest nodes/);
        assert.match(await page.getByTestId('reading-success').textContent(), /^Success falls like 1 − m\/n/);
        assert.match(await page.getByTestId('reading-messages').textContent(), /^Messages per run fall/);
        // Hover the success chart over its middle: a point's numbers appear beside the pointer.
        const success = page.locator('canvas[data-chart=success]');
        await success.scrollIntoViewIfNeeded();
        const box = await success.boundingBox();
        const at = { x: box.x + box.width * 0.4, y: box.y + box.height * 0.5 };
        await page.mouse.move(at.x, at.y);
        const readout = page.getByTestId('exp-readout');
        await readout.waitFor();
        assert.match(await readout.textContent(), /\d+ of 20 succeeded/);
        const r = await readout.boundingBox();
        const gap = Math.max(r.x - at.x, at.x - (r.x + r.width), r.y - at.y, at.y - (r.y + r.height));
        assert.ok(gap >= 0 && gap < 40, `readout ${JSON.stringify(r)} beside the pointer ${JSON.stringify(at)}`);
        assert.ok(r.y < box.y + box.height, 'the readout is over the hovered chart, not under the charts');
        await page.screenshot({ path: path.join(shots, 'experiments-hover.png') });
        // A click opens trial 0 of that point in the live view, in a new tab.
        const [live] = await Promise.all([page.context().waitForEvent('page'), page.mouse.click(box.x + box.width * 0.4, box.y + box.height * 0.5)]);
        await live.waitForSelector('.node');
        assert.equal(await live.locator('.node').count(), 10);
        assert.match(new URL(live.url()).searchParams.get('byzantine') ?? '', /^[0-6]$/);
        await live.close();
        const head = await page.$$eval('[data-testid=exp-table] thead th', (ths) => ths.map((t) => t.textContent));
        assert.ok(head.includes('Runs that succeeded') && !head.some((h) => /_/.test(h)), `columns in words: ${head}`);
        const stem = 'tutorial-sweep_strategy-tutorial_n10_m0-6_20trials_seed11_vs_strategy-silent';
        const [csvFile] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-csv').click()]);
        assert.equal(csvFile.suggestedFilename(), `${stem}.csv`);
        const csv = fs.readFileSync(await csvFile.path(), 'utf8').trim().split('\n');
        assert.equal(csv.length, 1 + 14, 'a header and one row per point');
        assert.match(csv[0], /^protocol,nodes,f,byzantine,strategy,seed,trials,successes,success_rate/);
        assert.ok(csv.slice(1).every((l) => l.split(',').length === csv[0].split(',').length));
        const json = (await downloaded(page, 'export-json')).trim().split('\n');
        assert.equal(json.length, 14);
        assert.equal(JSON.parse(json[7]).strategy, 'silent');
        const [pngFile] = await Promise.all([page.waitForEvent('download'), page.getByTestId('png-latency').click()]);
        assert.equal(pngFile.suggestedFilename(), `${stem}_latency.png`);
        const png = fs.readFileSync(await pngFile.path());
        // The caption under the chart makes the PNG taller than the canvas (400 px).
        assert.ok(png.readUInt32BE(20) > 400, `PNG height ${png.readUInt32BE(20)}`);
        assert.deepEqual([...png.subarray(0, 4)], [0x89, 0x50, 0x4e, 0x47], 'Save PNG gives a PNG');
        assert.ok(png.length > 5000, `PNG of ${png.length} bytes`);
        const url = new URL(page.url());
        assert.equal(url.searchParams.get('byzantine'), '0..=6');
        assert.equal(url.searchParams.get('trials'), '20');
        assert.equal(url.searchParams.get('compare'), 'strategy=silent');
        await page.screenshot({ path: path.join(shots, 'experiments-1280x900.png'), fullPage: true });
        const axe = await axeViolations(page);
        assert.deepEqual(axe, [], `axe-core: ${axe.join('; ')}`);
        await page.close();
    });

    await check('the default sweep (n = 10, m 0..=9, the tutorial\'s 6 trials) runs to the end', async () => {
        // How fast it runs is a benchmark (tests/bench/browser.mjs), not a test.
        const page = await newPage(browser, { width: 1280, height: 900 }, errors);
        await page.goto(`${server.base}?view=experiments`);
        await page.waitForSelector('canvas[data-chart]');
        await runSweep(page);
        assert.equal(await page.locator('[data-testid=exp-table] tbody tr').count(), 10);
        await page.close();
    });

    await check('PBFT compared over the tutorial succeeds in every trial while m <= f', async () => {
        const page = await newPage(browser, { width: 1280, height: 900 }, errors);
        await page.goto(`${server.base}?view=experiments&trials=10&byzantine=0..=4&compare=protocol%3Dpbft`);
        await runSweep(page);
        const csv = (await downloaded(page, 'export-csv')).trim().split('\n');
        const head = csv[0].split(',');
        const rows = csv.slice(1).map((l) => Object.fromEntries(l.split(',').map((v, i) => [head[i], v])));
        const pbft = rows.filter((r) => r.protocol === 'pbft' && Number(r.byzantine) <= Number(r.f));
        assert.equal(pbft.length, 4, 'm = 0..=3 with f = 3');
        for (const r of pbft) assert.equal(r.successes, r.trials, `pbft at m = ${r.byzantine}: ${r.successes}/${r.trials}`);
        await page.close();
    });

    await check('the live view links to the experiment with its scenario', async () => {
        const page = await newPage(browser, { width: 1280, height: 800 }, errors);
        await page.goto(`${server.base}?nodes=7&seed=3`);
        await page.waitForSelector('.node');
        await page.locator('a.view-link').click();
        await page.waitForSelector('canvas[data-chart]');
        const url = new URL(page.url());
        assert.equal(url.searchParams.get('view'), 'experiments');
        assert.equal(url.searchParams.get('nodes'), '7');
        assert.equal(url.searchParams.get('seed'), '3');
        await page.close();
    });

    await check('phone width: charts drawn at the narrow size, so their text stays readable', async () => {
        const page = await newPage(browser, { width: 390, height: 844 }, errors);
        await page.goto(`${server.base}?view=experiments&trials=10`);
        await page.waitForSelector('canvas[data-chart]');
        await runSweep(page);
        const widths = await page.$$eval('canvas[data-chart]', (cs) => cs.map((c) => c.width));
        assert.deepEqual(widths, [460, 460, 460]);
        for (const [i, ink] of (await inkPerCanvas(page)).entries()) assert.ok(ink > 3000, `chart ${i}: ${ink}`);
        // The table scrolls inside its box; the page itself does not scroll sideways.
        const wrap = await page.locator('.exp-table-wrap').evaluate((w) => ({ client: w.clientWidth, scroll: w.scrollWidth }));
        assert.ok(wrap.scroll > wrap.client, `the table is wider than a phone (${JSON.stringify(wrap)})`);
        assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth), 'no page-wide sideways scroll');
        await page.screenshot({ path: path.join(shots, 'experiments-390x844.png'), fullPage: true });
        await page.close();
    });
} finally {
    await browser.close();
    server.close();
}

const code = finish();
process.exit(code);
