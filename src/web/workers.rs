//! Pools of web workers (one worker per core the browser reports), fed from queues of text jobs
//! ([`crate::jobs`]). Results are collected in a queue that the scenes drain each frame.
//!
//! Two pools: [`Pool::Experiments`] runs sweeps and tickets (jobs of seconds; cancelling
//! terminates its workers and a later start makes new ones), and [`Pool::Slices`] computes
//! landscape slices a few rows per job (its workers stay loaded; a new batch drops the replies
//! of the old one). Where workers cannot be created, jobs run on the page.

use crate::jobs::{self, JobResult};
use crate::web::dom;
use std::cell::RefCell;
use std::collections::VecDeque;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{Blob, BlobPropertyBag, MessageEvent, Url, Worker};

/// Most workers started, whatever the browser reports.
const MAX_WORKERS: usize = 16;

/// Which pool of workers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Pool {
    /// Sweeps and tickets.
    Experiments,
    /// Landscape slice rows.
    Slices,
}

impl Pool {
    fn index(self) -> usize {
        match self {
            Pool::Experiments => 0,
            Pool::Slices => 1,
        }
    }

    /// Jobs a worker holds at once. Slice jobs are short, so each worker gets the next one
    /// before it finishes the current one and never waits on the page; experiment jobs are
    /// long, and one at a time keeps the last ones spread over all workers.
    fn depth(self) -> usize {
        match self {
            Pool::Experiments => 1,
            Pool::Slices => 2,
        }
    }

    /// Whether workers outlive a batch (loaded once, then reused).
    fn persistent(self) -> bool {
        self == Pool::Slices
    }
}

struct Slot {
    worker: Worker,
    ready: bool,
    /// The batches of the jobs sent to it and not yet answered, oldest first (a worker answers
    /// in order).
    in_flight: VecDeque<u32>,
}

#[derive(Default)]
struct PoolState {
    slots: Vec<Slot>,
    queue: VecDeque<String>,
    results: Vec<JobResult>,
    errors: Vec<String>,
    /// Bumped when workers are terminated: replies of older workers are ignored.
    generation: u32,
    /// Bumped with every batch: replies to jobs of older batches are ignored.
    batch: u32,
    total: usize,
    done: usize,
    fallback: bool,
    /// Jobs sent to a worker ahead of its answers ([`Pool::depth`]).
    depth: usize,
}

thread_local! {
    static POOLS: RefCell<[PoolState; 2]> = RefCell::new(Default::default());
}

/// Runs `f` on the state of `pool`.
fn with_pool<T>(pool: Pool, f: impl FnOnce(&mut PoolState) -> T) -> T {
    POOLS.with(|p| f(&mut p.borrow_mut()[pool.index()]))
}

/// Number of workers a run uses: the cores the browser reports.
pub fn worker_count() -> usize {
    let cores = dom::window().navigator().hardware_concurrency();
    (cores as usize).clamp(1, MAX_WORKERS)
}

/// Progress of the current batch of `pool`: `(done, total)`.
pub fn progress(pool: Pool) -> (usize, usize) {
    with_pool(pool, |p| (p.done, p.total))
}

/// True while jobs of `pool` are queued or running.
pub fn busy(pool: Pool) -> bool {
    with_pool(pool, |p| p.done < p.total)
}

/// True if workers of `pool` could not be created and its jobs run on the page.
pub fn on_page(pool: Pool) -> bool {
    with_pool(pool, |p| p.fallback)
}

/// Takes the results and errors of `pool` that arrived since the last call.
pub fn drain(pool: Pool) -> (Vec<JobResult>, Vec<String>) {
    with_pool(pool, |p| {
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

fn spawn(pool: Pool, generation: u32, index: usize) -> Result<Worker, JsValue> {
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
        on_reply(pool, generation, index, &text);
    });
    worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    on_message.forget();
    let on_error = Closure::<dyn FnMut(web_sys::Event)>::new(move |_| {
        on_reply(
            pool,
            generation,
            index,
            "error;the worker failed to load or crashed",
        );
    });
    worker.set_onerror(Some(on_error.as_ref().unchecked_ref()));
    on_error.forget();
    Ok(worker)
}

fn on_reply(pool: Pool, generation: u32, index: usize, text: &str) {
    with_pool(pool, |p| {
        if p.generation != generation || index >= p.slots.len() {
            return;
        }
        if text == "ready" {
            p.slots[index].ready = true;
        } else {
            let batch = p.slots[index].in_flight.pop_front();
            if batch == Some(p.batch) {
                record(p, text);
            }
        }
        dispatch(p);
    });
}

/// Counts a reply of the current batch and keeps its result or error.
fn record(p: &mut PoolState, reply: &str) {
    p.done += 1;
    match jobs::decode_result(reply) {
        Ok(r) => p.results.push(r),
        Err(_) => {
            let msg = reply.strip_prefix("error;").unwrap_or(reply).to_string();
            p.errors.push(msg);
        }
    }
}

fn dispatch(p: &mut PoolState) {
    for i in 0..p.slots.len() {
        if p.queue.is_empty() {
            return;
        }
        while p.slots[i].ready && p.slots[i].in_flight.len() < p.depth {
            let Some(job) = p.queue.pop_front() else {
                return;
            };
            let batch = p.batch;
            p.slots[i].in_flight.push_back(batch);
            let _ = p.slots[i].worker.post_message(&JsValue::from_str(&job));
        }
    }
}

/// Cancels everything `pool` has queued or running. The experiment pool terminates its
/// workers; the slice pool keeps them and drops the replies still to come.
pub fn cancel(pool: Pool) {
    with_pool(pool, |p| {
        if !pool.persistent() {
            for s in p.slots.drain(..) {
                s.worker.terminate();
            }
            p.generation = p.generation.wrapping_add(1);
        }
        p.queue.clear();
        p.batch = p.batch.wrapping_add(1);
        p.total = 0;
        p.done = 0;
        p.results.clear();
        p.errors.clear();
    });
}

/// Starts a batch of encoded jobs on `pool` (cancelling its previous batch).
pub fn start(pool: Pool, encoded: Vec<String>) {
    cancel(pool);
    with_pool(pool, |p| {
        p.total = encoded.len();
        p.queue = encoded.into();
        if p.fallback && pool.persistent() {
            // Workers failed before: stay on the page.
            return;
        }
        p.fallback = false;
        let wanted = if pool.persistent() {
            worker_count()
        } else {
            worker_count().min(p.total.max(1))
        };
        spawn_up_to(pool, p, wanted);
        dispatch(p);
    });
}

/// Loads the workers of a persistent pool ahead of its first batch, so that they are ready when
/// work comes.
pub fn warm_up(pool: Pool) {
    with_pool(pool, |p| {
        if pool.persistent() && !p.fallback {
            spawn_up_to(pool, p, worker_count());
        }
    });
}

/// True once at least one worker of `pool` has loaded.
pub fn ready(pool: Pool) -> bool {
    with_pool(pool, |p| p.slots.iter().any(|s| s.ready))
}

/// Makes workers until `pool` has `wanted`; if the browser refuses one, terminates them all and
/// marks the pool as running on the page.
fn spawn_up_to(pool: Pool, p: &mut PoolState, wanted: usize) {
    p.depth = pool.depth();
    for i in p.slots.len()..wanted {
        match spawn(pool, p.generation, i) {
            Ok(worker) => p.slots.push(Slot {
                worker,
                ready: false,
                in_flight: VecDeque::new(),
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
        p.generation = p.generation.wrapping_add(1);
    }
}

/// Stops using the workers of `pool` after they failed: its remaining and future jobs run on
/// the page.
pub fn fall_back_to_page(pool: Pool) {
    with_pool(pool, |p| {
        for s in p.slots.drain(..) {
            s.worker.terminate();
        }
        p.generation = p.generation.wrapping_add(1);
        p.fallback = true;
    });
}

/// Without workers: runs one queued job of `pool` on the page (call once per frame). Returns
/// true if a job ran.
pub fn run_one_on_page(pool: Pool) -> bool {
    let job = with_pool(pool, |p| {
        if p.fallback {
            p.queue.pop_front()
        } else {
            None
        }
    });
    let Some(job) = job else {
        return false;
    };
    let reply = jobs::handle_message(&job);
    with_pool(pool, |p| record(p, &reply));
    true
}
