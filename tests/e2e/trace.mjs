// End-to-end test of the live view's trace files (src/components/trace.rs) on the release
// bundle: "Download trace (JSON Lines)" saves the run with its config line, and the same file,
// chosen in the picker, is re-simulated and reported identical; an edited copy is not. The
// ShiViz download starts with the parser expression.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { serve, launch, newPage, distDir, outDir, suite } from './lib/harness.mjs';

const dir = outDir('e2e');
const server = await serve(distDir());
const browser = await launch();
const { errors, check, finish } = suite();

async function save(page, testid) {
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId(testid).click()]);
    const file = path.join(dir, download.suggestedFilename());
    await download.saveAs(file);
    return file;
}

try {
    await check('a downloaded trace checks identical, an edited one does not', async () => {
        const page = await newPage(browser, { width: 1280, height: 800 }, errors);
        await page.goto(`${server.base}?protocol=pbft&byzantine-nodes=0&seed=4`);
        await page.waitForSelector('.node');
        const jsonl = await save(page, 'trace-jsonl');
        assert.match(path.basename(jsonl), /^pbft-trace-pbft-n4-m1-silent-seed4\.jsonl$/);
        const lines = fs.readFileSync(jsonl, 'utf8').trim().split('\n');
        const header = JSON.parse(lines[0]);
        assert.equal(header.format, 'pbft-sim-trace');
        assert.equal(header.config['byzantine-nodes'], '0');
        await page.getByTestId('trace-file').setInputFiles(jsonl);
        const verdict = page.locator('.trace-verdict');
        await verdict.waitFor();
        assert.equal(await verdict.getAttribute('data-verdict'), 'identical');
        assert.match(await verdict.textContent(), new RegExp(`all ${lines.length - 1} events exactly`));
        await page.screenshot({ path: path.join(dir, 'trace-identical.png') });

        const edited = jsonl.replace(/\.jsonl$/, '-edited.jsonl');
        fs.writeFileSync(edited, [lines[0], ...lines.slice(1, -1)].join('\n') + '\n');
        await page.getByTestId('trace-file').setInputFiles(edited);
        await page.waitForSelector('.trace-verdict[data-verdict=differs]');
        await page.close();
    });

    await check('the ShiViz download starts with the parser expression', async () => {
        const page = await newPage(browser, { width: 1280, height: 800 }, errors);
        await page.goto(`${server.base}?protocol=pbft&byzantine-nodes=0`);
        await page.waitForSelector('.node');
        const log = fs.readFileSync(await save(page, 'trace-shiviz'), 'utf8').split('\n');
        assert.ok(log[0].includes('(?<host>') && log[0].includes('(?<clock>'), log[0]);
        assert.equal(log[1], '');
        assert.match(log[2], /^(node|client)\d+ \{"/);
        await page.close();
    });
} finally {
    await browser.close();
    server.close();
}

process.exit(finish());
