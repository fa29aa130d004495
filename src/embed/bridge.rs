//! The page API's browser side: a command message read from a `MessageEvent` into an
//! [`api::Message`], and events posted to the framing page as plain objects tagged with
//! [`api::SOURCE`] and the frame's `id`.

use super::api::{self, Message};
use js_sys::{Array, Object, Reflect};
use wasm_bindgen::{JsCast, JsValue};

/// The page that frames this one, if any (a top-level page has none).
pub fn parent() -> Option<web_sys::Window> {
    let window = web_sys::window()?;
    let parent = window.parent().ok().flatten()?;
    (!Object::is(&parent, &window)).then_some(parent)
}

fn field(data: &JsValue, name: &str) -> Option<JsValue> {
    Reflect::get(data, &JsValue::from_str(name))
        .ok()
        .filter(|v| !v.is_undefined() && !v.is_null())
}

/// A value as URL text: strings as they are, numbers printed, booleans as 1/0.
fn as_text(v: &JsValue) -> String {
    if let Some(s) = v.as_string() {
        s
    } else if let Some(b) = v.as_bool() {
        if b { "1" } else { "0" }.to_string()
    } else {
        js_sys::JSON::stringify(v)
            .map(String::from)
            .unwrap_or_default()
    }
}

/// `load`'s params: a query string, or an object of names and values.
fn params(v: &JsValue) -> Vec<(String, String)> {
    if let Some(s) = v.as_string() {
        return crate::url::query_pairs(&s);
    }
    let Some(obj) = v.dyn_ref::<Object>() else {
        return Vec::new();
    };
    Object::entries(obj)
        .iter()
        .filter_map(|pair| {
            let pair: Array = pair.dyn_into().ok()?;
            Some((pair.get(0).as_string()?, as_text(&pair.get(1))))
        })
        .collect()
}

/// The command in `data`, if it is one: an object with a string `type` that is not one of our
/// own events (a page may relay them).
pub fn read(data: &JsValue) -> Option<Message> {
    if !data.is_object()
        || field(data, "source").and_then(|s| s.as_string()).as_deref() == Some(api::SOURCE)
    {
        return None;
    }
    Some(Message {
        kind: field(data, "type")?.as_string()?,
        time_ms: field(data, "time_ms").and_then(|v| v.as_f64()),
        params: field(data, "params").map(|v| params(&v)),
        name: field(data, "name").map(|v| as_text(&v)),
        step: field(data, "step").and_then(|v| v.as_f64()),
    })
}

/// Posts the event `kind` with `fields` to the framing page (nothing when not framed).
pub fn post(id: &str, kind: &str, fields: &[(&str, JsValue)]) {
    let Some(parent) = parent() else {
        return;
    };
    let event = Object::new();
    let set = |k: &str, v: &JsValue| {
        let _ = Reflect::set(&event, &JsValue::from_str(k), v);
    };
    set("source", &JsValue::from_str(api::SOURCE));
    set("id", &JsValue::from_str(id));
    set("type", &JsValue::from_str(kind));
    for (k, v) in fields {
        set(k, v);
    }
    // Nothing in an event is private: any page may frame the simulator and hear it.
    let _ = parent.post_message(&event, "*");
}

/// µs as ms for an event field.
pub fn ms(t_us: u64) -> JsValue {
    JsValue::from_f64(t_us as f64 / 1000.0)
}
