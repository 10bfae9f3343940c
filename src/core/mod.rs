//! The numerical core: pure Rust, no web dependency, tested natively.

pub mod activation;
pub mod colormap;
pub mod contour;
pub mod critical;
pub mod embed;
pub mod fast_math;
pub mod fast_slice;
pub mod flow;
pub mod network;
pub mod newton;
pub mod objective;
pub mod optim;
pub mod plane;
pub mod population;
pub mod record;
pub mod rng;
pub mod simd;
pub mod slice;
pub mod slice_view;
pub mod spectrum;
pub mod task;
pub mod train;
