// End-to-end test of embed mode (src/embed/) and its page API (docs/embedding.md) on the release
// site, framed the way a course page frames it: a host page on the same server holds an
// <iframe> of `?embed=1...` and talks to it with postMessage.
//
// Checks: framed at 320x240, 700x450 and 1280x720 the frame never scrolls, every node is inside
// it and `a.open-full` is there (axe-core finds nothing serious); with m > f the warning shows; the embed options (t, autoplay,
// controls=0) apply; the page API's `ready` arrives tagged with the frame's id, `seek` to the end
// gives `end` with the run's outcome, `play` brings `commit` events, a bad `load` and an unknown
// tour give `error` events with the sentence and change nothing, a good `load` opens the new run;
// the full page framed small takes the embed layout; the course page example drives two frames.
// Screenshots go to target/e2e/embed-*.png.

import assert from 'node:assert/strict';
import path from 'node:path';
import { serve, launch, newPage, distDir, outDir, suite, axeViolations } from './lib/harness.mjs';

const shots = outDir('e2e');
const server = await serve(distDir());
const browser = await launch();
const { errors, check, finish } = suite();

const PBFT = 'protocol=pbft&nodes=4&seed=1';

/** A host page on the site's origin framing `query` at w x h; its `events` collect messages. */
async function host(query, w, h) {
    const page = await newPage(browser, { width: w + 40, height: h + 40 }, errors);
    const html = `<!doctype html><html lang="en"><head><title>host</title></head>
        <body style="margin:0;padding:20px;background:#ddd">
        <iframe id="f" title="PBFT simulator" src="./?${query}" width="${w}" height="${h}" style="border:0;display:block"></iframe>
        <script>window.events = []; addEventListener('message', (e) => window.events.push(e.data));
        window.send = (m) => document.getElementById('f').contentWindow.postMessage(m, '*');</script></body></html>`;
    await page.route('**/host.html', (r) => r.fulfill({ body: html, contentType: 'text/html' }));
    await page.goto(`${server.base}host.html`);
    await page.waitForFunction(() => window.events.some((e) => e.type === 'ready'), null, { timeout: 15_000 });
    return { page, frame: page.frames().find((f) => f !== page.mainFrame()) };
}

/** Waits for a message of `type` (after index `from`) and returns it. */
async function event(page, type, from = 0, timeout = 15_000) {
    const handle = await page.waitForFunction(
        ([t, i]) => window.events.slice(i).find((e) => e.type === t && e.source === 'pbft-simulator'),
        [type, from],
        { timeout },
    );
    return handle.jsonValue();
}

try {
    for (const [w, h] of [[320, 240], [700, 450], [1280, 720]]) {
        await check(`framed at ${w}x${h}: no scrollbar, every node inside, the link out`, async () => {
            const { page, frame } = await host(`embed=1&${PBFT}&byzantine-nodes=0&strategy=silent`, w, h);
            await frame.waitForSelector('.node');
            const g = await frame.evaluate(() => ({
                scroll: [document.documentElement.scrollWidth, document.documentElement.scrollHeight],
                view: [innerWidth, innerHeight],
                nodes: [...document.querySelectorAll('.node')].map((n) => {
                    const r = n.getBoundingClientRect();
                    return [r.left, r.top, r.right, r.bottom];
                }),
                open: document.querySelector('a.open-full')?.getAttribute('href'),
            }));
            assert.deepEqual(g.view, [w, h]);
            assert.ok(g.scroll[0] <= w && g.scroll[1] <= h, `scrolls: ${g.scroll} in ${g.view}`);
            assert.equal(g.nodes.length, 4);
            for (const [l, t, r, b] of g.nodes) assert.ok(l >= 0 && t >= 0 && r <= w && b <= h, `node ${[l, t, r, b]} outside ${w}x${h}`);
            assert.match(g.open, /protocol=pbft/);
            assert.ok(!/embed=1/.test(g.open), 'the link opens the full simulator');
            await page.screenshot({ path: path.join(shots, `embed-${w}x${h}.png`) });
            const axe = await axeViolations(frame);
            assert.deepEqual(axe, [], `axe-core: ${axe.join('; ')}`);
            await page.close();
        });
    }

    await check('framed with m > f: the warning stays, small, and the frame does not scroll', async () => {
        const { page, frame } = await host(`embed=1&${PBFT}&byzantine-nodes=0,1&strategy=collude&t=1000000`, 320, 240);
        await frame.waitForSelector('[data-testid=over-f]');
        assert.match(await frame.locator('[data-testid=over-f]').innerText(), /2 Byzantine nodes exceed f = 1/);
        const g = await frame.evaluate(() => [document.documentElement.scrollWidth, document.documentElement.scrollHeight]);
        assert.ok(g[0] <= 320 && g[1] <= 240, `scrolls: ${g}`);
        await page.screenshot({ path: path.join(shots, 'embed-over-f-320x240.png') });
        await page.close();
    });

    await check('page API: ready, seek to the end gives end with the outcome, play gives commits', async () => {
        const { page, frame } = await host(`embed=1&${PBFT}&byzantine-nodes=0&strategy=silent&id=left`, 700, 450);
        const ready = await event(page, 'ready');
        assert.equal(ready.id, 'left');
        assert.equal(ready.time_ms, 0);
        assert.match(ready.params, /byzantine-nodes=0/);
        let n = await page.evaluate(() => window.events.length);
        await page.evaluate(() => window.send({ type: 'seek', time_ms: 1e9 }));
        const end = await event(page, 'end', n);
        assert.equal(end.outcome, 'success', JSON.stringify(end));
        assert.match(end.headline, /client accepted/);
        assert.equal(await frame.locator('.embed-caption').getAttribute('data-outcome'), 'success');
        // The link out carries the moment on screen.
        assert.match(await frame.locator('a.open-full').getAttribute('href'), /[?&]t=\d/);
        // Back to the start, then play: commits and a view change (node 0 is silent) arrive.
        n = await page.evaluate(() => window.events.length);
        await page.evaluate(() => { window.send({ type: 'seek', time_ms: 0 }); window.send({ type: 'play' }); });
        const playing = await page.waitForFunction((i) => window.events.slice(i).find((e) => e.type === 'state' && e.playing), n);
        assert.ok(await playing.jsonValue());
        const vc = await event(page, 'view-change', n, 30_000);
        assert.equal(vc.source, 'pbft-simulator');
        const commit = await event(page, 'commit', n, 30_000);
        assert.ok(commit.time_ms > vc.time_ms, 'the commit comes after the view change');
        await page.close();
    });

    await check('page API: step and back move one step and restore the exact previous time', async () => {
        const { page } = await host(`embed=1&${PBFT}`, 700, 450);
        const settle = async (command) => {
            const n = await page.evaluate(() => window.events.length);
            await page.evaluate((c) => window.send({ type: c }), command);
            const s = await event(page, 'state', n);
            return [s.time_ms, s.events];
        };
        const a = await settle('step');
        const b = await settle('step');
        const c = await settle('step');
        assert.ok(a[1] < b[1] && b[1] < c[1] && a[0] <= c[0], `steps at ${a}, ${b}, ${c}`);
        assert.deepEqual(await settle('back'), b);
        assert.deepEqual(await settle('back'), a);
        await page.close();
    });

    await check('page API: bad commands get an error with the sentence and change nothing', async () => {
        const { page, frame } = await host(`embed=1&${PBFT}`, 700, 450);
        const before = frame.url();
        let n = await page.evaluate(() => window.events.length);
        await page.evaluate(() => window.send({ type: 'load', params: { nodes: 'many' } }));
        const bad = await event(page, 'error', n);
        assert.equal(bad.command, 'load');
        assert.match(bad.message, /nodes/);
        n = await page.evaluate(() => window.events.length);
        await page.evaluate(() => window.send({ type: 'tour', name: 'nowhere' }));
        assert.match((await event(page, 'error', n)).message, /no tour named 'nowhere'/);
        // The frame looked for tours/nowhere.tour: the browser logs that 404, which is expected.
        errors.splice(0, errors.length, ...errors.filter((e) => !/status of 404/.test(e)));
        n = await page.evaluate(() => window.events.length);
        await page.evaluate(() => window.send({ type: 'jump' }));
        assert.match((await event(page, 'error', n)).message, /unknown command 'jump'/);
        assert.equal(frame.url(), before);
        assert.equal(await frame.locator('.node').count(), 4);
        // A good load opens the new run in the same frame.
        n = await page.evaluate(() => window.events.length);
        await page.evaluate(() => window.send({ type: 'load', params: 'protocol=pbft&nodes=7&seed=2' }));
        const ready = await event(page, 'ready', n);
        assert.match(ready.params, /nodes=7/);
        await frame.waitForFunction(() => document.querySelectorAll('.node').length === 7);
        await page.close();
    });

    await check('embed options: t opens at a moment, autoplay plays, controls=0 hides the transport', async () => {
        const { page, frame } = await host(`embed=1&${PBFT}&t=20&controls=0`, 700, 450);
        const state = await event(page, 'state');
        assert.ok(Math.abs(state.time_ms - 20) < 0.01, `opened at ${state.time_ms} ms`);
        assert.equal(await frame.locator('.transport').count(), 0);
        await page.close();
        const auto = await host(`embed=1&${PBFT}&autoplay=1`, 700, 450);
        await auto.page.waitForFunction(() => window.events.some((e) => e.type === 'state' && e.playing));
        await auto.page.close();
    });

    await check('the full page framed small takes the embed layout', async () => {
        const { page, frame } = await host(PBFT, 700, 450);
        await frame.waitForSelector('.embed .node');
        assert.equal(await frame.locator('a.open-full').count(), 1);
        await page.close();
    });
    await check('the course page example drives its two frames and shows their outcomes', async () => {
        const page = await newPage(browser, { width: 1280, height: 900 }, errors);
        await page.goto(`${server.base}examples/course-page.html`);
        for (const id of ['honest', 'silent']) await page.waitForSelector(`#${id}-outcome[data-ready=true]`, { timeout: 15_000 });
        await page.locator('#end-both').click();
        for (const id of ['honest', 'silent']) {
            await page.waitForSelector(`#${id}-outcome[data-outcome=success]`);
        }
        assert.match(await page.locator('#log').textContent(), /honest: Success: the client accepted/);
        // Back to the start and play: the silent primary's run reports its view change.
        await page.locator('#restart-both').click();
        await page.locator('#play-both').click();
        await page.waitForFunction(() => /silent: replica \d enters view 1/.test(document.querySelector('#log').textContent), null, { timeout: 30_000 });
        await page.screenshot({ path: path.join(shots, 'embed-course-page.png'), fullPage: true });
        const axe = await axeViolations(page);
        assert.deepEqual(axe, [], `axe-core: ${axe.join('; ')}`);
        await page.close();
    });

    await check('the full page: Share & embed writes the link and the iframe code', async () => {
        const page = await newPage(browser, { width: 1280, height: 800 }, errors);
        await page.goto(`${server.base}?${PBFT}`);
        await page.waitForSelector('.node');
        await page.locator('#scrub').fill('500');
        await page.getByTestId('share').click();
        const dialog = page.getByTestId('share-dialog');
        await dialog.waitFor();
        const link = await page.locator('#share-link').inputValue();
        assert.match(link, new RegExp(`^${server.base.replace(/[.?]/g, '\\$&')}\\?protocol=pbft&seed=1&t=\\d`), link);
        await page.getByLabel('Play at once').check();
        await page.getByLabel('960 × 600').check();
        const code = await page.locator('#share-code').inputValue();
        assert.match(code, /^<iframe src=".*&amp;t=[\d.]+&amp;embed=1&amp;autoplay=1" width="960" height="600" title="PBFT simulator: pbft protocol, 4 nodes"/);
        await page.screenshot({ path: path.join(shots, 'share-dialog-1280x800.png') });
        const axe = await axeViolations(page, '[data-testid=share-dialog]');
        assert.deepEqual(axe, [], `axe-core: ${axe.join('; ')}`);
        await page.keyboard.press('Escape');
        await dialog.waitFor({ state: 'detached' });
        await page.close();
    });
} finally {
    await browser.close();
    server.close();
}

process.exit(finish());
