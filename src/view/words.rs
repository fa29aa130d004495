//! The log's sentences: the engine's (`pbft_engine::words`), shared with the ShiViz export so the
//! live view and a ShiViz log say the same thing about the same event.

pub use pbft_engine::words::*;
