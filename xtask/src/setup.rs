//! Idempotent set-up: each step checks what is there and installs only what is missing, printing
//! one line per step. Versions come from the repository (Cargo.lock for wasm-bindgen, package.json
//! for binaryen, Trunk.toml for what trunk expects), so a fresh machine and a developer's machine
//! end up with the same tools. Why each tool is installed the way it is: `docs/toolchain.md`.

use crate::{output_line, secs, Ctx};
use std::path::Path;
use std::process::Command;
use std::time::Instant;

const WASM_TARGET: &str = "wasm32-unknown-unknown";
/// trunk 0.22 needs a newer rustc than this machine's; 0.21 builds offline-capable bundles.
const TRUNK_REQ: &str = "~0.21";
const TRUNK_PREFIX: &str = "trunk 0.21.";
const CHROMIUM: &str = "/usr/bin/chromium";
const CHROMEDRIVER: &str = "/usr/bin/chromedriver";

/// What a command needs set up: everything (`test`, `setup`), or what building and serving the
/// site needs (`dist`, `serve`: no browser, no rustfmt or clippy).
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    All,
    Site,
}

/// Runs every set-up step in order; the first failure stops it.
pub fn run(ctx: &Ctx) -> Result<(), String> {
    run_for(ctx, Scope::All)
}

/// Runs the set-up steps `scope` needs, in order; the first failure stops it.
pub fn run_for(ctx: &Ctx, scope: Scope) -> Result<(), String> {
    let start = Instant::now();
    println!("xtask: set-up (installs only what is missing)");
    wasm_target(ctx)?;
    if scope == Scope::All {
        components(ctx)?;
    }
    fetch_crates(ctx)?;
    let wasm_bindgen = wasm_bindgen_cli(ctx)?;
    trunk(ctx)?;
    system_packages(scope == Scope::All)?;
    let binaryen = binaryen_major(ctx)?;
    npm_tools(ctx, &binaryen)?;
    trunk_toml_matches(ctx, &wasm_bindgen, &binaryen)?;
    println!("xtask: set-up done in {}", secs(start));
    Ok(())
}

fn step(name: &str, message: &str) {
    println!("setup: {name:<18} {message}");
}

fn wasm_target(ctx: &Ctx) -> Result<(), String> {
    let installed = Command::new("rustup")
        .args(["target", "list", "--installed"])
        .output()
        .map_err(|e| format!("rustup is needed to add the {WASM_TARGET} target: {e}"))?;
    if String::from_utf8_lossy(&installed.stdout)
        .lines()
        .any(|l| l.trim() == WASM_TARGET)
    {
        step("wasm target", &format!("{WASM_TARGET} present"));
        return Ok(());
    }
    step("wasm target", &format!("{WASM_TARGET} missing, adding"));
    ctx.run(
        "rustup target add",
        Command::new("rustup").args(["target", "add", WASM_TARGET]),
    )
}

/// rustfmt and clippy come with rustup's default profile, but not with `--profile minimal`.
fn components(ctx: &Ctx) -> Result<(), String> {
    let works = |sub: &str| {
        ctx.cargo(&[sub, "--version"])
            .output()
            .is_ok_and(|o| o.status.success())
    };
    let missing: Vec<&str> = [("fmt", "rustfmt"), ("clippy", "clippy")]
        .into_iter()
        .filter(|(sub, _)| !works(sub))
        .map(|(_, component)| component)
        .collect();
    if missing.is_empty() {
        step("rust components", "rustfmt, clippy present");
        return Ok(());
    }
    step(
        "rust components",
        &format!("missing {}, adding", missing.join(", ")),
    );
    ctx.run(
        "rustup component add",
        Command::new("rustup")
            .args(["component", "add"])
            .args(&missing),
    )
}

/// Downloads every crate the lock file names (all targets), so `trunk build --offline` and
/// `cargo --offline` work afterwards. A no-op in well under a second when all are present.
fn fetch_crates(ctx: &Ctx) -> Result<(), String> {
    let out = ctx
        .cargo(&["fetch", "--quiet"])
        .status()
        .map_err(|e| format!("cargo fetch: {e}"))?;
    if !out.success() {
        return Err(format!("cargo fetch failed ({out})"));
    }
    step("crates", "Cargo.lock resolved, all crates downloaded");
    Ok(())
}

/// The version of `package` in Cargo.lock (the first entry of that name).
fn lock_version(ctx: &Ctx, package: &str) -> Result<String, String> {
    let path = ctx.root.join("Cargo.lock");
    let lock = std::fs::read_to_string(&path)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let wanted = format!("name = \"{package}\"");
    let mut lines = lock.lines();
    while let Some(line) = lines.next() {
        if line.trim() == wanted {
            let version = lines.next().unwrap_or_default().trim();
            if let Some(v) = version
                .strip_prefix("version = \"")
                .and_then(|v| v.strip_suffix('"'))
            {
                return Ok(v.to_string());
            }
        }
    }
    Err(format!(
        "Cargo.lock has no `{package}` package; the wasm crates should depend on it (pinned with `=`)"
    ))
}

/// wasm-bindgen-cli (wasm-bindgen and wasm-bindgen-test-runner) at exactly Cargo.lock's
/// wasm-bindgen version: the CLI refuses to process a module built by another version.
fn wasm_bindgen_cli(ctx: &Ctx) -> Result<String, String> {
    let version = lock_version(ctx, "wasm-bindgen")?;
    let want = |tool: &str| format!("{tool} {version}");
    let present = |tool: &str| output_line(tool, &["--version"]).as_deref() == Some(&want(tool));
    if present("wasm-bindgen") && present("wasm-bindgen-test-runner") {
        step(
            "wasm-bindgen-cli",
            &format!("{version} present (Cargo.lock)"),
        );
        return Ok(version);
    }
    let found = output_line("wasm-bindgen", &["--version"]).unwrap_or_else(|| "none".into());
    step(
        "wasm-bindgen-cli",
        &format!("Cargo.lock wants {version}, found {found}: installing (about 3 min)"),
    );
    // Not `--locked`: the CLI's own lock file pins a webpki-roots the registry no longer serves.
    let start = Instant::now();
    ctx.run(
        "install wasm-bindgen-cli",
        &mut ctx.cargo(&["install", "wasm-bindgen-cli", "--version", &version]),
    )?;
    if !present("wasm-bindgen") || !present("wasm-bindgen-test-runner") {
        return Err(format!(
            "wasm-bindgen-cli {version} was installed but `wasm-bindgen --version` does not say so; \
             is another wasm-bindgen earlier on PATH?"
        ));
    }
    step(
        "wasm-bindgen-cli",
        &format!("{version} installed in {}", secs(start)),
    );
    Ok(version)
}

fn trunk(ctx: &Ctx) -> Result<(), String> {
    let version = output_line("trunk", &["--version"]);
    if let Some(v) = version.as_deref().filter(|v| v.starts_with(TRUNK_PREFIX)) {
        step("trunk", &format!("{v} present"));
        return Ok(());
    }
    step(
        "trunk",
        &format!(
            "found {}, want {TRUNK_REQ}: installing with --locked (about 11 min on 2 cores)",
            version.as_deref().unwrap_or("none")
        ),
    );
    let start = Instant::now();
    ctx.run(
        "install trunk",
        &mut ctx.cargo(&["install", "trunk", "--version", TRUNK_REQ, "--locked"]),
    )?;
    match output_line("trunk", &["--version"]) {
        Some(v) if v.starts_with(TRUNK_PREFIX) => {
            step("trunk", &format!("{v} installed in {}", secs(start)));
            Ok(())
        }
        other => Err(format!(
            "trunk was installed but `trunk --version` says {other:?}; is another trunk earlier on PATH?"
        )),
    }
}

/// Debian packages: Chromium and its WebDriver for the browser tests (when `browser`), and
/// Node.js/npm if absent (wasm-bindgen-test's Node runner and binaryen come through them).
fn system_packages(browser: bool) -> Result<(), String> {
    let mut missing = Vec::new();
    if browser && !Path::new(CHROMIUM).exists() {
        missing.push("chromium");
    }
    if browser && !Path::new(CHROMEDRIVER).exists() {
        missing.push("chromium-driver");
    }
    if output_line("node", &["--version"]).is_none() {
        missing.push("nodejs");
    }
    if output_line("npm", &["--version"]).is_none() {
        missing.push("npm");
    }
    if missing.is_empty() {
        let node = output_line("node", &["--version"]).unwrap_or_default();
        let browser = if browser {
            format!("{CHROMIUM}, {CHROMEDRIVER}, ")
        } else {
            String::new()
        };
        step(
            "system packages",
            &format!("{browser}node {node}, npm present"),
        );
        return Ok(());
    }
    step(
        "system packages",
        &format!("missing {}: apt-get install", missing.join(", ")),
    );
    let start = Instant::now();
    let sudo = root_prefix(&missing)?;
    let apt = |args: &[&str]| {
        let mut cmd = Command::new(sudo.first().copied().unwrap_or("apt-get"));
        if !sudo.is_empty() {
            cmd.args(&sudo[1..]).arg("apt-get");
        }
        cmd.args(args).env("DEBIAN_FRONTEND", "noninteractive");
        cmd
    };
    run_plain("apt-get update", &mut apt(&["update", "-q"]))?;
    let mut install = apt(&["install", "-y", "-q"]);
    install.args(&missing);
    run_plain("apt-get install", &mut install)?;
    step(
        "system packages",
        &format!("installed {} in {}", missing.join(", "), secs(start)),
    );
    Ok(())
}

/// Empty when we are root; `sudo -n` when it works without a password; otherwise an error that
/// says what to run by hand.
fn root_prefix(missing: &[&str]) -> Result<Vec<&'static str>, String> {
    if output_line("id", &["-u"]).as_deref() == Some("0") {
        return Ok(Vec::new());
    }
    let sudo_ok = Command::new("sudo")
        .args(["-n", "true"])
        .status()
        .is_ok_and(|s| s.success());
    if sudo_ok {
        Ok(vec!["sudo", "-n"])
    } else {
        Err(format!(
            "installing {} needs root; run `sudo apt-get update && sudo apt-get install -y {}` and retry",
            missing.join(", "),
            missing.join(" ")
        ))
    }
}

fn run_plain(what: &str, cmd: &mut Command) -> Result<(), String> {
    println!("xtask: $ {}", crate::show(cmd));
    match cmd.status() {
        Ok(s) if s.success() => Ok(()),
        Ok(s) => Err(format!("{what} failed ({s})")),
        Err(e) => Err(format!("{what}: could not start: {e}")),
    }
}

/// The repository's npm packages (binaryen's wasm-opt, and whatever the web app's end-to-end
/// tests add to package.json) into `node_modules/`, which `Ctx` puts on PATH.
fn npm_tools(ctx: &Ctx, binaryen: &str) -> Result<(), String> {
    // Every package.json dependency must be installed (at exactly its version when it names
    // one); one `node` call, much quicker than running the wasm-opt wrapper.
    let script = r#"const fs = require('fs'), p = require('./package.json'), bad = [];
        for (const [d, want] of Object.entries({...p.dependencies, ...p.devDependencies})) {
            let v;
            try { v = JSON.parse(fs.readFileSync('node_modules/' + d + '/package.json')).version; }
            catch { bad.push(d + ' missing'); continue; }
            if (/^\d+\.\d+\.\d+$/.test(want) && v !== want) bad.push(`${d} ${v}, want ${want}`);
        }
        if (!fs.existsSync('node_modules/.bin/wasm-opt')) bad.push('node_modules/.bin/wasm-opt missing');
        console.log(bad.join(', '));"#;
    let problems = Command::new("node")
        .args(["-e", script])
        .current_dir(&ctx.root)
        .output()
        .map_err(|e| format!("node: {e}"))?;
    let problems = String::from_utf8_lossy(&problems.stdout).trim().to_string();
    if problems.is_empty() {
        step(
            "npm packages",
            "node_modules matches package.json (wasm-opt from binaryen)",
        );
        return Ok(());
    }
    let ci = ctx.root.join("package-lock.json").exists();
    step(
        "npm packages",
        &format!("{problems}: npm {}", if ci { "ci" } else { "install" }),
    );
    let start = Instant::now();
    let mut npm = Command::new("npm");
    npm.arg(if ci { "ci" } else { "install" })
        .args(["--no-audit", "--no-fund", "--loglevel=error"])
        .current_dir(&ctx.root);
    run_plain("npm", &mut npm)?;
    match output_line("wasm-opt", &["--version"]) {
        Some(v) if v.contains(&format!("version {binaryen}")) => {
            step("npm packages", &format!("{v} installed in {}", secs(start)));
            Ok(())
        }
        other => Err(format!(
            "npm installed binaryen but `wasm-opt --version` says {other:?}"
        )),
    }
}

/// The major version of binaryen package.json pins (`"binaryen": "132.0.0"` gives `132`): wasm-opt
/// reports it as `version 132`, and Trunk.toml must ask for `version_132`.
fn binaryen_major(ctx: &Ctx) -> Result<String, String> {
    let text = std::fs::read_to_string(ctx.root.join("package.json"))
        .map_err(|e| format!("cannot read package.json (it pins binaryen for wasm-opt): {e}"))?;
    let after = text
        .split_once("\"binaryen\"")
        .and_then(|(_, rest)| rest.split_once(':'))
        .map(|(_, rest)| rest.trim_start().trim_start_matches('"'))
        .ok_or("package.json has no \"binaryen\" dependency (trunk needs its wasm-opt)")?;
    let major: String = after.chars().take_while(char::is_ascii_digit).collect();
    if major.is_empty() {
        return Err(format!(
            "package.json pins binaryen to {:?}; use an exact version such as \"132.0.0\"",
            after.split('"').next().unwrap_or_default()
        ));
    }
    Ok(major)
}

/// trunk runs offline only if Trunk.toml names the exact tool versions installed above.
fn trunk_toml_matches(ctx: &Ctx, wasm_bindgen: &str, binaryen: &str) -> Result<(), String> {
    let path = ctx.root.join("Trunk.toml");
    let text =
        std::fs::read_to_string(&path).map_err(|e| format!("cannot read Trunk.toml: {e}"))?;
    let value = |key: &str| {
        text.lines().find_map(|l| {
            let (k, v) = l.split_once('=')?;
            (k.trim() == key).then(|| v.trim().trim_matches('"').to_string())
        })
    };
    let checks = [
        ("wasm_bindgen", wasm_bindgen.to_string()),
        ("wasm_opt", format!("version_{binaryen}")),
    ];
    for (key, want) in checks {
        if value(key).as_deref() != Some(want.as_str()) {
            return Err(format!(
                "Trunk.toml [tools] {key} is {} but the installed tool is {want:?} \
                 (Cargo.lock / package.json); set `{key} = \"{want}\"` so trunk never downloads",
                value(key).map_or("missing".to_string(), |v| format!("{v:?}"))
            ));
        }
    }
    step(
        "Trunk.toml",
        &format!("pins wasm_bindgen {wasm_bindgen}, wasm_opt version_{binaryen}"),
    );
    Ok(())
}
