//! # Escape Dimensions Explorer
//!
//! Trains small teacher-student networks live in the browser and shows why wider networks
//! train better: loss curves, loss-landscape slices and trajectories.
//!
//! Modules:
//! - [`core`]: the pure numerical core (no web dependency, tested natively with `cargo test`):
//!   - [`core::activation`]: tanh, ReLU, softplus, erf with first and second derivatives;
//!   - [`core::rng`]: seeded, platform-independent random streams;
//!   - [`core::task`]: the teacher network and its standardised regression data;
//!   - [`core::network`]: one-hidden-layer networks in a flat parameter vector ([`core::network::Shape`]);
//!   - [`core::objective`]: mean squared error, its gradient and exact Hessian;
//!   - [`core::spectrum`]: symmetric eigen-decomposition (nalgebra);
//!   - [`core::optim`]: gradient descent, momentum, Adam;
//!   - [`core::record`]: bounded, thinning records of loss and trajectory;
//!   - [`core::train`]: training runs with divergence detection;
//!   - [`core::plane`]: slice planes (filter-normalised random, PCA, Hessian eigenvectors) and projection;
//!   - [`core::slice`]: loss grids over a plane, computed a few rows at a time or shared out by rows;
//!   - [`core::fast_slice`]: the 32-bit SIMD loss evaluator over a plane that draws slices;
//!   - [`core::fast_math`]: branch-free SIMD `exp` and `tanh`, bit-identical natively and in wasm;
//!   - [`core::simd`]: the four-lane vectors of the hot loops and the choice at run time of AVX2 or the SSE2 baseline (bit-identical);
//!   - [`core::contour`]: marching-squares contour lines;
//!   - [`core::colormap`]: viridis and log colour scales, RGBA heatmaps;
//!   - [`core::embed`]: widening a network (neuron splitting, zero-output neurons, scaled neurons);
//!   - [`core::newton`]: Newton polishing of end points and their classification by spectrum;
//!   - [`core::flow`]: gradient flow by an L-stable Rosenbrock method with error control;
//!   - [`core::critical`]: convergence to a critical point of any index, and its type;
//!   - [`core::population`]: the population loss of bias-free erf and ReLU networks in closed form.
//! - [`experiments`]: the science engine, each experiment a pure function of settings and seeds:
//!   - [`experiments::sweep`]: success rate against width, with the lottery predictions;
//!   - [`experiments::tickets`]: neuron-level and weight-level (pruning) lottery tickets;
//!   - [`experiments::escape`]: escape from bad minima by embedding in a wider network;
//!   - [`experiments::subspace`]: training in random subspaces (intrinsic dimension);
//!   - [`experiments::census`]: the census of minima per width, and what widening does to each bad one;
//!   - [`experiments::staged`]: every experiment as rounds of independent jobs (for clusters: the Python package's Dask runs);
//!   - [`experiments::outcome`], [`experiments::stats`], [`experiments::parallel`]: shared parts.
//! - `figures` (binary, native): runs every experiment and writes CSV, SVG and a summary.
//! - [`charts`]: every chart (experiments, spectrum, loss, fit, slice) on any plotters backend, SVG (figures, tests) or canvas (page), and the one palette ([`charts::palette`]).
//! - [`tables`]: CSV tables of the experiments (figures command and page exports).
//! - [`jobs`]: the text protocol of the browser's workers (experiments, slice rows), and the code they run.
//! - [`settings`]: the one table of user settings, URL hash parsing with clamping, serialisation.
//! - [`story`]: the guided story's pages, presets and claims computed from the scenes' evidence.
//! - [`glossary`]: the terms the page uses, explained (its Terms dialog and control tooltips).
//! - `web` (wasm32 only): DOM wiring, the animation loop, canvas rendering, the panic panel.

pub mod charts;
pub mod core;
pub mod experiments;
#[cfg(not(target_arch = "wasm32"))]
pub mod figures;
pub mod glossary;
pub mod jobs;
pub mod settings;
pub mod story;
pub mod tables;

#[cfg(target_arch = "wasm32")]
pub mod web;
