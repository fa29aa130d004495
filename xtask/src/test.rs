//! `cargo xtask test`: every check the project has, in order from cheapest to slowest, stopping at
//! the first failure. Each step prints the exact command it runs, so a failure can be rerun by
//! hand; the last line is a summary of steps (`xtask: N passed, 0 failed, K skipped`).

use crate::{secs, setup, Ctx};
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};
use std::time::Instant;

const RUNNER: (&str, &str) = (
    "CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER",
    "wasm-bindgen-test-runner",
);

/// What a step did.
enum Outcome {
    Passed,
    /// Nothing to run yet (the reason is printed).
    Skipped(String),
}

type Step = fn(&Ctx) -> Result<Outcome, String>;

const STEPS: &[(&str, Step)] = &[
    ("format", format),
    ("clippy", clippy),
    ("native tests", native_tests),
    ("engine wasm tests (Node.js)", engine_wasm_tests),
    ("web app browser tests (Chromium)", browser_tests),
    ("release build (trunk)", trunk_build),
    ("end-to-end tests", end_to_end),
];

pub fn run(ctx: &Ctx, no_setup: bool) -> ExitCode {
    let start = Instant::now();
    let (mut passed, mut skipped) = (0, 0);
    let summary = |passed: u32, failed: u32, skipped: u32| {
        println!(
            "xtask: {passed} passed, {failed} failed, {skipped} skipped (steps) in {}",
            secs(start)
        );
    };
    if !no_setup {
        if let Err(e) = setup::run(ctx) {
            eprintln!("xtask: FAILED at step `set-up`: {e}");
            summary(passed, 1, 0);
            return ExitCode::FAILURE;
        }
        passed += 1;
    }
    for (i, (name, step)) in STEPS.iter().enumerate() {
        let step_start = Instant::now();
        println!("\nxtask: [{}/{}] {name}", i + 1, STEPS.len());
        match step(ctx) {
            Ok(Outcome::Passed) => {
                passed += 1;
                println!(
                    "xtask: [{}/{}] {name}: ok ({})",
                    i + 1,
                    STEPS.len(),
                    secs(step_start)
                );
            }
            Ok(Outcome::Skipped(why)) => {
                skipped += 1;
                println!("xtask: [{}/{}] {name}: skipped: {why}", i + 1, STEPS.len());
            }
            Err(e) => {
                eprintln!(
                    "\nxtask: FAILED at step `{name}` after {}: {e}",
                    secs(step_start)
                );
                eprintln!(
                    "xtask: fix it and rerun `cargo xtask test` (add --no-setup to skip set-up)"
                );
                summary(passed, 1, skipped);
                return ExitCode::FAILURE;
            }
        }
    }
    println!();
    summary(passed, 0, skipped);
    ExitCode::SUCCESS
}

fn passed(result: Result<(), String>) -> Result<Outcome, String> {
    result.map(|()| Outcome::Passed)
}

fn format(ctx: &Ctx) -> Result<Outcome, String> {
    passed(ctx.run("format", &mut ctx.cargo(&["fmt", "--all", "--", "--check"])))
}

/// Every package and target (tests, examples, benches) natively, warnings as errors.
fn clippy(ctx: &Ctx) -> Result<Outcome, String> {
    passed(ctx.run(
        "clippy",
        &mut ctx.cargo(&[
            "clippy",
            "--workspace",
            "--all-targets",
            "--",
            "-D",
            "warnings",
        ]),
    ))
}

/// Unit, integration, property and doc tests of every package on the host. The web app's
/// `wasm_bindgen_test` functions compile here but only run in the browser step.
fn native_tests(ctx: &Ctx) -> Result<Outcome, String> {
    passed(ctx.run("native tests", &mut ctx.cargo(&["test", "--workspace"])))
}

/// The engine's golden trace hashes (and lib unit tests) compiled to wasm32 and run in Node.js:
/// the same constants as natively, so this proves the engine is deterministic across platforms.
/// Only `--lib --test golden`: other engine test files may use native-only crates (proptest).
fn engine_wasm_tests(ctx: &Ctx) -> Result<Outcome, String> {
    let mut cmd = ctx.cargo(&[
        "test",
        "-p",
        "pbft-engine",
        "--target",
        "wasm32-unknown-unknown",
        "--lib",
        "--test",
        "golden",
    ]);
    cmd.env(RUNNER.0, RUNNER.1);
    passed(ctx.run("engine wasm tests", &mut cmd))
}

/// The web app's wasm-bindgen tests (root `tests/*.rs`) in headless Chromium via chromedriver,
/// configured by `webdriver.json` beside the root Cargo.toml.
fn browser_tests(ctx: &Ctx) -> Result<Outcome, String> {
    let tests = files_with_ext(&ctx.root.join("tests"), "rs");
    if tests.is_empty() {
        return Ok(Outcome::Skipped(
            "no wasm-bindgen-test files in tests/ yet".into(),
        ));
    }
    let mut cmd = ctx.cargo(&[
        "test",
        "-p",
        "pbft-web",
        "--target",
        "wasm32-unknown-unknown",
        "--tests",
    ]);
    cmd.env(RUNNER.0, RUNNER.1)
        .env("CHROMEDRIVER", "/usr/bin/chromedriver")
        // The runner's default per-test limit (20 s) is tight on a busy 2-core machine.
        .env("WASM_BINDGEN_TEST_TIMEOUT", "120");
    passed(ctx.run("browser tests", &mut cmd))
}

/// The deployable bundle in `dist/`, exactly as released; `--offline` proves no tool download is
/// needed (Trunk.toml pins the versions set-up installed).
fn trunk_build(ctx: &Ctx) -> Result<Outcome, String> {
    if !ctx.root.join("index.html").exists() {
        return Err("index.html is missing: trunk has nothing to build".into());
    }
    let mut cmd = Command::new("trunk");
    cmd.args(["build", "--release", "--offline"])
        .current_dir(&ctx.root);
    passed(ctx.run("trunk build", &mut cmd))
}

/// The hook for browser end-to-end tests: every `tests/e2e/*.mjs`, run with `node` from the
/// repository root after the release build, each one must exit 0. They get `PBFT_DIST` (the
/// built `dist/` directory), `CHROMIUM` and `CHROMEDRIVER` in their environment.
fn end_to_end(ctx: &Ctx) -> Result<Outcome, String> {
    let scripts = files_with_ext(&ctx.root.join("tests").join("e2e"), "mjs");
    if scripts.is_empty() {
        return Ok(Outcome::Skipped("no tests/e2e/*.mjs yet".into()));
    }
    for script in scripts {
        let mut cmd = Command::new("node");
        cmd.arg(script.strip_prefix(&ctx.root).unwrap_or(&script))
            .current_dir(&ctx.root)
            .env("PBFT_DIST", ctx.root.join("dist"))
            .env("CHROMIUM", "/usr/bin/chromium")
            .env("CHROMEDRIVER", "/usr/bin/chromedriver");
        ctx.run("end-to-end test", &mut cmd)?;
    }
    Ok(Outcome::Passed)
}

/// Files directly in `dir` ending in `.ext`, sorted (none if `dir` does not exist).
fn files_with_ext(dir: &Path, ext: &str) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_file() && p.extension().is_some_and(|x| x == ext))
        .collect();
    files.sort();
    files
}
