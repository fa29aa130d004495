//! # pbft-web
//!
//! The browser visualizer: a Yew app that animates one PBFT run of the `pbft-engine`
//! simulator message by message.
//!
//! - [`state`]: the app state as a Yew `Reducible`; it owns the run and derives the view-model.
//! - [`timeline`]: the engine run driven in virtual time, and what it emitted so far.
//! - [`view`]: pure functions from the run to what the components draw.
//! - [`url`]: the scenario in the page's query string.
//! - [`export`]: downloads (sweep points in the engine's columns, traces).
//! - [`components`]: one component per file; they draw props and emit [`state::Action`]s.
//! - [`app`]: the live view's root component, the animation loop and the page-wide listeners.
//! - [`embed`]: the embed layout (`?embed=1`) and its page API; [`experiments`]: the sweeps.
//! - [`root`]: which of the three a page shows.
//! - [`tour`]: guided tours, parsed from text files the page fetches on demand.

pub mod app;
pub mod components;
pub mod embed;
pub mod experiments;
pub mod export;
pub mod root;
pub mod state;
pub mod timeline;
pub mod tour;
pub mod url;
pub mod view;

pub use app::App;
