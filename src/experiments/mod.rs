//! The science engine: the experiments of the science notes as pure functions of their settings
//! and seeds, returning data (no drawing, no web code). Natively they use every core (rayon);
//! in wasm the same code runs single-threaded.

pub mod census;
pub mod escape;
pub mod outcome;
pub mod parallel;
pub mod staged;
pub mod stats;
pub mod subspace;
pub mod sweep;
pub mod tickets;
