// Browser benchmarks for BENCHMARKS.md `## Browser` (not part of `cargo xtask test`: timings
// depend on the machine). Needs the release bundle and the root npm packages:
//     trunk build --release --offline && node tests/bench/browser.mjs
// Measures, in headless Chromium (/usr/bin/chromium or $CHROMIUM):
//  - first render: navigation start → the first `.node` in the DOM, from 127.0.0.1 (median of 5);
//  - frame rate while the graph animates every message in flight, at n = 16 and n = 64;
//  - the bundle size (wasm + js + css in dist/, gzipped);
//  - the Experiments view's sweep of n = 10, m 0..=9, 100 trials (best of 3, wall time in the
//    page; the target is ≤ 1 s).
// Prints a Markdown table and writes it to target/bench/browser.md.

import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import os from 'node:os';
import { serve, launch, newPage, distDir, outDir } from '../e2e/lib/harness.mjs';

const dist = distDir();
const server = await serve(dist);
const browser = await launch();
const errors = [];
const rows = [];

function bundleSize() {
    let raw = 0;
    let gz = 0;
    const parts = [];
    for (const f of fs.readdirSync(dist)) {
        if (!/\.(wasm|js|css)$/.test(f)) continue;
        const bytes = fs.readFileSync(path.join(dist, f));
        const z = zlib.gzipSync(bytes, { level: 9 }).length;
        raw += bytes.length;
        gz += z;
        parts.push(`${f.replace(/-[0-9a-f]{16}/, '')} ${(bytes.length / 1024).toFixed(0)} KB → ${(z / 1024).toFixed(0)} KB`);
    }
    return { raw, gz, parts };
}

async function firstRender() {
    const times = [];
    for (let i = 0; i < 5; i++) {
        const page = await newPage(browser, { width: 1280, height: 800 }, errors);
        await page.addInitScript(() => {
            new MutationObserver((_, obs) => {
                if (document.querySelector('.node')) {
                    window.__firstNode = performance.now();
                    obs.disconnect();
                }
            }).observe(document, { childList: true, subtree: true });
        });
        await page.goto(`${server.base}?nodes=16`);
        await page.waitForFunction(() => window.__firstNode !== undefined);
        times.push(await page.evaluate(() => window.__firstNode));
        await page.close();
    }
    times.sort((a, b) => a - b);
    return times[2];
}

/** Plays `query` slowly; once `minDots` dots are in flight, counts frames for `ms`. */
async function frameRate(query, minDots, ms) {
    const page = await newPage(browser, { width: 1280, height: 800 }, errors);
    // Dots on screen, SVG or canvas alike: the dots layer's `data-dots` (src/components/dots.rs).
    await page.addInitScript(() => {
        window.dotsDrawn = () => Number(document.querySelector('.msg-layer')?.dataset.dots ?? 0);
    });
    await page.goto(`${server.base}${query}`);
    await page.waitForSelector('.node');
    await page.locator('#speed').fill('0'); // 0.01× real time: messages stay in flight
    await page.getByTestId('play').click();
    await page.waitForFunction((n) => dotsDrawn() >= n, minDots, {
        timeout: 120_000,
        polling: 100,
    });
    const result = await page.evaluate(
        (ms) =>
            new Promise((done) => {
                const start = performance.now();
                let frames = 0;
                let dots = 0;
                let worst = 0;
                let last = start;
                function tick(t) {
                    frames++;
                    dots += dotsDrawn();
                    worst = Math.max(worst, t - last);
                    last = t;
                    if (t - start < ms) requestAnimationFrame(tick);
                    else done({ fps: (frames * 1000) / (t - start), dots: dots / frames, worst });
                }
                requestAnimationFrame(tick);
            }),
        ms,
    );
    const time = await page.getByTestId('time').textContent();
    await page.close();
    return { ...result, time };
}

/** Best wall time (ms, from the page's status) of three runs of the sweep at `query`. */
async function sweepTime(query) {
    const page = await newPage(browser, { width: 1280, height: 900 }, errors);
    await page.goto(`${server.base}${query}`);
    await page.waitForSelector('canvas[data-chart]');
    const times = [];
    for (let i = 0; i < 3; i++) {
        await page.getByTestId('exp-run').click();
        await page.waitForFunction(
            () => document.querySelector('[data-testid=exp-status]')?.textContent.startsWith('Done'),
            null,
            { timeout: 120_000 },
        );
        times.push(Number(await page.getByTestId('exp-status').getAttribute('data-elapsed-ms')));
    }
    await page.close();
    return Math.min(...times);
}

try {
    const size = bundleSize();
    rows.push(['release bundle, gzipped (wasm + js + css)', `${(size.gz / 1024).toFixed(0)} KB (raw ${(size.raw / 1024).toFixed(0)} KB: ${size.parts.join('; ')})`, '≤ 350 KB']);
    rows.push(['first render from 127.0.0.1 (median of 5)', `${(await firstRender()).toFixed(0)} ms`, '≤ 1000 ms']);
    // Concurrent processing and long delays: every PREPARE of the round is in flight at once.
    const slow = '&processing=concurrent&min-delay-ms=300&max-delay-ms=600';
    for (const [n, target] of [[16, 55], [64, 30]]) {
        const r = await frameRate(`?nodes=${n}${slow}`, Math.round(n * n * 0.6), 4000);
        rows.push([
            `frame rate, n = ${n}, ${r.dots.toFixed(0)} dots in flight on average`,
            `${r.fps.toFixed(1)} fps (worst frame ${r.worst.toFixed(0)} ms; virtual time ${r.time})`,
            `≥ ${target} fps`,
        ]);
    }
    const sweep = await sweepTime('?view=experiments&trials=100');
    rows.push(['Experiments sweep, n = 10, m 0..=9, 100 trials (best of 3)', `${sweep.toFixed(0)} ms`, '≤ 1000 ms']);
} finally {
    await browser.close();
    server.close();
}

const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
let md = `Measured ${new Date().toISOString().slice(0, 10)} on ${cpu} (${os.cpus().length} cores), headless Chromium ${
    process.env.CHROMIUM || '/usr/bin/chromium'
}.\n\n| measure | result | target |\n|---|---|---|\n`;
for (const r of rows) md += `| ${r.join(' | ')} |\n`;
if (errors.length) md += `\nConsole errors: ${errors.join('; ')}\n`;
console.log(md);
fs.writeFileSync(path.join(outDir('bench'), 'browser.md'), md);
