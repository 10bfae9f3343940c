//! Entry point of the explorer page (built for wasm32 by Trunk). Natively it only says how to
//! run the explorer.

#[cfg(target_arch = "wasm32")]
fn main() {
    escape_dims::web::start();
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    println!("The explorer runs in the browser: `bash scripts/serve.sh` builds and serves it.");
}
