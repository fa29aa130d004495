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
    ("release site (cargo xtask dist)", release_site),
    ("end-to-end tests", end_to_end),
];

pub struct Options {
    /// Run the set-up first (`--no-setup` turns it off).
    pub setup: bool,
    /// Run every step even after a failure (`--keep-going`), for a full picture locally.
    pub keep_going: bool,
}

pub fn run(ctx: &Ctx, options: Options) -> ExitCode {
    let start = Instant::now();
    let (mut passed, mut skipped) = (0, 0);
    let mut failed: Vec<&str> = Vec::new();
    let summary = |passed: usize, failed: &[&str], skipped: usize| {
        println!(
            "xtask: {passed} passed, {} failed, {skipped} skipped (steps) in {}",
            failed.len(),
            secs(start)
        );
    };
    if options.setup {
        if let Err(e) = setup::run(ctx) {
            eprintln!("xtask: FAILED at step `set-up`: {e}");
            summary(passed, &["set-up"], 0);
            return ExitCode::FAILURE;
        }
        passed += 1;
    }
    let total = STEPS.len();
    for (i, (name, step)) in STEPS.iter().enumerate() {
        let step_start = Instant::now();
        println!("\nxtask: [{}/{total}] {name}", i + 1);
        match step(ctx) {
            Ok(Outcome::Passed) => {
                passed += 1;
                println!(
                    "xtask: [{}/{total}] {name}: ok ({})",
                    i + 1,
                    secs(step_start)
                );
            }
            Ok(Outcome::Skipped(why)) => {
                skipped += 1;
                println!("xtask: [{}/{total}] {name}: skipped: {why}", i + 1);
            }
            Err(e) => {
                eprintln!(
                    "\nxtask: FAILED at step `{name}` after {}: {e}",
                    secs(step_start)
                );
                failed.push(name);
                if !options.keep_going {
                    eprintln!(
                        "xtask: fix it and rerun `cargo xtask test` \
                         (--no-setup skips set-up, --keep-going runs the other steps too)"
                    );
                    summary(passed, &failed, skipped);
                    return ExitCode::FAILURE;
                }
            }
        }
    }
    println!();
    if !failed.is_empty() {
        eprintln!("xtask: failed steps: {}", failed.join(", "));
    }
    summary(passed, &failed, skipped);
    if failed.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

fn passed(result: Result<(), String>) -> Result<Outcome, String> {
    result.map(|()| Outcome::Passed)
}

fn format(ctx: &Ctx) -> Result<Outcome, String> {
    passed(ctx.run("format", &mut ctx.cargo(&["fmt", "--all", "--", "--check"])))
}

/// Every package and target (tests, examples, benches) natively, warnings as errors; then the
/// web app again for wasm32, where its browser-only code (`cfg(target_arch = "wasm32")`) lives.
fn clippy(ctx: &Ctx) -> Result<Outcome, String> {
    let deny = ["--", "-D", "warnings"];
    let mut native = ctx.cargo(&["clippy", "--workspace", "--all-targets"]);
    native.args(deny);
    ctx.run("clippy", &mut native)?;
    let mut wasm = ctx.cargo(&[
        "clippy",
        "-p",
        "pbft-web",
        "--target",
        "wasm32-unknown-unknown",
        "--all-targets",
    ]);
    wasm.args(deny);
    passed(ctx.run("clippy (wasm32)", &mut wasm))
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

/// The deployable site in `dist/`, built by exactly what `cargo xtask dist` runs (so the
/// end-to-end tests below test what is published); `--offline` proves no tool download is
/// needed (Trunk.toml pins the versions set-up installed).
fn release_site(ctx: &Ctx) -> Result<Outcome, String> {
    passed(crate::dist::build(ctx).map(drop))
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
