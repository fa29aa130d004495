// Shared by the end-to-end test and the browser benchmark: a tiny static server for the release
// bundle (node's http module, correct MIME types so wasm streams) and a headless Chromium from
// playwright-core pointed at the system browser (nothing is downloaded).

import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
import { chromium } from 'playwright-core';

const MIME = {
    '.html': 'text/html; charset=utf-8',
    '.js': 'text/javascript; charset=utf-8',
    '.mjs': 'text/javascript; charset=utf-8',
    '.css': 'text/css; charset=utf-8',
    '.wasm': 'application/wasm',
    '.svg': 'image/svg+xml',
    '.png': 'image/png',
    '.json': 'application/json',
};

/** Where the site is served: a sub-path two levels deep, as a course site or GitHub Pages
 * (`/<repository>/`) would put it, so an absolute asset path fails every test. */
export const SUB_PATH = '/course/pbft-demo/';

/**
 * Serves `dir` (the output of `cargo xtask dist`) on 127.0.0.1 under `SUB_PATH` only; a folder's
 * `index.html` answers for the folder (`.../examples/` too), as static hosts do.
 */
export async function serve(dir) {
    const root = path.resolve(dir);
    const server = http.createServer((req, res) => {
        const url = new URL(req.url, 'http://localhost');
        if (!url.pathname.startsWith(SUB_PATH)) {
            res.writeHead(404).end(`not under ${SUB_PATH}`);
            return;
        }
        let file = path.resolve(root, decodeURIComponent(url.pathname.slice(SUB_PATH.length)));
        if (fs.existsSync(file) && fs.statSync(file).isDirectory()) file = path.join(file, 'index.html');
        if (!file.startsWith(root) || !fs.existsSync(file)) {
            res.writeHead(404).end('not found');
            return;
        }
        res.writeHead(200, {
            'content-type': MIME[path.extname(file)] ?? 'application/octet-stream',
            'cache-control': 'no-store',
        });
        fs.createReadStream(file).pipe(res);
    });
    await new Promise((ok) => server.listen(0, '127.0.0.1', ok));
    const { port } = server.address();
    return { base: `http://127.0.0.1:${port}${SUB_PATH}`, close: () => server.close() };
}

export const CHROMIUM_ARGS = [
    '--no-sandbox',
    '--disable-gpu',
    '--disable-dev-shm-usage',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--no-first-run',
    '--disable-quic',
];

export async function launch() {
    return chromium.launch({
        executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
        args: CHROMIUM_ARGS,
        headless: true,
    });
}

/** A page that records console errors and uncaught exceptions into `errors`. */
export async function newPage(browser, viewport, errors) {
    const page = await browser.newPage({ viewport });
    page.on('console', (m) => {
        if (m.type() === 'error') errors.push(`console.error: ${m.text()}`);
    });
    page.on('pageerror', (e) => errors.push(`page error: ${e.message}`));
    return page;
}

/** The release bundle to test: `PBFT_DIST`, else `dist/` at the repository root. */
export function distDir() {
    const dir = process.env.PBFT_DIST || path.resolve('dist');
    if (!fs.existsSync(path.join(dir, 'index.html'))) {
        throw new Error(`no release bundle at ${dir}: run \`cargo xtask dist\` first`);
    }
    return dir;
}

/** `target/<sub>` for screenshots and reports, created if needed. */
export function outDir(sub) {
    const dir = path.resolve('target', sub);
    fs.mkdirSync(dir, { recursive: true });
    return dir;
}

/**
 * A test file's bookkeeping: `check(name, body)` runs one named check, logs `ok`/`FAIL` with its
 * time and remembers failures; `errors` collects console errors (pass it to `newPage`);
 * `finish()` reports them and returns the exit code.
 */
export function suite() {
    const errors = [];
    let failed = false;
    async function check(name, body) {
        const start = Date.now();
        try {
            await body();
            console.log(`ok   ${name} (${Date.now() - start} ms)`);
        } catch (e) {
            failed = true;
            console.error(`FAIL ${name}: ${e.stack || e}`);
        }
    }
    function finish() {
        if (errors.length) {
            failed = true;
            console.error(`FAIL no console errors:\n  ${errors.join('\n  ')}`);
        } else {
            console.log('ok   no console errors');
        }
        return failed ? 1 : 0;
    }
    return { errors, check, finish };
}

/**
 * Runs axe-core (npm, node_modules/axe-core) over `page` (or the frame) and returns its serious
 * and critical violations as readable lines; `include` narrows it to a selector.
 */
export async function axeViolations(page, include) {
    const source = fs.readFileSync(path.resolve('node_modules/axe-core/axe.min.js'), 'utf8');
    await page.evaluate(source);
    const result = await page.evaluate(async (sel) => {
        // eslint-disable-next-line no-undef
        const r = await axe.run(sel ? { include: [sel] } : document, { resultTypes: ['violations'] });
        return r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n) => n.target.join(' ')).slice(0, 3) }));
    }, include ?? null);
    return result
        .filter((v) => v.impact === 'serious' || v.impact === 'critical')
        .map((v) => `${v.impact} ${v.id}: ${v.help} (${v.nodes.join(', ')})`);
}
