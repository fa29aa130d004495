//! The app's components, one per file. Each receives view-model props and emits
//! [`crate::state::Action`]s through a `dispatch` callback; none touches the engine.

pub mod banner;
pub mod controls;
pub mod dots;
pub mod graph;
pub mod inspector;
pub mod legend;
pub mod log;
pub mod spacetime;
pub mod trace;
pub mod transport;

use crate::state::Action;
use yew::Callback;

/// How components send actions to the reducer.
pub type Dispatch = Callback<Action>;
