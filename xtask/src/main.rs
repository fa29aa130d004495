//! `cargo xtask`: the project's two set-up commands, in plain Rust with std only (so it compiles
//! in seconds on a fresh machine).
//!
//! - `cargo xtask serve [--dev] [trunk args…]`: install whatever is missing, then serve the app
//!   with `trunk serve --release` (the build the public demo ships: the debug build runs the
//!   tutorial's 11,000-run sweep about 9× slower and animates slower), or the debug build with
//!   `--dev` (quicker to rebuild while editing).
//! - `cargo xtask dist`: the release site into `dist/`, for any static host ([`dist`]).
//! - `cargo xtask test [--no-setup] [--keep-going]`: install whatever is missing, then run every
//!   check in order (format, clippy, native tests, wasm tests in Node.js and Chromium, release
//!   build, end-to-end tests), stopping at the first failure (or, with `--keep-going`, running
//!   them all and listing the failures).
//! - `cargo xtask setup`: only the idempotent set-up.
//!
//! Set-up is idempotent: each step checks first and installs only what is missing, so with
//! everything present it takes about a second. Versions come from the repository (Cargo.lock,
//! Trunk.toml, package.json), never from what happens to be installed.

mod dist;
mod setup;
mod test;

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};
use std::time::Instant;

const USAGE: &str = "usage: cargo xtask <command>

commands:
  serve [--dev] [ARGS…]
                     set up, then serve the release build with `trunk serve --release ARGS…`
                     (for example `--port 8081 --open`); --dev serves the debug build instead
  dist [--no-setup]  set up, then build the release site into dist/ (relative paths: publish
                     the folder on any static host, under any sub-path)
  test [OPTIONS]     set up, then run every test, stopping at the first failure
                     --no-setup    skip the set-up
                     --keep-going  run every step even after a failure, list failures at the end
  setup              install whatever is missing (wasm target, wasm-bindgen-cli, trunk,
                     wasm-opt, Chromium + chromedriver) and nothing else";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some(command) = args.first() else {
        eprintln!("{USAGE}");
        return ExitCode::FAILURE;
    };
    let ctx = Ctx::new();
    let rest = &args[1..];
    let result = match command.as_str() {
        "setup" => setup::run(&ctx),
        "serve" => setup::run_for(&ctx, setup::Scope::Site).and_then(|()| serve(&ctx, rest)),
        "dist" => match rest {
            [] => {
                setup::run_for(&ctx, setup::Scope::Site).and_then(|()| dist::build(&ctx).map(drop))
            }
            [flag] if flag == "--no-setup" => dist::build(&ctx).map(drop),
            _ => Err(format!("`dist` takes only --no-setup\n{USAGE}")),
        },
        "test" => {
            let known = ["--no-setup", "--keep-going"];
            if let Some(bad) = rest.iter().find(|a| !known.contains(&a.as_str())) {
                Err(format!("unknown option `{bad}` for `test`\n{USAGE}"))
            } else {
                let has = |flag: &str| rest.iter().any(|a| a == flag);
                return test::run(
                    &ctx,
                    test::Options {
                        setup: !has("--no-setup"),
                        keep_going: has("--keep-going"),
                    },
                );
            }
        }
        "help" | "-h" | "--help" => {
            println!("{USAGE}");
            Ok(())
        }
        other => Err(format!("unknown command `{other}`\n{USAGE}")),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("xtask: error: {message}");
            ExitCode::FAILURE
        }
    }
}

/// `trunk serve` from the repository root, with the tools set-up found on PATH: the release
/// build unless `--dev` is among `args` (the rest go to trunk).
fn serve(ctx: &Ctx, args: &[String]) -> Result<(), String> {
    let dev = args.iter().any(|a| a == "--dev");
    let mut cmd = Command::new("trunk");
    cmd.arg("serve");
    if !dev {
        cmd.args(["--release", "--offline"]);
    }
    cmd.args(args.iter().filter(|a| *a != "--dev"))
        .current_dir(&ctx.root);
    ctx.run("trunk serve", &mut cmd)
}

/// Where things are, and the environment every child process gets.
pub struct Ctx {
    /// The workspace root (the parent of `xtask/`).
    pub root: PathBuf,
    /// The cargo that runs us (`$CARGO`), so children use the same toolchain.
    pub cargo: String,
}

impl Ctx {
    fn new() -> Ctx {
        // `cargo run` sets CARGO_MANIFEST_DIR at run time too; prefer it to the compile-time path,
        // which goes stale when one target directory is shared by several checkouts.
        let manifest_dir = std::env::var("CARGO_MANIFEST_DIR")
            .unwrap_or_else(|_| env!("CARGO_MANIFEST_DIR").to_string());
        let root = Path::new(&manifest_dir)
            .parent()
            .expect("xtask lives one level below the workspace root")
            .to_path_buf();
        let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_string());
        // Tools installed by set-up must be found by us, by trunk and by cargo's test runner:
        // the repository's npm binaries (wasm-opt) first, then cargo's install directory.
        // Where `cargo install` puts binaries: $CARGO_INSTALL_ROOT, else $CARGO_HOME, else ~/.cargo.
        let cargo_bin = std::env::var_os("CARGO_INSTALL_ROOT")
            .or_else(|| std::env::var_os("CARGO_HOME"))
            .map(PathBuf::from)
            .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cargo")))
            .map(|home| home.join("bin"));
        let mut paths = vec![root.join("node_modules").join(".bin")];
        paths.extend(cargo_bin);
        paths.extend(std::env::split_paths(
            &std::env::var_os("PATH").unwrap_or_default(),
        ));
        let path = std::env::join_paths(paths).expect("PATH entries contain no separator");
        // Single-threaded here, before any child process starts.
        std::env::set_var("PATH", path);
        // trunk would otherwise ask the registry for newer versions of itself on every start.
        std::env::set_var("TRUNK_SKIP_VERSION_CHECK", "true");
        Ctx { root, cargo }
    }

    /// A `cargo` command in the repository root.
    pub fn cargo(&self, args: &[&str]) -> Command {
        let mut cmd = Command::new(&self.cargo);
        cmd.args(args).current_dir(&self.root);
        cmd
    }

    /// Runs `cmd` with inherited stdio, echoing it first; an error names `what` and the status.
    pub fn run(&self, what: &str, cmd: &mut Command) -> Result<(), String> {
        println!("xtask: $ {}", show(cmd));
        let status = cmd
            .status()
            .map_err(|e| format!("{what}: could not start `{}`: {e}", show(cmd)))?;
        if status.success() {
            Ok(())
        } else {
            Err(format!("{what}: `{}` failed ({status})", show(cmd)))
        }
    }
}

/// The first line of `program args…`'s stdout (or stderr), if it runs and succeeds.
pub fn output_line(program: &str, args: &[&str]) -> Option<String> {
    let out = Command::new(program).args(args).output().ok()?;
    if !out.status.success() {
        return None;
    }
    let text = if out.stdout.is_empty() {
        out.stderr
    } else {
        out.stdout
    };
    String::from_utf8_lossy(&text)
        .lines()
        .next()
        .map(|l| l.trim().to_string())
}

/// A command as a person would type it (environment overrides first).
pub fn show(cmd: &Command) -> String {
    let mut parts: Vec<String> = cmd
        .get_envs()
        .filter_map(|(k, v)| {
            let (k, v) = (k.to_string_lossy(), v?.to_string_lossy());
            (k != "PATH").then(|| format!("{k}={v}"))
        })
        .collect();
    // `$CARGO` is a full toolchain path; its file name is what a person types.
    let program = Path::new(cmd.get_program());
    parts.push(
        program
            .file_name()
            .unwrap_or(program.as_os_str())
            .to_string_lossy()
            .into_owned(),
    );
    parts.extend(cmd.get_args().map(|a| {
        let a = a.to_string_lossy();
        if a.contains(' ') || a.contains('*') {
            format!("'{a}'")
        } else {
            a.into_owned()
        }
    }));
    parts.join(" ")
}

/// Seconds since `start`, for step timings.
pub fn secs(start: Instant) -> String {
    format!("{:.1}s", start.elapsed().as_secs_f64())
}
