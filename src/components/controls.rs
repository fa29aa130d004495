//! The scenario form: one field per engine parameter, built from the engine's parameter table
//! (`pbft_engine::PARAMS`: the CLI flag names, labels, units, choices, what an empty field
//! means), so parameters the engine adds later appear without changes here. Each field shows
//! the engine's own validation sentence beside it; a value in error never starts a run.

use super::Dispatch;
use crate::state::Action;
use crate::url::{IGNORED, MAX_BROWSER_NODES};
use pbft_engine::config::params::spec;
use pbft_engine::{NodeId, PARAMS};
use std::collections::BTreeMap;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub texts: BTreeMap<String, String>,
    pub errors: BTreeMap<String, String>,
    pub byzantine_nodes: Option<Vec<NodeId>>,
    pub dispatch: Dispatch,
}

/// A person's label for a parameter, with its unit (unknown ones show their flag name).
pub fn label(name: &str) -> String {
    match spec(name) {
        // The browser draws fewer nodes than the engine runs.
        Some(p) if p.name == "nodes" => format!("{} (1–{MAX_BROWSER_NODES})", p.label),
        Some(p) => p.label_with_unit(),
        None => name.replace('-', " "),
    }
}

/// A random seed for the "new seed" button, from the browser's `crypto.getRandomValues`. 32 bits
/// keep a shared link short; the seed space stays far larger than anyone will explore by hand.
fn random_seed() -> u64 {
    let mut bytes = [0u8; 4];
    // Without a random source (never in a browser) the button still changes the run.
    if getrandom::getrandom(&mut bytes).is_err() {
        return u64::from(js_sys::Date::now() as u32);
    }
    u64::from(u32::from_le_bytes(bytes))
}

#[function_component(Controls)]
pub fn controls(p: &Props) -> Html {
    let field = |name: &'static str| -> Html {
        let id = format!("f-{name}");
        let err_id = format!("err-{name}");
        let value = p.texts.get(name).cloned().unwrap_or_default();
        let error = p.errors.get(name);
        let dispatch = p.dispatch.clone();
        let onchange = Callback::from(move |e: Event| {
            let v = match e.target_dyn_into::<web_sys::HtmlSelectElement>() {
                Some(sel) => sel.value(),
                None => e
                    .target_unchecked_into::<web_sys::HtmlInputElement>()
                    .value(),
            };
            dispatch.emit(Action::SetParam(name.to_string(), v));
        });
        // Enter commits a text field too (not every browser fires `change` on it).
        let onkeydown = {
            let dispatch = p.dispatch.clone();
            Callback::from(move |e: KeyboardEvent| {
                if e.key() == "Enter" {
                    e.prevent_default();
                    let v = e
                        .target_unchecked_into::<web_sys::HtmlInputElement>()
                        .value();
                    dispatch.emit(Action::SetParam(name.to_string(), v));
                }
            })
        };
        let spec = spec(name);
        let input = match spec.and_then(|p| p.choices()) {
            Some(options) => html! {
                <select id={id.clone()} name={name} {onchange}
                    aria-invalid={error.is_some().to_string()}>
                    { for options.iter().map(|o| html! {
                        <option value={*o} selected={value == *o}>{ *o }</option>
                    }) }
                </select>
            },
            None => html! {
                <input id={id.clone()} name={name} type="text" value={value}
                    placeholder={spec.map(|p| p.placeholder())} {onchange} {onkeydown} spellcheck="false"
                    aria-invalid={error.is_some().to_string()}
                    aria-describedby={error.map(|_| err_id.clone())} />
            },
        };
        let extra = match name {
            "seed" => {
                let d = p.dispatch.clone();
                html! {
                    <button class="small" onclick={Callback::from(move |_| d.emit(Action::NewSeed(random_seed())))}>
                        { "New seed" }
                    </button>
                }
            }
            "byzantine" if p.byzantine_nodes.is_some() => html! {
                <button class="small" onclick={p.dispatch.reform(|_| Action::RandomPlacement)}>
                    { "Random placement" }
                </button>
            },
            _ => html! {},
        };
        html! {
            <div class={classes!("field", error.map(|_| "invalid"))} data-field={name}>
                <label for={id}>{ label(name) }</label>
                <div class="field-row">{ input }{ extra }</div>
                if let Some(msg) = error {
                    <p class="field-error" id={err_id} role="alert">{ msg }</p>
                }
            </div>
        }
    };
    html! {
        <form class="controls" onsubmit={Callback::from(|e: SubmitEvent| e.prevent_default())}>
            <h2>{ "Scenario" }</h2>
            { for PARAMS.iter().map(|p| p.name).filter(|n| !IGNORED.contains(n)).map(field) }
            if !p.errors.is_empty() {
                <p class="form-note">{ "Fix the highlighted field to run; the last valid scenario stays on screen." }</p>
            }
        </form>
    }
}

#[cfg(test)]
mod tests {
    use super::label;
    use pbft_engine::PARAMS;

    #[test]
    fn every_form_parameter_has_a_written_label() {
        // `trials` belongs to the Experiments form, which labels it itself.
        for name in PARAMS.iter().map(|p| p.name).filter(|&n| n != "trials") {
            let text = label(name);
            assert!(
                text.starts_with(|c: char| c.is_uppercase()),
                "{name} falls back to its flag name: {text:?}"
            );
        }
    }
}
