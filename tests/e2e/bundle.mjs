// The release bundle's size against its budget: wasm + js + css + html of `dist/` (trunk's release
// build, wasm-opt applied), everything the page loads at start, gzipped at level 9 as a static
// host would serve them, must stay ≤ 350 KB. Prints each file and the total for BENCHMARKS.md.
// No browser needed.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { distDir, suite } from './lib/harness.mjs';

const BUDGET_BYTES = 350 * 1000;
const { check, finish } = suite();

await check('everything loaded at start (wasm + js + css + html) is at most 350 KB gzipped', async () => {
    const dir = distDir();
    const files = fs.readdirSync(dir).filter((f) => f === 'index.html' || /\.(wasm|js|css)$/.test(f)).sort();
    assert.ok(files.some((f) => f.endsWith('.wasm')), `no .wasm in ${dir}`);
    let total = 0;
    for (const f of files) {
        const raw = fs.readFileSync(path.join(dir, f));
        const gz = zlib.gzipSync(raw, { level: 9 }).length;
        total += gz;
        console.log(`     ${f}: ${raw.length} B, ${gz} B gzipped`);
    }
    const left = BUDGET_BYTES - total;
    console.log(`     total ${total} B gzipped (${(total / 1000).toFixed(1)} KB), ${left} B under the budget`);
    assert.ok(total <= BUDGET_BYTES, `bundle is ${total} B gzipped, over the ${BUDGET_BYTES} B budget`);
});

process.exit(finish());
