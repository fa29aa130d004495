//! The "Share & embed" dialog of the full page: a link to this run at this moment, and the
//! `<iframe>` code that embeds it, with size presets and the embed options (autoplay, loop,
//! controls, start at this moment), each with a Copy button.
//!
//! The link and the code are built by pure functions ([`moment_link`], [`iframe_code`]), tested
//! natively; the component holds only what the reader chose.

use super::options::{with_pairs, EmbedOptions};
use crate::url::{self, ViewParams};
use pbft_engine::Config;
use wasm_bindgen::{JsCast, JsValue};
use yew::prelude::*;

/// The frame sizes offered, width × height in CSS pixels.
pub const SIZES: [(u32, u32); 4] = [(320, 240), (480, 320), (700, 450), (960, 600)];

/// The page's address without query or fragment: where links and frames point.
fn base_address() -> String {
    let href = web_sys::window()
        .and_then(|w| w.location().href().ok())
        .unwrap_or_default();
    href.split(['?', '#'])
        .next()
        .unwrap_or_default()
        .to_string()
}

/// The query of `config`'s run, at `t_us` if given (the live view's own moment parameter).
fn moment(config: &Config, t_us: Option<u64>) -> String {
    let view = ViewParams {
        t_us,
        ..ViewParams::default()
    };
    url::query_with_view(config, &view)
}

/// The link to `config`'s run, at `t_us` if given.
pub fn moment_link(base: &str, config: &Config, t_us: Option<u64>) -> String {
    format!("{base}{}", moment(config, t_us))
}

/// The `<iframe>` code embedding `config`'s run at `size`, from `t_us` if given, with `options`.
pub fn iframe_code(
    base: &str,
    config: &Config,
    t_us: Option<u64>,
    size: (u32, u32),
    options: &EmbedOptions,
) -> String {
    let options = EmbedOptions {
        embed: true,
        ..options.clone()
    };
    let src = format!(
        "{base}{}",
        with_pairs(&moment(config, t_us), &options.pairs())
    );
    let title = format!(
        "PBFT simulator: {} protocol, {} nodes",
        config.protocol.name(),
        config.nodes
    );
    format!(
        "<iframe src=\"{}\" width=\"{}\" height=\"{}\" title=\"{title}\" style=\"border:0\" loading=\"lazy\"></iframe>",
        src.replace('&', "&amp;"),
        size.0,
        size.1
    )
}

/// Copies `text` to the clipboard (the asynchronous Clipboard API where the page may use it,
/// else the selected `field` and the older copy command). Whether it was handed over.
fn copy(text: &str, field: &NodeRef) -> bool {
    let clipboard = web_sys::window()
        .and_then(|w| js_sys::Reflect::get(&w, &JsValue::from_str("navigator")).ok())
        .and_then(|n| js_sys::Reflect::get(&n, &JsValue::from_str("clipboard")).ok())
        .filter(|c| !c.is_undefined());
    if let Some(c) = clipboard {
        let write = js_sys::Reflect::get(&c, &JsValue::from_str("writeText")).ok();
        if let Some(f) = write.and_then(|f| f.dyn_into::<js_sys::Function>().ok()) {
            if f.call1(&c, &JsValue::from_str(text)).is_ok() {
                return true;
            }
        }
    }
    if let Some(el) = field.cast::<web_sys::HtmlTextAreaElement>() {
        el.select();
    }
    let doc = web_sys::window().and_then(|w| w.document());
    let exec = doc
        .as_ref()
        .and_then(|d| js_sys::Reflect::get(d, &JsValue::from_str("execCommand")).ok())
        .and_then(|f| f.dyn_into::<js_sys::Function>().ok());
    match (exec, doc) {
        (Some(f), Some(d)) => f.call1(&d, &JsValue::from_str("copy")).is_ok(),
        _ => false,
    }
}

#[derive(Properties, PartialEq)]
pub struct Props {
    pub config: Config,
    /// The moment on screen, µs of virtual time.
    pub now_us: u64,
}

/// What the reader chose in the dialog.
#[derive(Clone, PartialEq)]
struct Choice {
    open: bool,
    at_moment: bool,
    size: usize,
    autoplay: bool,
    looping: bool,
    controls: bool,
    copied: Option<&'static str>,
}

fn checkbox(
    label: &str,
    on: bool,
    choice: &UseStateHandle<Choice>,
    set: fn(&mut Choice, bool),
) -> Html {
    let choice = choice.clone();
    let onchange = Callback::from(move |e: Event| {
        let mut c = (*choice).clone();
        set(
            &mut c,
            e.target_unchecked_into::<web_sys::HtmlInputElement>()
                .checked(),
        );
        c.copied = None;
        choice.set(c);
    });
    html! { <label class="share-check"><input type="checkbox" checked={on} {onchange} />{ label }</label> }
}

/// A read-only text of `value` with a Copy button; `what` names it in the confirmation.
fn copy_field(
    id: &str,
    label: &str,
    value: &str,
    what: &'static str,
    choice: &UseStateHandle<Choice>,
    field: &NodeRef,
) -> Html {
    let onclick = {
        let (choice, value, field) = (choice.clone(), value.to_string(), field.clone());
        Callback::from(move |_: MouseEvent| {
            let ok = copy(&value, &field);
            choice.set(Choice {
                copied: Some(if ok { what } else { "select and copy by hand" }),
                ..(*choice).clone()
            });
        })
    };
    html! {
        <div class="share-field">
            <label for={id.to_string()}>{ label }</label>
            <div class="share-row">
                <textarea id={id.to_string()} ref={field.clone()} readonly=true rows="3"
                    value={value.to_string()} spellcheck="false" />
                <button class="small" {onclick} data-testid={format!("copy-{id}")}>{ "Copy" }</button>
            </div>
        </div>
    }
}

/// A callback that opens or closes the dialog.
fn set_open(choice: &UseStateHandle<Choice>, open: bool) -> Callback<MouseEvent> {
    let choice = choice.clone();
    Callback::from(move |_: MouseEvent| {
        choice.set(Choice {
            open,
            copied: None,
            ..(*choice).clone()
        })
    })
}

/// Escape closes the dialog.
fn escape_closes(choice: &UseStateHandle<Choice>) -> Callback<KeyboardEvent> {
    let choice = choice.clone();
    Callback::from(move |e: KeyboardEvent| {
        if e.key() == "Escape" {
            choice.set(Choice {
                open: false,
                copied: None,
                ..(*choice).clone()
            });
        }
    })
}

/// The frame size presets as radio buttons.
fn size_choices(c: &Choice, choice: &UseStateHandle<Choice>) -> Html {
    let sizes = SIZES.iter().enumerate().map(|(i, &(w, h))| {
        let choice = choice.clone();
        let onchange = Callback::from(move |_: Event| {
            choice.set(Choice {
                size: i,
                copied: None,
                ..(*choice).clone()
            })
        });
        html! {
            <label class="share-check">
                <input type="radio" name="share-size" checked={i == c.size} {onchange} />
                { format!("{w} × {h}") }
            </label>
        }
    });
    html! { <div class="share-sizes">{ for sizes }</div> }
}

/// The link and the `<iframe>` code for what the reader chose.
fn link_and_code(p: &Props, c: &Choice) -> (String, String) {
    let base = base_address();
    let t_us = (c.at_moment && p.now_us > 0).then_some(p.now_us);
    let options = EmbedOptions {
        autoplay: c.autoplay,
        looping: c.looping,
        controls: c.controls,
        ..EmbedOptions::default()
    };
    (
        moment_link(&base, &p.config, t_us),
        iframe_code(&base, &p.config, t_us, SIZES[c.size], &options),
    )
}

#[function_component(Share)]
pub fn share(p: &Props) -> Html {
    let choice = use_state(|| Choice {
        open: false,
        at_moment: true,
        size: 2,
        autoplay: false,
        looping: false,
        controls: true,
        copied: None,
    });
    let (link_field, code_field, dialog) = (use_node_ref(), use_node_ref(), use_node_ref());
    // Opened, the dialog takes the focus (Escape and Tab then work inside it).
    use_effect_with((choice.open, dialog.clone()), |(open, dialog)| {
        if let Some(el) = open
            .then(|| dialog.cast::<web_sys::HtmlElement>())
            .flatten()
        {
            let _ = el.focus();
        }
    });
    let c = &*choice;
    let button = html! {
        <button class="share-open" onclick={set_open(&choice, true)} data-testid="share"
            aria-haspopup="dialog">{ "Share & embed" }</button>
    };
    if !c.open {
        return button;
    }
    let (link, code) = link_and_code(p, c);
    let moment = format!("At this moment ({})", crate::view::fmt_ms(p.now_us));
    html! {
        <>
        { button }
        <div class="share-backdrop">
            <div class="share-dialog" role="dialog" aria-modal="true" aria-labelledby="share-title"
                data-testid="share-dialog" ref={dialog} tabindex="-1" onkeydown={escape_closes(&choice)}>
                <h2 id="share-title">{ "Share & embed" }</h2>
                { checkbox(&moment, c.at_moment, &choice, |c, on| c.at_moment = on) }
                { copy_field("share-link", "Link to this run", &link, "link copied", &choice, &link_field) }
                <fieldset class="share-options">
                    <legend>{ "Embed in a course page" }</legend>
                    { size_choices(c, &choice) }
                    { checkbox("Play at once", c.autoplay, &choice, |c, on| c.autoplay = on) }
                    { checkbox("Loop", c.looping, &choice, |c, on| c.looping = on) }
                    { checkbox("Show the controls", c.controls, &choice, |c, on| c.controls = on) }
                </fieldset>
                { copy_field("share-code", "Embed code", &code, "code copied", &choice, &code_field) }
                <p class="share-note">
                    { "A page can drive the frame and hear what happens in it (the page API): see " }
                    <a href="examples/course-page.html" target="_blank" rel="noopener">{ "the example course page" }</a>
                    { "." }
                </p>
                <div class="share-foot">
                    <span role="status" class="share-copied">{ c.copied.unwrap_or_default() }</span>
                    <button class="small" onclick={set_open(&choice, false)} data-testid="share-close">{ "Close" }</button>
                </div>
            </div>
        </div>
        </>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_link_and_the_code_carry_the_run_the_moment_and_the_options() {
        let config = Config::for_protocol(pbft_engine::Protocol::Pbft);
        let base = "https://example.org/pbft/";
        assert_eq!(
            moment_link(base, &config, Some(140_500)),
            "https://example.org/pbft/?protocol=pbft&t=140.5"
        );
        let options = EmbedOptions {
            autoplay: true,
            controls: false,
            ..EmbedOptions::default()
        };
        let code = iframe_code(base, &config, None, (700, 450), &options);
        assert_eq!(
            code,
            "<iframe src=\"https://example.org/pbft/?protocol=pbft&amp;embed=1&amp;autoplay=1&amp;controls=0\" \
             width=\"700\" height=\"450\" title=\"PBFT simulator: pbft protocol, 4 nodes\" \
             style=\"border:0\" loading=\"lazy\"></iframe>"
        );
    }
}
