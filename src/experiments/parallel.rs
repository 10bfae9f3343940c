//! A parallel map: rayon over all cores natively, a plain loop in wasm (where the browser's
//! web workers provide parallelism at a higher level).

/// Applies `f` to every item, in parallel where available, keeping the order.
#[cfg(not(target_arch = "wasm32"))]
pub fn par_map<T: Sync, R: Send>(items: &[T], f: impl Fn(&T) -> R + Sync + Send) -> Vec<R> {
    use rayon::prelude::*;
    items.par_iter().map(f).collect()
}

/// Applies `f` to every item, in order.
#[cfg(target_arch = "wasm32")]
pub fn par_map<T: Sync, R: Send>(items: &[T], f: impl Fn(&T) -> R + Sync + Send) -> Vec<R> {
    items.iter().map(f).collect()
}
