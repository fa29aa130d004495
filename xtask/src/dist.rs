//! `cargo xtask dist`: the public demo as a static folder, `dist/`, ready for any static host.
//!
//! It is trunk's release build (`trunk build --release --offline`, wasm-opt applied) with relative
//! asset paths (`public_url = "./"` in Trunk.toml), so the folder works at a host's root, under
//! any sub-path (GitHub Pages serves a project at `/<repository>/`) and copied anywhere. Then it
//! checks what a host would trip on: every page in the folder (the app and `examples/`) refers to
//! its assets by relative paths only, and `.nojekyll` is there (GitHub Pages would otherwise run
//! Jekyll over the folder). `cargo xtask test` builds its bundle through this same function, so
//! the end-to-end tests run on exactly what is published, served under a sub-path.
//!
//! A `file://` copy: browsers refuse to fetch a page's module script and WebAssembly from the
//! disk, so the folder also holds `standalone.html`, the same app in one file (the JavaScript
//! glue and the CSS inline, the wasm as base64 handed to the glue as bytes, and the files the app
//! fetches on demand, the guided tours, answered from inline copies), and `index.html` opened
//! from the disk goes there (its first script, `id="file-copy"`). Served over HTTP the
//! page loads the separate files as usual, streamed and cached; nothing of the standalone file
//! is loaded.

use crate::Ctx;
use std::path::{Path, PathBuf};
use std::process::Command;

/// Builds the release site into `dist/` and checks it; returns the folder.
pub fn build(ctx: &Ctx) -> Result<PathBuf, String> {
    if !ctx.root.join("index.html").exists() {
        return Err("index.html is missing: trunk has nothing to build".into());
    }
    let dist = ctx.root.join("dist");
    let mut cmd = Command::new("trunk");
    cmd.args(["build", "--release", "--offline", "--public-url", "./"])
        .current_dir(&ctx.root);
    ctx.run("trunk build", &mut cmd)?;
    std::fs::write(dist.join(".nojekyll"), "")
        .map_err(|e| format!("cannot write dist/.nojekyll: {e}"))?;
    standalone(&ctx.root, &dist)?;
    let pages = html_files(&dist);
    for page in &pages {
        let text = std::fs::read_to_string(page)
            .map_err(|e| format!("cannot read {}: {e}", page.display()))?;
        if let Some(bad) = absolute_reference(&text) {
            return Err(format!(
                "{} refers to `{bad}`, an absolute path: it would break under a sub-path",
                page.strip_prefix(&ctx.root).unwrap_or(page).display()
            ));
        }
    }
    println!(
        "xtask: dist/ ready ({} pages, relative paths only): publish the folder as it is",
        pages.len()
    );
    Ok(dist)
}

/// The file's text, or an error naming it.
fn read(path: &Path) -> Result<String, String> {
    std::fs::read_to_string(path).map_err(|e| format!("cannot read {}: {e}", path.display()))
}

/// The text between the first `start` in `text` and the next `end` after it.
fn between<'a>(text: &'a str, start: &str, end: &str) -> Option<&'a str> {
    let from = text.find(start)? + start.len();
    let len = text[from..].find(end)?;
    Some(&text[from..from + len])
}

/// The value of attribute `name` in `tag` (double-quoted, as the repository's index.html writes).
fn attr<'a>(tag: &'a str, name: &str) -> Option<&'a str> {
    between(tag, &format!(" {name}=\""), "\"")
}

/// The one file of `dir` named `prefix…suffix`.
fn built_file(dir: &Path, prefix: &str, suffix: &str) -> Result<String, String> {
    let names: Vec<String> = std::fs::read_dir(dir)
        .map_err(|e| format!("cannot list {}: {e}", dir.display()))?
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(prefix) && n.ends_with(suffix))
        .collect();
    match &names[..] {
        [one] => Ok(one.clone()),
        _ => Err(format!(
            "dist/ holds {} files {prefix}…{suffix}, not one: {names:?}",
            names.len()
        )),
    }
}

/// Writes `dist/standalone.html` (see the module docs) from the repository's own `index.html`,
/// not trunk's output, so trunk's formatting (minified or not) cannot break it: each
/// `<link data-trunk>` becomes what trunk made of it, inline. The glue is imported from a blob
/// URL (its exported names are not relied on), and handed the wasm's bytes.
fn standalone(root: &Path, dist: &Path) -> Result<(), String> {
    let source = read(&root.join("index.html"))?;
    let wasm_name = built_file(dist, "", "_bg.wasm")?;
    let glue = read(&dist.join(wasm_name.replace("_bg.wasm", ".js")))?;
    let wasm = std::fs::read(dist.join(&wasm_name)).map_err(|e| format!("{wasm_name}: {e}"))?;
    let loader = format!(
        "{}<script type=\"module\">\n\
         const glue = URL.createObjectURL(new Blob([{}], {{ type: 'text/javascript' }}));\n\
         const b = atob(\"{}\"), bytes = new Uint8Array(b.length);\n\
         for (let i = 0; i < b.length; i++) bytes[i] = b.charCodeAt(i);\n\
         await (await import(glue)).default({{ module_or_path: bytes }});\n\
         </script>",
        fetch_shim(dist, ON_DEMAND)?,
        json_string(&glue),
        base64(&wasm)
    );
    let mut page = String::with_capacity(wasm.len() * 4 / 3 + glue.len() + source.len());
    let mut rest = source.as_str();
    while let Some(at) = rest.find("<link data-trunk") {
        page.push_str(&rest[..at]);
        let end = at
            + rest[at..]
                .find('>')
                .ok_or("index.html: a <link> does not close")?
            + 1;
        let tag = &rest[at..end];
        match (attr(tag, "rel"), attr(tag, "href")) {
            (Some("css"), Some(href)) => {
                let stem = Path::new(href)
                    .file_stem()
                    .unwrap_or_default()
                    .to_string_lossy();
                let css = read(&dist.join(built_file(dist, &format!("{stem}-"), ".css")?))?;
                page.push_str(&format!("<style>\n{css}\n</style>"));
            }
            (Some("rust"), _) => page.push_str(&loader),
            (Some("copy-dir"), _) => {}
            _ => return Err(format!("index.html: xtask/src/dist.rs does not know {tag}")),
        }
        rest = &rest[end..];
    }
    page.push_str(rest);
    let redirect = between(&page, "<script id=\"file-copy\">", "</script>")
        .ok_or("index.html lacks its <script id=\"file-copy\"> redirect for file:// copies")?
        .to_string();
    let page = page.replace(&format!("<script id=\"file-copy\">{redirect}</script>"), "");
    std::fs::write(dist.join("standalone.html"), page)
        .map_err(|e| format!("cannot write dist/standalone.html: {e}"))
}

/// The folders of `dist/` whose files the app fetches on demand (the guided tours).
const ON_DEMAND: &[&str] = &["tours"];

/// A script that answers the app's `fetch` of any file in `folders` (relative to the page) from
/// copies held inline, for the one-file copy: opened from the disk, browsers refuse `fetch`.
/// Empty when none of the folders exists.
fn fetch_shim(dist: &Path, folders: &[&str]) -> Result<String, String> {
    let mut files = Vec::new();
    for folder in folders {
        let mut names: Vec<PathBuf> = std::fs::read_dir(dist.join(folder))
            .into_iter()
            .flatten()
            .flatten()
            .map(|e| e.path())
            .filter(|p| p.is_file())
            .collect();
        names.sort();
        for path in names {
            let name = path.file_name().unwrap_or_default().to_string_lossy();
            files.push(format!(
                "{}:{}",
                json_string(&format!("{folder}/{name}")),
                json_string(&read(&path)?)
            ));
        }
    }
    if files.is_empty() {
        return Ok(String::new());
    }
    Ok(format!(
        "<script>(() => {{\n\
         const files = {{{}}};\n\
         const real = window.fetch.bind(window);\n\
         window.fetch = (input, init) => {{\n\
         const url = new URL(typeof input === 'string' ? input : input.url, location.href);\n\
         const key = Object.keys(files).find((k) => url.pathname.endsWith('/' + k));\n\
         return key === undefined ? real(input, init)\n\
         : Promise.resolve(new Response(files[key], {{ headers: {{ 'content-type': 'text/plain; charset=utf-8' }} }}));\n\
         }};\n\
         }})();</script>\n",
        files.join(",\n")
    ))
}

/// `text` as a JSON string literal (also a JavaScript one), safe inside a `<script>`.
fn json_string(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for ch in text.chars() {
        match ch {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            // `</script>` must not end the script early; `<` escaped keeps it a string.
            '<' => out.push_str("\\u003c"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Standard base64 with padding.
fn base64(bytes: &[u8]) -> String {
    const ABC: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = u32::from(b[0]) << 16 | u32::from(b[1]) << 8 | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(ABC[(n >> (18 - 6 * i) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// The first `src`/`href`/import in `html` that starts at a host's root (`/x`, not `//host` or a
/// relative path), if any.
pub fn absolute_reference(html: &str) -> Option<String> {
    // Quoted, and unquoted as a minified page writes them.
    let openers = [
        "src=\"", "href=\"", "src='", "href='", "src=", "href=", "from '", "from \"", "import('",
    ];
    for opener in openers {
        for (at, _) in html.match_indices(opener) {
            let rest = &html[at + opener.len()..];
            if rest.starts_with('/') && !rest.starts_with("//") {
                let end = rest.find(['"', '\'', ' ', '>']).unwrap_or(rest.len());
                return Some(rest[..end].to_string());
            }
        }
    }
    None
}

/// Every `.html` file under `dir`, sorted.
fn html_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut todo = vec![dir.to_path_buf()];
    while let Some(d) = todo.pop() {
        for entry in std::fs::read_dir(&d).into_iter().flatten().flatten() {
            let path = entry.path();
            if path.is_dir() {
                todo.push(path);
            } else if path.extension().is_some_and(|x| x == "html") {
                out.push(path);
            }
        }
    }
    out.sort();
    out
}

#[cfg(test)]
mod tests {
    use super::{absolute_reference, base64, json_string};

    #[test]
    fn json_strings_escape_quotes_lines_and_script_ends() {
        assert_eq!(
            json_string("a \"b\"\n</script>\\"),
            r#""a \"b\"\n\u003c/script>\\""#
        );
    }

    #[test]
    fn base64_is_the_standard_alphabet_with_padding() {
        assert_eq!(base64(b""), "");
        assert_eq!(base64(b"f"), "Zg==");
        assert_eq!(base64(b"fo"), "Zm8=");
        assert_eq!(base64(b"foo"), "Zm9v");
        assert_eq!(base64(&[0xfb, 0xff, 0x00, 0x01]), "+/8AAQ==");
    }

    #[test]
    fn absolute_paths_are_caught_and_relative_ones_pass() {
        let ok = r#"<link rel="stylesheet" href="./style-1.css"><script type="module">
            import init from './pbft-web-2.js'; init({ module_or_path: './pbft-web-2_bg.wasm' });
            </script><a href="https://example.org/">x</a><img src="//cdn/x.png"><a href="?embed=1">"#;
        assert_eq!(absolute_reference(ok), None);
        let bad = r#"<script type="module">import init from '/pbft-web-2.js';</script>"#;
        assert_eq!(absolute_reference(bad).as_deref(), Some("/pbft-web-2.js"));
        let bad = r#"<link href="/style.css">"#;
        assert_eq!(absolute_reference(bad).as_deref(), Some("/style.css"));
        let bad = r#"<link rel=stylesheet href=/style.css>"#;
        assert_eq!(absolute_reference(bad).as_deref(), Some("/style.css"));
    }
}
