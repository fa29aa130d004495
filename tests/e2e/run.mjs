// End-to-end test of the release bundle in headless Chromium.
//
// How it runs: `cargo xtask test` builds `dist/` with `cargo xtask dist`, then runs
// every `tests/e2e/*.mjs` with node from the repository root (PBFT_DIST = the bundle). By hand:
//     npm install && cargo xtask dist && node tests/e2e/run.mjs
// It uses `playwright-core` (root package.json) driving /usr/bin/chromium (or $CHROMIUM); nothing is
// downloaded. It serves the bundle on 127.0.0.1 under a sub-path, opens scenarios from the URL,
// and checks: the right number of `.node` elements; `.msg` dots appear and move; the run reaches
// commit; the log fills (only the rows in its scroll box are in the DOM, the scrollbar standing
// for all of them; a new event at the top leaves the other rows' elements in place); a bad URL
// parameter and a bad field value show their messages; no console error. Message dots are SVG
// `.msg[data-phase]` elements for small runs; with many in flight (n = 16 and 64 here) the canvas
// layer draws them and its `data-dots` / `data-phases` say what it draws
// (src/components/dots/mod.rs). Screenshots (1280×800 and 390×844) go to target/e2e/.

import assert from 'node:assert/strict';
import path from 'node:path';
import { serve, launch, newPage, distDir, outDir, suite } from './lib/harness.mjs';

const shots = outDir('e2e');
const server = await serve(distDir());
const browser = await launch();
const { errors, check, finish } = suite();

const count = (page, sel) => page.locator(sel).count();

/** The log's scroll box is as tall as all its `rows` rows of 22 px, and the rows rendered cover
 * what is in view (src/components/log.rs renders no others, give or take a few). */
async function logRowsFillTheView(page, rows) {
    const g = await page.locator('.log-rows').evaluate((b) => ({
        top: b.getBoundingClientRect().top + b.clientTop,
        height: b.clientHeight,
        scrollHeight: b.scrollHeight,
        rows: [...b.querySelectorAll('.log-row')].map((r) => [r.getBoundingClientRect().top, r.getBoundingClientRect().bottom]),
    }));
    assert.equal(g.scrollHeight, rows * 22, 'the scrollbar stands for every row');
    assert.ok(g.rows.every(([t, b]) => Math.abs(b - t - 22) < 0.01), 'rows are one 22 px line');
    assert.ok(g.rows.length > 0 && g.rows[0][0] <= g.top, `rows from the view's top (${g.rows[0]?.[0]} > ${g.top})`);
    assert.ok(g.rows.at(-1)[1] >= g.top + g.height, "rows to the view's bottom");
    assert.ok(g.rows.length <= Math.ceil(g.height / 22) + 1 + 2 * 6, `${g.rows.length} rows rendered`);
}

try {
    await check('a scenario in the URL runs to commit, with moving dots and a full log', async () => {
        const page = await newPage(browser, { width: 1280, height: 800 }, errors);
        // 7 nodes, 2 of them explicitly Byzantine at a slow speed so dots are seen in flight.
        await page.goto(`${server.base}?nodes=7&seed=3`);
        await page.waitForSelector('.node');
        assert.equal(await count(page, '.node'), 7, 'one .node per node');
        assert.equal(await count(page, '.node[data-node="6"]'), 1);
        await page.screenshot({ path: path.join(shots, 'ready-1280x800.png') });
        await page.getByTestId('play').click();
        await page.waitForSelector('.msg', { timeout: 10_000 });
        const phase = await page.locator('.msg').first().getAttribute('data-phase');
        assert.ok(['pre-prepare', 'prepare', 'commit'].includes(phase), `phase ${phase}`);
        // The animation moves: two pictures of the graph a moment apart differ.
        const graph = page.locator('svg.graph');
        const a = await graph.screenshot({ path: path.join(shots, 'moving-a.png') });
        await page.waitForTimeout(250);
        const b = await graph.screenshot({ path: path.join(shots, 'moving-b.png') });
        assert.notDeepEqual(a, b, 'the graph changes while playing');
        await page.screenshot({ path: path.join(shots, 'running-1280x800.png') });
        await page.waitForFunction(
            () => document.querySelector('[data-testid=status]')?.textContent.startsWith('Committed'),
            null,
            { timeout: 60_000 },
        );
        assert.equal(await count(page, '.node.committed'), 7, 'every node committed');
        // The log fills; only the rows in its scroll box (and a few beyond) are in the DOM.
        const logCount = await page.getByTestId('log-count').textContent();
        const total = Number(logCount.match(/(\d+) events$/)[1]);
        assert.ok(total > 20, `the log fills (${logCount})`);
        await logRowsFillTheView(page, Math.min(total, 200));
        await page.locator('.log-rows').evaluate((b) => { b.scrollTop = b.scrollHeight; });
        // At the bottom the spacer below the rows is empty.
        await page.waitForFunction(() => document.querySelector('.log-rows').lastElementChild.style.height === '0px');
        await logRowsFillTheView(page, Math.min(total, 200));
        assert.ok((await count(page, '.arrow')) >= 2, 'the space-time diagram has arrows');
        await page.screenshot({ path: path.join(shots, 'committed-1280x800.png'), fullPage: true });
        // The inspector opens on a click and shows the votes.
        await page.locator('.node[data-node="2"] .shape').click();
        await page.getByTestId('inspector').waitFor();
        const text = await page.getByTestId('inspector').textContent();
        assert.match(text, /commit \d+\/5/);
        // Seeking back replays: the time goes back and nodes are no longer all committed.
        await page.locator('svg.st').click({ position: { x: 5, y: 5 } });
        assert.ok((await count(page, '.node.committed')) < 7, 'seeking back undoes commits');
        await page.close();
    });

    await check('many messages: the canvas dots layer, counts by phase, moving dots, screenshots', async () => {
        // Concurrent processing and long delays put thousands of messages in flight at n = 64.
        const slow = '&processing=concurrent&min-delay-ms=300&max-delay-ms=600';
        for (const n of [16, 64]) {
            for (const [w, h] of [[1280, 800], [390, 844]]) {
                const page = await newPage(browser, { width: w, height: h }, errors);
                await page.goto(`${server.base}?nodes=${n}${slow}`);
                await page.waitForSelector('.node');
                await page.locator('#speed').fill('667'); // 1× real time
                await page.getByTestId('play').click();
                const layer = page.locator('canvas.msg-layer');
                await page.waitForSelector('canvas.msg-layer[data-mode="canvas"]', { timeout: 30_000 });
                await page.locator('#speed').fill('0'); // 0.01×: keep them in flight
                // Above the SVG threshold no `.msg` element exists; the canvas says what it draws.
                const hooks = await layer.evaluate((c) => ({ ...c.dataset, msgs: document.querySelectorAll('.msg').length }));
                const dots = Number(hooks.dots);
                assert.equal(hooks.msgs, 0, 'no SVG dots in canvas mode');
                assert.ok(dots > 100, `dots ${dots}`);
                const byPhase = Object.fromEntries(hooks.phases.split(' ').map((x) => x.split('=')));
                assert.ok(Number(byPhase.prepare) > 0, `phases ${hooks.phases}`);
                const sum = Object.values(byPhase).reduce((a, b) => a + Number(b), 0);
                assert.equal(sum, dots, 'counts by phase add up to the dots drawn');
                // The dots move: two pictures of the graph a moment apart differ.
                const box = page.locator('.graph-box');
                await box.scrollIntoViewIfNeeded();
                const a = await box.screenshot();
                await page.waitForTimeout(400);
                const b = await box.screenshot({ path: path.join(shots, `canvas-n${n}-${w}x${h}-graph.png`) });
                assert.notDeepEqual(a, b, 'the canvas changes while playing');
                await page.screenshot({ path: path.join(shots, `running-n${n}-${w}x${h}.png`) });
                await page.close();
            }
        }
    });

    await check('reduced motion is followed when it changes, not only at start-up', async () => {
        const page = await newPage(browser, { width: 1280, height: 800 }, errors);
        await page.goto(`${server.base}?nodes=4`);
        await page.waitForSelector('.node');
        for (let i = 0; i < 3; i++) await page.keyboard.press('ArrowRight');
        await page.waitForSelector('.msg');
        const where = () => page.locator('.msg').evaluateAll((els) => els.map((e) => e.getAttribute('transform')).join(';'));
        const moving = await where();
        await page.emulateMedia({ reducedMotion: 'reduce' });
        // Paused, so only the preference moves the dots: to the middle of their path.
        await page.waitForFunction((before) => [...document.querySelectorAll('.msg')]
            .map((e) => e.getAttribute('transform')).join(';') !== before, moving);
        await page.emulateMedia({ reducedMotion: 'no-preference' });
        await page.waitForFunction((before) => [...document.querySelectorAll('.msg')]
            .map((e) => e.getAttribute('transform')).join(';') === before, moving);
        await page.close();
    });

    await check('a new event at the top of the log leaves the other rows in place', async () => {
        const page = await newPage(browser, { width: 1280, height: 800 }, errors);
        await page.goto(`${server.base}?nodes=4`);
        await page.waitForSelector('.node');
        const countText = () => page.getByTestId('log-count').textContent();
        while (Number((await countText()).match(/(\d+) events$/)[1]) < 40) await page.keyboard.press('ArrowRight');
        const before = await countText();
        await page.$$eval('.log-row', (rows) => rows.forEach((r) => { r.dataset.old = 'yes'; }));
        await page.keyboard.press('ArrowRight');
        await page.waitForFunction((b) => document.querySelector('[data-testid=log-count]').textContent !== b, before);
        const rows = await count(page, '.log-row');
        const kept = await count(page, '.log-row[data-old=yes]');
        assert.ok(kept >= rows - 2, `keyed rows: ${kept} of ${rows} kept`);
        await page.close();
    });

    await check('a bad URL parameter shows its message and the default is used', async () => {
        const page = await newPage(browser, { width: 1280, height: 800 }, errors);
        await page.goto(`${server.base}?nodes=abc&colour=red&seed=4`);
        const notice = page.getByTestId('url-notice');
        await notice.waitFor();
        const text = await notice.textContent();
        assert.match(text, /nodes must be a number; 'abc' is not one/);
        assert.match(text, /unknown parameter 'colour'/);
        assert.equal(await count(page, '.node'), 10, 'default nodes used');
        // A bad value typed in a field shows the engine's sentence beside it and blocks Play.
        await page.locator('#f-drop').fill('1.5');
        await page.locator('#f-drop').press('Enter');
        const err = page.locator('[data-field="drop"] .field-error');
        await err.waitFor();
        assert.match(await err.textContent(), /probability and must be between 0 and 1/);
        assert.equal(await page.getByTestId('play').isDisabled(), true);
        await page.screenshot({ path: path.join(shots, 'errors-1280x800.png') });
        await page.close();
    });

    await check('phone width: stacked layout, keyboard play, Byzantine nodes', async () => {
        const page = await newPage(browser, { width: 390, height: 844 }, errors);
        await page.goto(`${server.base}?nodes=4&byzantine-nodes=3&byzantine=1`);
        await page.waitForSelector('.node');
        assert.equal(await count(page, '.node.byz'), 1);
        assert.equal(await count(page, '.node.byz polygon'), 1, 'Byzantine nodes are diamonds');
        const width = await page.evaluate(() => document.documentElement.scrollWidth);
        assert.ok(width <= 390, `no horizontal scroll at phone width (${width}px)`);
        await page.keyboard.press('Space');
        await page.waitForSelector('.msg', { timeout: 10_000 });
        await page.screenshot({ path: path.join(shots, 'running-390x844.png') });
        await page.close();
    });
} finally {
    await browser.close();
    server.close();
}

const code = finish();
console.log(`screenshots in ${shots}`);
process.exit(code);
