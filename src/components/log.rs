//! The event log: every event of the run so far in words (sends, deliveries, losses, timers,
//! commits, view changes, the client's accepts), with its virtual time, newest first,
//! filterable by node and by kind or message phase. A row is a link to its moment: clicking it
//! (or Enter on it) goes to the state just after that event.
//!
//! Only the rows in the scroll box's view (plus [`OVERSCAN`] each side) are in the DOM, between
//! two spacers that keep the scrollbar's size for all of them, and only those rows' words are
//! made ([`crate::view::LogView::row`]): rendering every row made each seek lay out thousands
//! of objects. Rows are one line of [`ROW_HEIGHT`] px, long texts ellipsised with the full text
//! in `title`, and keyed by their place among the matching events counted from the oldest, so
//! an event arriving at the top moves no other row's key.

use super::Dispatch;
use crate::state::{Action, Detail};
use crate::view::log::kind_options;
use crate::view::{fmt_ms, Shared};
use pbft_engine::NodeId;
use std::ops::Range;
use yew::prelude::*;

/// Height of one row in CSS px; `.log-row` in www/style.css has the same.
pub const ROW_HEIGHT: f64 = 22.0;
/// Rows rendered beyond each edge of the view, so that a short scroll shows no gap.
pub const OVERSCAN: usize = 6;
/// The view's height until the first scroll says it: `.log-rows`' largest max-height.
const VIEWPORT: f64 = 260.0;

/// The rows to render when a box `viewport` px high holding `rows` rows of `row_height` px is
/// scrolled `scroll_top` px down: those at least partly in view plus [`OVERSCAN`] each side. An
/// offset past the end (the rows just shrank) counts as scrolled to the bottom, where the
/// browser is about to clamp it.
pub fn visible_rows(scroll_top: f64, row_height: f64, viewport: f64, rows: usize) -> Range<usize> {
    let viewport = viewport.max(0.0);
    let top = scroll_top.min(rows as f64 * row_height - viewport).max(0.0);
    let first = (top / row_height).floor() as usize;
    let last = ((top + viewport) / row_height).ceil() as usize;
    first.saturating_sub(OVERSCAN).min(rows)..last.saturating_add(OVERSCAN).min(rows)
}

#[derive(Properties, PartialEq)]
pub struct Props {
    pub detail: Shared<Detail>,
    /// Endpoints the node filter offers (replicas, then clients).
    pub endpoints: u32,
    pub node: Option<NodeId>,
    pub kind: Option<String>,
    pub dispatch: Dispatch,
}

fn selected_value(e: &Event) -> String {
    e.target_unchecked_into::<web_sys::HtmlSelectElement>()
        .value()
}

fn filters(p: &Props) -> Html {
    let on_node = p
        .dispatch
        .reform(|e: Event| Action::FilterNode(selected_value(&e).parse().ok()));
    let on_kind = p.dispatch.reform(|e: Event| {
        let v = selected_value(&e);
        Action::FilterKind((!v.is_empty()).then_some(v))
    });
    let names = p.detail.log.names;
    html! {
        <>
            <label for="log-node">{ "Node" }</label>
            <select id="log-node" onchange={on_node}>
                <option value="" selected={p.node.is_none()}>{ "all" }</option>
                { for (0..p.endpoints).map(|i| html! {
                    <option value={i.to_string()} selected={p.node == Some(i)}>{ names.endpoint(i) }</option>
                }) }
            </select>
            <label for="log-kind">{ "Kind" }</label>
            <select id="log-kind" onchange={on_kind}>
                <option value="" selected={p.kind.is_none()}>{ "all" }</option>
                { for kind_options().into_iter().map(|(value, label)| {
                    let selected = p.kind.as_deref() == Some(value.as_str());
                    html! { <option value={value} {selected}>{ label }</option> }
                }) }
            </select>
        </>
    }
}

#[function_component(Log)]
pub fn log(p: &Props) -> Html {
    // Scroll offset and height of the view, from its last scroll event.
    let view = use_state_eq(|| (0.0, VIEWPORT));
    let on_scroll = {
        let view = view.clone();
        Callback::from(move |e: Event| {
            let el = e.target_unchecked_into::<web_sys::Element>();
            view.set((f64::from(el.scroll_top()), f64::from(el.client_height())));
        })
    };
    let log = &p.detail.log;
    let total = log.len();
    let win = visible_rows(view.0, ROW_HEIGHT, view.1, total);
    let spacer = |rows: usize| format!("height:{}px", rows as f64 * ROW_HEIGHT);
    let row = |i: usize| -> Html {
        let Some(r) = log.row(i) else {
            return html! {};
        };
        let index = r.index;
        let go = p.dispatch.reform(move |_| Action::GoToEvent(index));
        let key_go = p.dispatch.clone();
        let onkeydown = Callback::from(move |e: KeyboardEvent| {
            if e.key() == "Enter" {
                key_go.emit(Action::GoToEvent(index));
            }
        });
        html! {
            <div class="log-row" data-kind={r.kind} data-event={index.to_string()} key={total - i}
                role="button" tabindex="-1" onclick={go} {onkeydown}
                title={format!("{} — click to go to this moment", r.text)}>
                <span class="t">{ fmt_ms(r.time_us) }</span>
                <span class="kind">{ r.kind }</span>
                <span class="text">{ r.text }</span>
            </div>
        }
    };
    html! {
        <div class="log">
            <div class="log-head">
                <h2>{ "Event log" }</h2>
                { filters(p) }
                <span class="log-count" data-testid="log-count">{ format!("{total} events") }</span>
            </div>
            <div class="log-rows" role="log" tabindex="0" aria-label="Event log, newest first; click a row to go to that moment"
                onscroll={on_scroll}>
                <div style={spacer(win.start)}></div>
                // Its own element: a keyed list among the unkeyed spacers would be diffed unkeyed.
                <div>{ for win.clone().map(row) }</div>
                <div style={spacer(total - win.end)}></div>
                if total == 0 {
                    <p class="empty">{ "Nothing has happened yet." }</p>
                }
            </div>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn at_the_top_the_view_and_the_overscan_below_it() {
        // 260 px of 22 px rows: 12 rows, the last partly in view.
        assert_eq!(visible_rows(0.0, 22.0, 260.0, 200), 0..12 + OVERSCAN);
    }

    #[test]
    fn scrolled_the_view_with_overscan_both_sides() {
        // 100 px down: rows 4 (partly hidden at the top) to 16 (partly shown at the bottom);
        // the overscan above reaches row 0.
        assert_eq!(visible_rows(100.0, 22.0, 260.0, 200), 0..17 + OVERSCAN);
        let w = visible_rows(2200.0, 22.0, 260.0, 200);
        assert_eq!(w, 100 - OVERSCAN..112 + OVERSCAN);
    }

    #[test]
    fn few_rows_are_all_rendered() {
        assert_eq!(visible_rows(0.0, 22.0, 260.0, 5), 0..5);
        assert_eq!(visible_rows(0.0, 22.0, 260.0, 0), 0..0);
    }

    #[test]
    fn the_bottom_ends_at_the_last_row() {
        let bottom = 200.0 * 22.0 - 260.0;
        assert_eq!(visible_rows(bottom, 22.0, 260.0, 200), 188 - OVERSCAN..200);
    }

    #[test]
    fn an_offset_past_the_end_shows_the_bottom_rows() {
        // The filter left 30 rows while the box was scrolled to row 150.
        let w = visible_rows(150.0 * 22.0, 22.0, 260.0, 30);
        assert_eq!(w, visible_rows(30.0 * 22.0 - 260.0, 22.0, 260.0, 30));
        assert_eq!(w.end, 30);
        assert!(w.len() >= 12, "{w:?}");
    }

    #[test]
    fn every_row_in_view_is_rendered_at_any_offset() {
        for (viewport, rows) in [(260.0, 200), (200.0, 200), (260.0, 13), (37.0, 50)] {
            let max = (rows as f64 * ROW_HEIGHT - viewport).max(0.0);
            let mut top = 0.0;
            while top <= max {
                let w = visible_rows(top, ROW_HEIGHT, viewport, rows);
                let first = (top / ROW_HEIGHT) as usize;
                let last = (((top + viewport) / ROW_HEIGHT).ceil() as usize).min(rows);
                assert!(w.start <= first && last <= w.end, "top {top}: {w:?}");
                assert!(w.len() <= (viewport / ROW_HEIGHT) as usize + 2 + 2 * OVERSCAN);
                top += 7.5;
            }
        }
    }
}
