// End-to-end checks that the live view tells the truth about a run (PBFT and the tutorial), in
// headless Chromium over the release bundle. Run like run.mjs (`cargo xtask test`, or by hand:
// `trunk build --release --offline && node tests/e2e/live.mjs`).
//
// Scenarios, each opened from its URL: PBFT with a silent primary (the view change: timers, the
// primary's ring moving only at the new view, the client's latency including it), an equivocating
// primary (conflicting digests drawn apart), collusion at m = f + 1 (safety violation), checkpoints
// (watermarks and garbage collection in the inspector), and the tutorial (success, and a Byzantine
// primary's failure with its reason). Navigation: Step then Step back restores the same time and
// node states; a `t=` link opens at that time; a log row goes to its moment. No log row reads as
// JSON. axe-core finds no serious or critical violation in any of them. Screenshots at 1280×800,
// 390×844 and framed in a 700×450 iframe go to target/e2e-live/ (look at them).
//
// Assertions are about behaviour that any faithful PBFT shows (the latency includes at least one
// view-change timeout; the ring moves at a NEW-VIEW), not exact numbers the protocol work moves.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { serve, launch, newPage, distDir, outDir, suite } from './lib/harness.mjs';

const shots = outDir('e2e-live');
const server = await serve(distDir());
const browser = await launch();
const { errors, check, finish } = suite();
const axeSource = fs.readFileSync(path.resolve('node_modules/axe-core/axe.min.js'), 'utf8');

const PBFT = 'protocol=pbft&nodes=4&seed=1';
const SCENARIOS = {
    'pbft-silent': `?${PBFT}&byzantine-nodes=0&byzantine=1&strategy=silent`,
    'pbft-equivocate': `?${PBFT}&byzantine-nodes=0&byzantine=1&strategy=equivocate`,
    // Whether colluders split the honest replicas depends on the network's draws: seed 0 does.
    'pbft-collude': '?protocol=pbft&nodes=4&seed=0&byzantine-nodes=0,1&byzantine=2&strategy=collude',
    'pbft-checkpoints': `?${PBFT}&requests=25&checkpoint-interval=5`,
    'tutorial': '?nodes=7&seed=3',
    'tutorial-byzantine-primary': '?nodes=7&seed=3&byzantine-nodes=0&byzantine=1',
};

const count = (page, sel) => page.locator(sel).count();
const ms = (text) => Number(text.replace(/[^\d.]/g, ''));

async function open(page, query) {
    await page.goto(`${server.base}${query}`);
    await page.waitForSelector('.node');
}

/** Scrubs to the run's end and waits for its outcome line. */
async function toEnd(page) {
    await page.locator('#scrub').fill('1000');
    await page.waitForSelector('[data-outcome]', { timeout: 60_000 });
}

/** axe-core over the page: no serious or critical violation. */
/** On-screen font sizes (px) of the shown ids matched by `selector`: the SVG's scale times the
 * ids' font size in graph units. */
async function shownIdSizes(page, selector) {
    return page.locator(selector).evaluateAll((els) => els
        .filter((e) => getComputedStyle(e).display !== 'none')
        .map((e) => e.getScreenCTM().a * parseFloat(getComputedStyle(e).fontSize)));
}

async function axe(page, what) {
    await page.addScriptTag({ content: axeSource });
    const result = await page.evaluate(async () => {
        // eslint-disable-next-line no-undef
        const r = await axe.run(document, { resultTypes: ['violations'] });
        return r.violations.map((v) => ({ id: v.id, impact: v.impact, nodes: v.nodes.length, target: v.nodes[0]?.target?.join(' ') }));
    });
    const bad = result.filter((v) => v.impact === 'serious' || v.impact === 'critical');
    assert.deepEqual(bad, [], `${what}: axe violations ${JSON.stringify(bad)}`);
}

/** The rendered log rows never print raw JSON. */
async function logIsWords(page) {
    const texts = await page.locator('.log-row .text').allTextContents();
    assert.ok(texts.length > 0, 'log rows are rendered');
    for (const t of texts) assert.ok(!t.includes('{"') && !/"[a-z_]+":/.test(t), `raw JSON in the log: ${t}`);
}

const states = (page) => page.locator('.node').evaluateAll((els) => els.map((e) => `${e.dataset.node}:${e.dataset.state}`).join(' '));
const primary = (page) => page.locator('.node.primary').getAttribute('data-node');
const time = async (page) => ms(await page.getByTestId('time').textContent());

try {
    await check('PBFT silent primary: timers, the view change as a story, the client latency', async () => {
        const page = await newPage(browser, { width: 1280, height: 800 }, errors);
        await open(page, SCENARIOS['pbft-silent']);
        assert.equal(await count(page, '.client'), 1, 'one client, drawn');
        assert.equal(await count(page, '.node[data-node="0"][data-byzantine="true"][data-state="byzantine"]'), 1);
        assert.match(await page.locator('.node[data-node="0"]').getAttribute('aria-label'), /silent/);
        assert.match(await page.locator('.subtitle').textContent(), /Castro & Liskov/);
        // Step into the run by phases: the ring stays on node 0 while replicas only ask for view 1,
        // and moves to node 1 when the new view starts (a NEW-VIEW).
        let sawAsking = false;
        let moved = false;
        for (let i = 0; i < 200 && !moved; i++) {
            await page.getByTestId('step-phase').click();
            const p = await primary(page);
            const asking = await count(page, '.node[data-state="view-changing"]');
            if (p === '0' && asking > 0) sawAsking = true;
            if (p === '1') {
                moved = true;
                const kinds = await page.locator('.log-row').evaluateAll((rows) => rows.slice(0, 8).map((r) => r.dataset.kind));
                assert.ok(kinds.includes('new-view'), `the ring moved with a NEW-VIEW: ${kinds}`);
            }
            if (i === 3) assert.ok((await count(page, '.timer[data-node]')) >= 3, 'view-change and client timers drawn');
        }
        assert.ok(sawAsking, 'replicas were view-changing while the ring stayed on node 0');
        assert.ok(moved, 'the ring moved to node 1');
        await toEnd(page);
        const outcome = page.locator('[data-outcome="success"]');
        const text = await outcome.textContent();
        const latency = Number(text.match(/latency ([\d.]+) ms/)[1]);
        // The first view-change timer alone is 8 × 35 ms: the client's latency includes it.
        assert.ok(latency >= 280, `client latency ${latency} ms includes the view change`);
        assert.match(text, /view change/);
        assert.equal(await primary(page), '1');
        await logIsWords(page);
        await page.screenshot({ path: path.join(shots, 'pbft-silent-end-1280x800.png') });
        await axe(page, 'pbft-silent');
        await page.close();
    });

    await check('PBFT equivocating primary: conflicting digests visibly different', async () => {
        const page = await newPage(browser, { width: 1280, height: 800 }, errors);
        await open(page, SCENARIOS['pbft-equivocate']);
        // The primary's second PRE-PREPARE flies with a dark outline (honest backups refuse a
        // digest no client sent, so no honest node comes to hold it).
        let seen = false;
        for (let i = 0; i < 40 && !seen; i++) {
            await page.getByTestId('step').click();
            seen = (await count(page, '.msg.alt')) > 0;
        }
        assert.ok(seen, 'a PRE-PREPARE with the conflicting digest is drawn apart');
        await page.screenshot({ path: path.join(shots, 'pbft-equivocate-alt-1280x800.png') });
        await toEnd(page);
        assert.ok((await count(page, '.arrow.alt')) > 0, 'dashed arrows in the diagram');
        await logIsWords(page);
        await axe(page, 'pbft-equivocate');
        await page.close();
    });

    await check('PBFT collusion at m = f + 1: safety violation, in red, with the reason and a warning', async () => {
        const page = await newPage(browser, { width: 1280, height: 800 }, errors);
        await open(page, SCENARIOS['pbft-collude']);
        await page.getByTestId('over-f').waitFor();
        await toEnd(page);
        const o = page.locator('[data-outcome]');
        assert.equal(await o.getAttribute('data-outcome'), 'safety-violation');
        assert.match(await o.textContent(), /exceed f = 1/);
        await page.getByTestId('alarm').waitFor();
        await page.screenshot({ path: path.join(shots, 'pbft-collude-end-1280x800.png') });
        await axe(page, 'pbft-collude');
        await page.close();
    });

    await check('PBFT checkpoints: watermarks in the inspector and on the graph', async () => {
        const page = await newPage(browser, { width: 1280, height: 800 }, errors);
        await open(page, SCENARIOS['pbft-checkpoints']);
        await toEnd(page);
        assert.equal(await page.locator('[data-outcome]').getAttribute('data-outcome'), 'success');
        assert.match(await page.locator('.node[data-node="2"]').getAttribute('aria-label'), /ckpt (20|25)/);
        await page.locator('.node[data-node="2"] .shape').click();
        const text = await page.getByTestId('inspector').textContent();
        assert.match(text, /stable checkpoint h = (20|25)/);
        assert.match(text, /garbage-collected/);
        await page.screenshot({ path: path.join(shots, 'pbft-checkpoints-end-1280x800.png') });
        await page.close();
    });

    await check('tutorial: success, and a Byzantine primary fails with its reason', async () => {
        const page = await newPage(browser, { width: 1280, height: 800 }, errors);
        await open(page, SCENARIOS.tutorial);
        assert.match(await page.locator('.subtitle').textContent(), /tutorial/);
        assert.equal(await count(page, '.client'), 0, 'the tutorial has no client');
        await toEnd(page);
        assert.equal(await page.locator('[data-outcome]').getAttribute('data-outcome'), 'success');
        await page.screenshot({ path: path.join(shots, 'tutorial-end-1280x800.png') });
        await open(page, SCENARIOS['tutorial-byzantine-primary']);
        await toEnd(page);
        const o = page.locator('[data-outcome]');
        assert.equal(await o.getAttribute('data-outcome'), 'timeout');
        assert.match(await o.textContent(), /no view change/);
        await logIsWords(page);
        await axe(page, 'tutorial');
        await page.close();
    });

    await check('no log row is raw JSON, for every kind of event', async () => {
        const page = await newPage(browser, { width: 1280, height: 800 }, errors);
        // A lossy run with checkpoints has every kind: drops, timers, view changes, a state transfer.
        await open(page, '?protocol=pbft&nodes=4&seed=11&drop=0.2&requests=25&checkpoint-interval=5');
        await toEnd(page);
        const kinds = await page.locator('#log-kind option').evaluateAll((os) => os.map((o) => o.value).filter((v) => v));
        const shown = [];
        for (const kind of kinds) {
            await page.locator('#log-kind').selectOption(kind);
            await page.waitForTimeout(50);
            if ((await count(page, '.log-row')) > 0) {
                await logIsWords(page);
                shown.push(kind);
            }
        }
        for (const k of ['propose', 'send', 'deliver', 'drop', 'timer-set', 'timer-cancel', 'timer', 'commit', 'view-change', 'new-view', 'accept', 'state-transfer', 'end']) {
            assert.ok(shown.includes(k), `rows of kind ${k} (shown: ${shown})`);
        }
        await page.close();
    });

    await check('Step then Step back restores the same time and node states; t= and log rows go there', async () => {
        const page = await newPage(browser, { width: 1280, height: 800 }, errors);
        await open(page, `${SCENARIOS['pbft-silent']}&t=120`);
        assert.equal(await time(page), 120, 'a t= link opens at that time');
        for (let i = 0; i < 5; i++) await page.keyboard.press('ArrowRight');
        const before = [await time(page), await states(page)];
        await page.keyboard.press('ArrowRight');
        await page.keyboard.press('ArrowRight');
        await page.keyboard.press('ArrowLeft');
        await page.keyboard.press('ArrowLeft');
        await page.waitForFunction((t) => document.querySelector('[data-testid=time]').textContent.startsWith(t), before[0].toFixed(3));
        assert.deepEqual([await time(page), await states(page)], before, 'Step back is exact');
        assert.match(await page.evaluate(() => location.search), /[?&]t=/, 'the URL holds the time');
        // A log row goes to its moment.
        const row = page.locator('.log-row').nth(4);
        const rowTime = ms(await row.locator('.t').textContent());
        await row.click();
        await page.waitForFunction((t) => document.querySelector('[data-testid=time]').textContent.startsWith(t), rowTime.toFixed(3));
        await page.close();
    });

    await check('screenshots of every scenario at 1280×800, 390×844 and in a 700×450 iframe; phone controls', async () => {
        for (const [name, query] of Object.entries(SCENARIOS)) {
            for (const [w, h] of [[1280, 800], [390, 844]]) {
                const page = await newPage(browser, { width: w, height: h }, errors);
                await open(page, `${query}&t=${name.startsWith('pbft') ? 330 : 40}`);
                await page.screenshot({ path: path.join(shots, `${name}-${w}x${h}.png`) });
                if (w === 390) {
                    // The phone: legible node ids, a list of states, the inspector as a sheet in
                    // view that leaves the tapped node visible above it.
                    assert.ok(await page.locator('.states').isVisible(), 'node states listed');
                    const sizes = await shownIdSizes(page, '.node .node-id, .client .node-id');
                    assert.ok(sizes.length > 0 && sizes.every((px) => px >= 11), `node ids at least 11 px: ${sizes}`);
                    const tapped = page.locator('.node[data-node="2"]');
                    await tapped.locator('.shape').click();
                    const sheet = page.getByTestId('inspector');
                    await sheet.waitFor();
                    await page.waitForTimeout(100);
                    const [n, s] = [await tapped.boundingBox(), await sheet.boundingBox()];
                    assert.ok(s.y >= 0 && s.y + s.height <= h + 1, `the sheet is on screen (${s.y}, ${s.height})`);
                    assert.ok(n.y >= 0 && n.y + n.height <= s.y, `the tapped node stays visible above the sheet (${n.y}..${n.y + n.height} vs ${s.y})`);
                    assert.ok(await sheet.locator('.make-byz').isVisible(), 'a visible make-Byzantine control');
                    await page.screenshot({ path: path.join(shots, `${name}-${w}x${h}-sheet.png`) });
                    await axe(page, `${name} at ${w}`);
                }
                await page.close();
            }
            const page = await newPage(browser, { width: 760, height: 520 }, errors);
            await page.setContent(`<iframe title="PBFT simulator" src="${server.base}${query}&t=300" width="700" height="450" style="border:1px solid #ccc"></iframe>`);
            const frame = page.frameLocator('iframe');
            await frame.locator('.node').first().waitFor();
            await page.screenshot({ path: path.join(shots, `${name}-iframe-700x450.png`) });
            await page.close();
        }
        // Making a node Byzantine on a phone, from the sheet; Esc closes the sheet.
        const page = await newPage(browser, { width: 390, height: 844 }, errors);
        await open(page, '?protocol=pbft&nodes=4');
        await page.locator('.node[data-node="3"] .shape').click();
        await page.getByTestId('inspector').locator('.make-byz').click();
        await page.waitForSelector('.node[data-node="3"][data-byzantine="true"]');
        await page.keyboard.press('Escape');
        await page.waitForSelector('.inspector.empty');
        // A crowded ring on a phone: the ids shown (the even ones) are still at least 11 px.
        await open(page, '?protocol=pbft&nodes=64');
        const sizes = await shownIdSizes(page, '.node .node-id');
        assert.equal(sizes.length, 32, 'every other id on a ring of 64');
        assert.ok(sizes.every((px) => px >= 11), `ids at least 11 px: ${Math.min(...sizes)}`);
        await page.close();
    });

    await check('on a tablet too the inspector opens on screen, the tapped node above it', async () => {
        for (const [w, h] of [[820, 1180], [1024, 768]]) {
            const page = await newPage(browser, { width: w, height: h }, errors);
            await open(page, `${SCENARIOS['pbft-silent']}&t=500`);
            const tapped = page.locator('.node[data-node="2"]');
            await tapped.locator('.shape').click();
            const sheet = page.getByTestId('inspector');
            await sheet.waitFor();
            await page.waitForTimeout(100);
            const [n, s] = [await tapped.boundingBox(), await sheet.boundingBox()];
            assert.ok(s.y >= 0 && s.y + s.height <= h + 1, `${w}×${h}: the inspector is on screen (${s.y}, ${s.height})`);
            assert.ok(n.y >= 0 && n.y + n.height <= s.y, `${w}×${h}: the node stays visible above it (${n.y} vs ${s.y})`);
            await page.screenshot({ path: path.join(shots, `pbft-silent-${w}x${h}-sheet.png`) });
            await page.close();
        }
    });

    await check('the keyboard reaches the inspector and the make-Byzantine action', async () => {
        const page = await newPage(browser, { width: 1280, height: 800 }, errors);
        await open(page, '?protocol=pbft&nodes=4');
        await page.locator('.node[data-node="2"]').focus();
        await page.keyboard.press('Enter');
        const inspector = page.getByTestId('inspector');
        await inspector.waitFor();
        assert.match(await inspector.textContent(), /Node 2/i);
        // The button says which strategy the node would follow (the run's).
        assert.match(await inspector.locator('.make-byz').textContent(), /^Make Byzantine: silent/);
        // b on a focused node: the same as shift-click.
        await page.locator('.node[data-node="2"]').focus();
        await page.keyboard.press('b');
        await page.waitForSelector('.node[data-node="2"][data-byzantine="true"]');
        // The inspector's button, reached with Tab from the node's close button, and Enter.
        await page.locator('.node[data-node="1"]').focus();
        await page.keyboard.press('Enter');
        await inspector.locator('button[aria-label^="Close"]').focus();
        await page.keyboard.press('Tab');
        assert.equal(await page.evaluate(() => document.activeElement.className), 'small make-byz');
        await page.keyboard.press('Enter');
        await page.waitForSelector('.node[data-node="1"][data-byzantine="true"]');
        await page.keyboard.press('Escape');
        await page.waitForSelector('.inspector.empty');
        await page.close();
    });
} finally {
    await browser.close();
    server.close();
}

const code = finish();
console.log(`screenshots in ${shots}`);
process.exit(code);
