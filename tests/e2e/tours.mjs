// End-to-end test of the guided tours (src/tour/, src/state/tour.rs) in headless Chromium over
// the release site, served under a sub-path (the tour files are fetched relative to the page).
// Run like the others (`cargo xtask test`, or by hand: `cargo xtask dist && node tests/e2e/tours.mjs`).
//
// Checks: the tours index ("Guided tours" in the header) lists every tour of tours/index.txt as a
// `[data-tour=NAME]` entry; each tour opens from it at step 1, steps forward with `.tour-next` to
// its last step and back with `.tour-back` to the first, showing at each step the same time, node
// states and log length both ways (Back disabled at the start, Next at the end), with the address
// bar at `?tour=NAME&step=K`; `?tour=NAME&step=K` opened directly shows step K exactly as
// stepping did; the keyboard moves through a tour; axe-core finds no serious violation in the
// tour panel or the index; framed (`?embed=1&tour=...`) the narration replaces the caption, and
// the page API's `tour` command moves it (`tour` events), an unknown tour answering `error`; the
// course page example's tour slot and its own buttons follow each other.
// Screenshots of every tour's first and last step (1280×800), of one at 390×844 and framed at
// 700×450 go to target/e2e-tours/ (look at them).

import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { serve, launch, newPage, distDir, outDir, suite, axeViolations } from './lib/harness.mjs';

const shots = outDir('e2e-tours');
const dist = distDir();
const server = await serve(dist);
const browser = await launch();
const { errors, check, finish } = suite();

const NAMES = fs.readFileSync(path.join(dist, 'tours/index.txt'), 'utf8')
    .split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#'));

/** What a step shows: its number, the time, every node's state, the log's length, the highlights. */
async function shown(page) {
    return page.evaluate(() => ({
        step: document.querySelector('.tour-panel')?.dataset.step,
        heading: document.querySelector('.tour-heading')?.textContent,
        time: document.querySelector('[data-testid=time]')?.textContent,
        states: [...document.querySelectorAll('.node')].map((n) => `${n.dataset.node}:${n.dataset.state}`).join(' '),
        log: document.querySelector('[data-testid=log-count]')?.textContent,
        focus: [...document.querySelectorAll('[data-focus]')].map((n) => n.dataset.node).join(' '),
        phases: document.querySelector('.graph-box')?.dataset.phases ?? '',
    }));
}

/** Waits until step `k` (from 1) of `name` is on screen and settled: the address bar says so. */
async function atStep(page, name, k) {
    await page.waitForFunction(([n, s]) => {
        const p = document.querySelector('.tour-panel');
        return p?.dataset.tourName === n && p.dataset.step === String(s)
            && location.search === `?tour=${n}&step=${s}`;
    }, [name, k], { timeout: 15_000 });
}

/** Opens the index and chooses tour `name`. */
async function choose(page, name) {
    await page.getByTestId('tours').click();
    const entry = page.locator(`[data-tour="${name}"]`);
    await entry.waitFor({ timeout: 15_000 });
    await entry.click();
    await atStep(page, name, 1);
}

const forward = {};

try {
    await check('the index lists every tour, each with a title and a summary', async () => {
        const page = await newPage(browser, { width: 1280, height: 800 }, errors);
        await page.goto(server.base);
        await page.waitForSelector('.node');
        await page.getByTestId('tours').click();
        await page.waitForSelector('[data-tour]');
        const entries = await page.locator('[data-tour]').evaluateAll((els) => els.map((e) => [e.dataset.tour, e.querySelector('b').textContent, e.querySelector('span').textContent]));
        assert.deepEqual(entries.map((e) => e[0]), NAMES, 'the index in its order');
        assert.ok(NAMES.length >= 8, `${NAMES.length} tours`);
        for (const [name, title, summary] of entries) assert.ok(title.length > 5 && summary.length > 20, `${name}: ${title} / ${summary}`);
        const axe = await axeViolations(page, '[data-testid=tours-dialog]');
        assert.deepEqual(axe, [], `axe-core on the index: ${axe.join('; ')}`);
        await page.screenshot({ path: path.join(shots, 'index-1280x800.png') });
        await page.keyboard.press('Escape');
        await page.waitForSelector('[data-testid=tours-dialog]', { state: 'detached' });
        await page.close();
    });

    for (const name of NAMES) {
        await check(`${name}: forward to the end and back give the same time and node states`, async () => {
            const page = await newPage(browser, { width: 1280, height: 800 }, errors);
            await page.goto(server.base);
            await page.waitForSelector('.node');
            await choose(page, name);
            assert.ok(await page.locator('.tour-back').isDisabled(), 'Back is disabled at the start');
            assert.ok((await page.locator('.tour-text p').count()) >= 1, 'the narration');
            assert.match(await page.locator('.tour-count').textContent(), /^Step 1 of \d+$/);
            await page.screenshot({ path: path.join(shots, `${name}-first-1280x800.png`) });
            const steps = [await shown(page)];
            while (!(await page.locator('.tour-next').isDisabled())) {
                await page.locator('.tour-next').click();
                await atStep(page, name, steps.length + 1);
                steps.push(await shown(page));
            }
            const n = steps.length;
            assert.ok(n >= 4, `${n} steps`);
            assert.equal(await page.locator('.tour-count').textContent(), `Step ${n} of ${n}`);
            assert.equal(await page.locator('.tour-link').getAttribute('href'), `?tour=${name}&step=${n}`);
            await page.screenshot({ path: path.join(shots, `${name}-last-1280x800.png`) });
            assert.ok(steps.some((s) => s.focus || s.phases), 'some step highlights nodes or messages');
            for (let k = n - 1; k >= 1; k--) {
                await page.locator('.tour-back').click();
                await atStep(page, name, k);
                assert.deepEqual(await shown(page), steps[k - 1], `step ${k} going back`);
            }
            assert.ok(await page.locator('.tour-back').isDisabled(), 'Back is disabled at the start again');
            forward[name] = steps;
            await page.close();
        });
    }

    await check('?tour=NAME&step=K opens step K exactly as stepping reached it', async () => {
        const page = await newPage(browser, { width: 1280, height: 800 }, errors);
        for (const name of NAMES) {
            const steps = forward[name];
            if (!steps) continue;
            for (const k of [1, Math.ceil(steps.length / 2), steps.length]) {
                await page.goto(`${server.base}?tour=${name}&step=${k}`);
                await atStep(page, name, k);
                assert.deepEqual(await shown(page), steps[k - 1], `${name} step ${k}`);
            }
        }
        await page.close();
    });

    await check('keyboard: Tab reaches Next, Enter moves on; axe finds nothing serious in the panel', async () => {
        const page = await newPage(browser, { width: 1280, height: 800 }, errors);
        await page.goto(`${server.base}?tour=normal-case&step=2`);
        await atStep(page, 'normal-case', 2);
        await page.locator('.tour-next').focus();
        await page.keyboard.press('Enter');
        await atStep(page, 'normal-case', 3);
        await page.locator('.tour-back').focus();
        await page.keyboard.press('Enter');
        await atStep(page, 'normal-case', 2);
        const axe = await axeViolations(page, '.tour-panel');
        assert.deepEqual(axe, [], `axe-core on the tour panel: ${axe.join('; ')}`);
        const whole = await axeViolations(page);
        assert.deepEqual(whole, [], `axe-core on the page with a tour: ${whole.join('; ')}`);
        // Close brings the form back, on the tour's scenario.
        await page.locator('.tour-close').click();
        await page.waitForSelector('.controls-panel');
        await page.waitForFunction(() => !location.search.includes('tour='));
        await page.close();
    });

    await check('an unknown tour says so, and the run on screen stays', async () => {
        const page = await newPage(browser, { width: 1280, height: 800 }, errors);
        // The 404 of the missing file is expected; the page must say it in words.
        await page.goto(`${server.base}?nodes=7&tour=nowhere`);
        await page.waitForSelector('.tour-error');
        assert.match(await page.locator('.tour-error').textContent(), /no tour named 'nowhere'/);
        assert.equal(await page.locator('.node').count(), 7);
        errors.splice(0, errors.length, ...errors.filter((e) => !/status of 404/.test(e)));
        await page.close();
    });

    await check('phone width: the narration under the graph, no sideways scroll', async () => {
        const page = await newPage(browser, { width: 390, height: 844 }, errors);
        await page.goto(`${server.base}?tour=silent-primary&step=5`);
        await atStep(page, 'silent-primary', 5);
        const width = await page.evaluate(() => document.documentElement.scrollWidth);
        assert.ok(width <= 390, `no horizontal scroll (${width}px)`);
        const order = await page.evaluate(() => {
            const top = (s) => document.querySelector(s).getBoundingClientRect().top;
            return [top('.graph'), top('.tour-panel')];
        });
        assert.ok(order[0] < order[1], 'the graph first, then the narration');
        await page.screenshot({ path: path.join(shots, 'silent-primary-5-390x844.png'), fullPage: true });
        await page.close();
    });

    await check('framed: the narration replaces the caption; the page API moves the tour', async () => {
        const page = await newPage(browser, { width: 740, height: 490 }, errors);
        const html = `<!doctype html><html lang="en"><head><title>host</title></head>
            <body style="margin:0;padding:20px;background:#ddd">
            <iframe id="f" title="PBFT guided tour" src="./?embed=1&tour=normal-case&step=2&id=t" width="700" height="450" style="border:0;display:block"></iframe>
            <script>window.events = []; addEventListener('message', (e) => window.events.push(e.data));
            window.send = (m) => document.getElementById('f').contentWindow.postMessage(m, '*');</script></body></html>`;
        await page.route('**/host.html', (r) => r.fulfill({ body: html, contentType: 'text/html' }));
        await page.goto(`${server.base}host.html`);
        const event = async (type, from) => (await page.waitForFunction(
            ([t, i]) => window.events.slice(i).find((e) => e.type === t && e.source === 'pbft-simulator'),
            [type, from], { timeout: 15_000 })).jsonValue();
        const first = await event('tour', 0);
        assert.deepEqual([first.name, first.step, first.steps], ['normal-case', 2, 8]);
        const frame = page.frames().find((f) => f !== page.mainFrame());
        await frame.waitForSelector('.embed .tour-text');
        assert.equal(await frame.locator('.embed-caption').count(), 0, 'no caption while a tour narrates');
        const g = await frame.evaluate(() => [document.documentElement.scrollHeight, innerHeight, document.documentElement.scrollWidth, innerWidth]);
        assert.ok(g[0] <= g[1] && g[2] <= g[3], `the frame does not scroll (${g})`);
        await page.screenshot({ path: path.join(shots, 'normal-case-2-iframe-700x450.png') });
        // The frame's own Next, then the page's command.
        let n = await page.evaluate(() => window.events.length);
        await frame.locator('.tour-next').click();
        assert.equal((await event('tour', n)).step, 3);
        n = await page.evaluate(() => window.events.length);
        await page.evaluate(() => window.send({ type: 'tour', name: 'quorums', step: 5 }));
        const quorums = await event('tour', n);
        assert.deepEqual([quorums.name, quorums.step], ['quorums', 5]);
        await frame.waitForSelector('.tour-panel[data-tour-name=quorums][data-step="5"]');
        assert.match(await frame.locator('a.open-full').getAttribute('href'), /tour=quorums&step=5/);
        await page.screenshot({ path: path.join(shots, 'quorums-5-iframe-700x450.png') });
        n = await page.evaluate(() => window.events.length);
        await page.evaluate(() => window.send({ type: 'tour', name: 'nowhere', step: 1 }));
        assert.match((await event('error', n)).message, /no tour named 'nowhere'/);
        errors.splice(0, errors.length, ...errors.filter((e) => !/status of 404/.test(e)));
        const axe = await axeViolations(frame);
        assert.deepEqual(axe, [], `axe-core in the frame: ${axe.join('; ')}`);
        await page.close();
    });

    await check('the course page example: its tour frame and its buttons follow each other', async () => {
        const page = await newPage(browser, { width: 1280, height: 900 }, errors);
        await page.goto(`${server.base}examples/course-page.html`);
        const note = page.locator('#tour-note');
        await page.waitForFunction(() => /step 1 of 8/.test(document.querySelector('#tour-note').textContent), null, { timeout: 15_000 });
        assert.ok(await page.locator('#tour-back').isDisabled(), 'the page\'s Back is disabled at step 1');
        await page.locator('#tour-next').click();
        await page.waitForFunction(() => /step 2 of 8/.test(document.querySelector('#tour-note').textContent));
        const frame = page.frames().find((f) => f.url().includes('tour=normal-case'));
        await frame.waitForSelector('.tour-panel[data-step="2"]');
        // The frame's own Next moves the page's note too.
        await frame.locator('.tour-next').click();
        await page.waitForFunction(() => /step 3 of 8/.test(document.querySelector('#tour-note').textContent));
        assert.match(await note.textContent(), /The normal case/);
        await page.locator('#tour').scrollIntoViewIfNeeded();
        await page.screenshot({ path: path.join(shots, 'course-page-tour-1280x900.png') });
        await page.close();
    });
} finally {
    await browser.close();
    server.close();
}

const code = finish();
console.log(`screenshots in ${shots}`);
process.exit(code);
