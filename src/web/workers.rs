//! Pools of web workers (one worker per core the browser reports), fed from queues of text jobs
//! ([`crate::jobs`]). Results are collected in a queue that the scenes drain each frame.
//!
//! Two pools: [`Pool::Experiments`] runs sweeps and tickets (jobs of seconds; cancelling
//! terminates its workers and a later start makes new ones), and [`Pool::Slices`] computes
//! landscape slices a few rows per job (its workers stay loaded; a new batch drops the replies
//! of the old one). Where workers cannot be created, or all of a pool's workers fail to load,
//! jobs run on the page.
//!
//! Every worker runs the page's own module (`escape-dims.js` and `escape-dims_bg.wasm`, the one
//! download of the page, fetched and compiled once: the page sends each worker its compiled
//! `WebAssembly.Module`) and calls its
//! [`crate::web::worker_entry::start_worker`]. It starts from one bootstrap script, held in a
//! blob URL made once per page: a module worker that imports the glue next to the page, or, in
//! the single-file build (`scripts/single-file.mjs`, which works from `file://`), the complete
//! classic worker script that the page left in the global [`INLINE_WORKER_GLOBAL`].

use crate::jobs::{self, JobResult};
use crate::web::dom;
use std::cell::RefCell;
use std::collections::VecDeque;
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{Blob, BlobPropertyBag, MessageEvent, Url, Worker, WorkerOptions, WorkerType};

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
    /// The worker failed before it said "ready" (its script or module did not load): it gets
    /// no jobs.
    failed: bool,
    /// The batches of the jobs sent to it and not yet answered, oldest first (a worker answers
    /// in order).
    in_flight: VecDeque<u32>,
}

/// An encoded job waiting in a pool's queue: its own head and a tail it may share with the
/// other jobs of its batch (the slice plane, up to 40 KB, common to every row job), joined only
/// when the job is posted. Joining all of a 201-row batch at once copied 8 MB in one task.
pub struct QueuedJob {
    head: String,
    tail: Rc<str>,
}

impl QueuedJob {
    /// A job of `head` followed by the shared `tail`.
    pub fn shared(head: String, tail: Rc<str>) -> QueuedJob {
        QueuedJob { head, tail }
    }

    /// The message to post.
    fn text(&self) -> String {
        let mut t = String::with_capacity(self.head.len() + self.tail.len());
        t.push_str(&self.head);
        t.push_str(&self.tail);
        t
    }
}

impl From<String> for QueuedJob {
    fn from(head: String) -> QueuedJob {
        QueuedJob {
            head,
            tail: Rc::from(""),
        }
    }
}

#[derive(Default)]
struct PoolState {
    slots: Vec<Slot>,
    queue: VecDeque<QueuedJob>,
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
    /// Error replies of the current batch (shown in the notice bar, [`show_job_error`]).
    failed: usize,
    /// True while the page's main thread works too (training): new jobs go to all workers
    /// but one ([`leave_a_core_to_the_page`]).
    page_busy: bool,
}

thread_local! {
    static POOLS: RefCell<[PoolState; 2]> = RefCell::new(Default::default());
    /// The blob URL of the worker bootstrap script ([`worker_url`]): made by the first spawn,
    /// reused by every later one (one URL per page instead of one per worker).
    static WORKER_URL: RefCell<Option<(String, WorkerType)>> = const { RefCell::new(None) };
}

/// The global (on `window`) in which the single-file build leaves the complete worker script:
/// the page's glue made a classic script, followed by its start from the page's wasm bytes and
/// the call of `start_worker`. Absent in the normal build, whose workers import the glue and
/// load the wasm next to the page ([`PAGE_MODULE`]).
pub const INLINE_WORKER_GLOBAL: &str = "escapeDimsWorkerSource";

/// The name of the page's module: Trunk writes its glue as `escape-dims.js` and its wasm as
/// `escape-dims_bg.wasm` (Trunk.toml: `filehash = false`).
pub const PAGE_MODULE: &str = "escape-dims";

/// Reply text that marks a job as failed because its worker crashed or failed to load.
const WORKER_ERROR: &str = "error;the worker failed to load or crashed";

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

/// The text of the worker bootstrap script, and the kind of worker it needs: the single-file
/// build's inline worker ([`INLINE_WORKER_GLOBAL`], a classic script) if the page has one, else
/// a module script that imports the page's glue from next to the page. Either waits for its
/// first message, the page's compiled `WebAssembly.Module` ([`spawn`] sends it), instantiates
/// it (no worker compiles the module again) and calls `start_worker`. A module that fails to
/// load is rethrown outside its promise, so the page's `error` handler hears of it
/// ([`on_worker_error`]).
fn worker_script() -> Result<(String, WorkerType), JsValue> {
    let inline = js_sys::Reflect::get(&dom::window(), &JsValue::from_str(INLINE_WORKER_GLOBAL))?;
    if let Some(text) = inline.as_string() {
        return Ok((text, WorkerType::Classic));
    }
    let script = format!(
        "import init, {{ start_worker }} from {:?};\n\
         self.onmessage = function (e) {{ self.onmessage = null; \
         init({{ module_or_path: e.data }}).then(function () {{ start_worker(); }}, \
         function (err) {{ setTimeout(function () {{ throw err; }}); }}); }};",
        asset_url(&format!("{PAGE_MODULE}.js"))?
    );
    Ok((script, WorkerType::Module))
}

/// The blob URL that every worker starts from, made from [`worker_script`] on the first call
/// and cached in [`WORKER_URL`] with its worker type (so spawning no longer leaks one blob URL
/// per worker).
fn worker_url() -> Result<(String, WorkerType), JsValue> {
    if let Some(url) = WORKER_URL.with(|u| u.borrow().clone()) {
        return Ok(url);
    }
    let (script, kind) = worker_script()?;
    let parts = js_sys::Array::of1(&JsValue::from_str(&script));
    let options = BlobPropertyBag::new();
    options.set_type("text/javascript");
    let blob = Blob::new_with_str_sequence_and_options(&parts, &options)?;
    let url = Url::create_object_url_with_blob(&blob)?;
    WORKER_URL.with(|u| *u.borrow_mut() = Some((url.clone(), kind)));
    Ok((url, kind))
}

/// Starts worker `index` of `pool` (of its `generation`) and wires its replies and errors.
fn spawn(pool: Pool, generation: u32, index: usize) -> Result<Worker, JsValue> {
    let (url, kind) = worker_url()?;
    let options = WorkerOptions::new();
    options.set_type(kind);
    let worker = Worker::new_with_options(&url, &options)?;
    let on_message = Closure::<dyn FnMut(MessageEvent)>::new(move |e: MessageEvent| {
        let text = e.data().as_string().unwrap_or_default();
        on_reply(pool, generation, index, &text);
    });
    worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    on_message.forget();
    let on_error = Closure::<dyn FnMut(web_sys::Event)>::new(move |e: web_sys::Event| {
        on_worker_error(pool, generation, index, &e);
    });
    worker.set_onerror(Some(on_error.as_ref().unchecked_ref()));
    on_error.forget();
    // The page's compiled module: the worker instantiates it instead of compiling it again.
    worker.post_message(&wasm_bindgen::module())?;
    Ok(worker)
}

/// An `error` event of worker `index`. Before it said "ready" the worker failed to load: it
/// gets no jobs, the event counts as handled (the page carries on without it), and once every
/// worker of the pool has failed, the pool runs on the page ([`all_failed`]). After, it crashed
/// on a job: that job counts as failed (and the browser still reports the error).
fn on_worker_error(pool: Pool, generation: u32, index: usize, event: &web_sys::Event) {
    let crashed = with_pool(pool, |p| {
        if p.generation != generation || index >= p.slots.len() {
            return false;
        }
        if p.slots[index].ready {
            return true;
        }
        event.prevent_default();
        p.slots[index].failed = true;
        if p.slots.iter().all(|s| s.failed) {
            all_failed(pool, p);
        }
        false
    });
    if crashed {
        on_reply(pool, generation, index, WORKER_ERROR);
    }
}

/// Every worker of `pool` failed to load: terminates them and runs its jobs on the page. They
/// never said "ready", so they hold no job; the queue stays for [`run_one_on_page`]. The slice
/// pool's page code computes on the page once it sees an error, so a batch in progress gets one.
fn all_failed(pool: Pool, p: &mut PoolState) {
    for s in p.slots.drain(..) {
        s.worker.terminate();
    }
    p.generation = p.generation.wrapping_add(1);
    p.fallback = true;
    if pool.persistent() && p.done < p.total {
        p.errors.push("the slice workers failed to load".into());
    }
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
                note_where(pool, "workers");
            }
        }
        dispatch(p);
    });
}

/// Writes where the experiment pool's last job ran (body `data-experiments-where`: workers or
/// page), so that tests and scripts can tell whether the browser ran its workers.
fn note_where(pool: Pool, place: &str) {
    if pool == Pool::Experiments {
        dom::set_body_data("experiments-where", place);
    }
}

/// Counts a reply of the current batch and keeps its result or error. An error reply (a job
/// the worker refused, one that panicked, or a crash) is also shown in the notice bar; the
/// job counts as done, so the scene carries on without it.
fn record(p: &mut PoolState, reply: &str) {
    p.done += 1;
    match jobs::decode_result(reply) {
        Ok(r) => p.results.push(r),
        Err(_) => {
            let msg = reply
                .strip_prefix(jobs::ERROR_PREFIX)
                .unwrap_or("an unreadable reply");
            // Replies are short, but a result that fails to decode could be long.
            let msg = jobs::error_reply(msg);
            let msg = msg.strip_prefix(jobs::ERROR_PREFIX).unwrap_or_default();
            p.failed += 1;
            show_job_error(p.failed, msg);
            p.errors.push(msg.to_string());
        }
    }
}

/// Shows that `failed` jobs of a batch failed, quoting the latest `reason`, in the page's
/// notice bar (`#notice`, `#notice-text`; its close button hides it).
fn show_job_error(failed: usize, reason: &str) {
    let text = if failed == 1 {
        format!("A background job failed: {reason}")
    } else {
        format!("{failed} background jobs failed; the last: {reason}")
    };
    dom::set_text("notice-text", &text);
    if let Some(bar) = dom::document().get_element_by_id("notice") {
        dom::set_hidden(&bar, false);
    }
}

/// While the page's training fills its frames, every worker but one takes new jobs (all of
/// them if the pool has one): with one busy worker per core, the page's own frames had to
/// share a core with a worker and were stretched to several times their length (a frame of
/// 6 ms of work took 16 ms of wall time on two cores, and a frame-budget test saw one of
/// 59 ms). `busy` is whether it does now; when it stops, the idle workers get jobs again at
/// once. (Light training, a few milliseconds a frame, keeps every worker.)
pub fn leave_a_core_to_the_page(pool: Pool, busy: bool) {
    with_pool(pool, |p| {
        if p.page_busy != busy {
            p.page_busy = busy;
            dispatch(p);
        }
    });
}

fn dispatch(p: &mut PoolState) {
    let usable = if p.page_busy {
        p.slots.len().saturating_sub(1).max(1)
    } else {
        p.slots.len()
    };
    for i in 0..usable {
        if p.queue.is_empty() {
            return;
        }
        while p.slots[i].ready && p.slots[i].in_flight.len() < p.depth {
            let Some(job) = p.queue.pop_front() else {
                return;
            };
            let batch = p.batch;
            p.slots[i].in_flight.push_back(batch);
            let _ = p.slots[i]
                .worker
                .post_message(&JsValue::from_str(&job.text()));
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
        p.failed = 0;
        p.results.clear();
        p.errors.clear();
    });
}

/// Starts a batch of encoded jobs on `pool` (cancelling its previous batch).
pub fn start(pool: Pool, encoded: Vec<QueuedJob>) {
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
                failed: false,
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
    let reply = jobs::handle_message(&job.text());
    with_pool(pool, |p| record(p, &reply));
    note_where(pool, "page");
    true
}
