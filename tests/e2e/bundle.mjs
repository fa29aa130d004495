// The release bundle's size against the budget: everything the page loads at start (wasm + js +
// css of `dist/`, trunk's release build with wasm-opt applied), gzipped at level 9 as a static
// host would serve them, must stay ≤ 350 KB. Prints each file and the total for BENCHMARKS.md.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { distDir, suite } from './lib/harness.mjs';

const BUDGET_BYTES = 350 * 1000;
const { check, finish } = suite();

await check('release bundle (wasm + js + css) is at most 350 KB gzipped', async () => {
    const dir = distDir();
    const files = fs.readdirSync(dir).filter((f) => /\.(wasm|js|css)$/.test(f)).sort();
    assert.ok(files.some((f) => f.endsWith('.wasm')), `no .wasm in ${dir}`);
    let total = 0;
    for (const f of files) {
        const raw = fs.readFileSync(path.join(dir, f));
        const gz = zlib.gzipSync(raw, { level: 9 }).length;
        total += gz;
        console.log(`     ${f}: ${raw.length} B, ${gz} B gzipped`);
    }
    const left = BUDGET_BYTES - total;
    console.log(`     total ${total} B gzipped (${(total / 1024).toFixed(1)} KiB), ${left} B under the budget`);
    assert.ok(total <= BUDGET_BYTES, `bundle is ${total} B gzipped, over the ${BUDGET_BYTES} B budget`);
});

process.exit(finish());
