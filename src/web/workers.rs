//! A pool of experiment web workers (one per core the browser reports), fed from a queue of
//! text jobs ([`crate::jobs`]). Results are collected in a queue that the scenes drain each
//! frame. Cancelling terminates the workers; a later start makes new ones. Where workers cannot
//! be created, jobs run on the page, one per frame.

use crate::jobs::{self, JobResult};
use crate::web::dom;
use std::cell::RefCell;
use std::collections::VecDeque;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{Blob, BlobPropertyBag, MessageEvent, Url, Worker};

/// Most workers started, whatever the browser reports.
const MAX_WORKERS: usize = 16;

struct Slot {
    worker: Worker,
    ready: bool,
    busy: bool,
}

#[derive(Default)]
struct Pool {
    slots: Vec<Slot>,
    queue: VecDeque<String>,
    results: Vec<JobResult>,
    errors: Vec<String>,
    generation: u32,
    total: usize,
    done: usize,
    fallback: bool,
}

thread_local! {
    static POOL: RefCell<Pool> = RefCell::new(Pool::default());
}

/// Number of workers a run uses: the cores the browser reports.
pub fn worker_count() -> usize {
    let cores = dom::window().navigator().hardware_concurrency();
    (cores as usize).clamp(1, MAX_WORKERS)
}

/// Progress of the current batch: `(done, total)`.
pub fn progress() -> (usize, usize) {
    POOL.with(|p| {
        let p = p.borrow();
        (p.done, p.total)
    })
}

/// True while jobs are queued or running.
pub fn busy() -> bool {
    POOL.with(|p| {
        let p = p.borrow();
        p.done < p.total
    })
}

/// True if workers could not be created and jobs run on the page.
pub fn on_page() -> bool {
    POOL.with(|p| p.borrow().fallback)
}

/// Takes the results and errors that arrived since the last call.
pub fn drain() -> (Vec<JobResult>, Vec<String>) {
    POOL.with(|p| {
        let mut p = p.borrow_mut();
        (
            std::mem::take(&mut p.results),
            std::mem::take(&mut p.errors),
        )
    })
}

/// The worker script's URL, relative to the page (so a build served from a sub-path works).
fn asset_url(name: &str) -> Result<String, JsValue> {
    let base = dom::document().base_uri()?.unwrap_or_default();
    Ok(Url::new_with_base(name, &base)?.href())
}

fn spawn(generation: u32, index: usize) -> Result<Worker, JsValue> {
    let script = format!(
        "importScripts({:?}); wasm_bindgen({{ module_or_path: {:?} }});",
        asset_url("worker.js")?,
        asset_url("worker_bg.wasm")?
    );
    let parts = js_sys::Array::of1(&JsValue::from_str(&script));
    let options = BlobPropertyBag::new();
    options.set_type("text/javascript");
    let blob = Blob::new_with_str_sequence_and_options(&parts, &options)?;
    let url = Url::create_object_url_with_blob(&blob)?;
    let worker = Worker::new(&url)?;
    let on_message = Closure::<dyn FnMut(MessageEvent)>::new(move |e: MessageEvent| {
        let text = e.data().as_string().unwrap_or_default();
        on_reply(generation, index, &text);
    });
    worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    on_message.forget();
    let on_error = Closure::<dyn FnMut(web_sys::Event)>::new(move |_| {
        on_reply(
            generation,
            index,
            "error;the worker failed to load or crashed",
        );
    });
    worker.set_onerror(Some(on_error.as_ref().unchecked_ref()));
    on_error.forget();
    Ok(worker)
}

fn on_reply(generation: u32, index: usize, text: &str) {
    POOL.with(|p| {
        let mut p = p.borrow_mut();
        if p.generation != generation || index >= p.slots.len() {
            return;
        }
        if text == "ready" {
            p.slots[index].ready = true;
        } else {
            p.slots[index].busy = false;
            p.done += 1;
            match jobs::decode_result(text) {
                Ok(r) => p.results.push(r),
                Err(_) => {
                    let msg = text.strip_prefix("error;").unwrap_or(text).to_string();
                    p.errors.push(msg);
                }
            }
        }
        dispatch(&mut p);
    });
}

fn dispatch(p: &mut Pool) {
    for i in 0..p.slots.len() {
        if p.queue.is_empty() {
            return;
        }
        if p.slots[i].ready && !p.slots[i].busy {
            if let Some(job) = p.queue.pop_front() {
                p.slots[i].busy = true;
                let _ = p.slots[i].worker.post_message(&JsValue::from_str(&job));
            }
        }
    }
}

/// Cancels everything queued or running.
pub fn cancel() {
    POOL.with(|p| {
        let mut p = p.borrow_mut();
        for s in p.slots.drain(..) {
            s.worker.terminate();
        }
        p.queue.clear();
        p.generation = p.generation.wrapping_add(1);
        p.total = 0;
        p.done = 0;
        p.results.clear();
        p.errors.clear();
    });
}

/// Starts a batch of encoded jobs (cancelling any previous batch).
pub fn start(encoded: Vec<String>) {
    cancel();
    POOL.with(|p| {
        let mut p = p.borrow_mut();
        p.total = encoded.len();
        p.queue = encoded.into();
        let generation = p.generation;
        p.fallback = false;
        for i in 0..worker_count().min(p.total.max(1)) {
            match spawn(generation, i) {
                Ok(worker) => p.slots.push(Slot {
                    worker,
                    ready: false,
                    busy: false,
                }),
                Err(_) => {
                    p.fallback = true;
                    break;
                }
            }
        }
        if p.fallback {
            for s in p.slots.drain(..) {
                s.worker.terminate();
            }
        }
    });
}

/// Without workers: runs one queued job on the page (call once per frame).
pub fn run_one_on_page() {
    let job = POOL.with(|p| {
        let mut p = p.borrow_mut();
        if p.fallback {
            p.queue.pop_front()
        } else {
            None
        }
    });
    if let Some(job) = job {
        let reply = jobs::handle_message(&job);
        POOL.with(|p| {
            let mut p = p.borrow_mut();
            p.done += 1;
            match jobs::decode_result(&reply) {
                Ok(r) => p.results.push(r),
                Err(e) => p.errors.push(e),
            }
        });
    }
}
