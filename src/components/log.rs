//! The event log: every send, delivery, drop, timer, commit (and, with protocols that have
//! them, view changes) with its virtual time, newest first, filterable by node and kind.

use super::Dispatch;
use crate::state::{Action, Detail};
use crate::view::{fmt_ms, Shared, MAX_LOG_ROWS};
use pbft_engine::NodeId;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub detail: Shared<Detail>,
    pub nodes: u32,
    pub node: Option<NodeId>,
    pub kind: Option<String>,
    pub dispatch: Dispatch,
}

fn selected_value(e: &Event) -> String {
    e.target_unchecked_into::<web_sys::HtmlSelectElement>()
        .value()
}

#[function_component(Log)]
pub fn log(p: &Props) -> Html {
    let on_node = p
        .dispatch
        .reform(|e: Event| Action::FilterNode(selected_value(&e).parse().ok()));
    let on_kind = p.dispatch.reform(|e: Event| {
        let v = selected_value(&e);
        Action::FilterKind((!v.is_empty()).then_some(v))
    });
    let s = &p.detail;
    html! {
        <div class="log">
            <div class="log-head">
                <h2>{ "Event log" }</h2>
                <label for="log-node">{ "Node" }</label>
                <select id="log-node" onchange={on_node}>
                    <option value="" selected={p.node.is_none()}>{ "all" }</option>
                    { for (0..p.nodes).map(|i| html! {
                        <option value={i.to_string()} selected={p.node == Some(i)}>{ i }</option>
                    }) }
                </select>
                <label for="log-kind">{ "Kind" }</label>
                <select id="log-kind" onchange={on_kind}>
                    <option value="" selected={p.kind.is_none()}>{ "all" }</option>
                    { for s.kinds.iter().map(|k| html! {
                        <option value={*k} selected={p.kind.as_deref() == Some(*k)}>{ *k }</option>
                    }) }
                </select>
                <span class="log-count" data-testid="log-count">
                    { if s.log_total > MAX_LOG_ROWS {
                        format!("newest {MAX_LOG_ROWS} of {} events", s.log_total)
                    } else {
                        format!("{} events", s.log_total)
                    } }
                </span>
            </div>
            <div class="log-rows" role="log" tabindex="0" aria-label="Event log, newest first">
                <table>
                    <tbody>
                        { for s.log.iter().map(|r| html! {
                            <tr class="log-row" data-kind={r.kind}>
                                <td class="t">{ fmt_ms(r.time_us) }</td>
                                <td><span class="kind">{ r.kind }</span></td>
                                <td>{ &r.text }</td>
                            </tr>
                        }) }
                    </tbody>
                </table>
                if s.log.is_empty() {
                    <p class="empty">{ "Nothing has happened yet." }</p>
                }
            </div>
        </div>
    }
}
