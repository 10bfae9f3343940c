//! Renders the app state into the page: status line, buttons, body data attributes and the
//! three plots, each redrawn only when its content changed (and at most every few frames).

use crate::experiments::outcome::RunPhase;
use crate::web::app::{App, SliceState};
use crate::web::dom::{self, now_ms};
use crate::web::workers::{self, Pool};
use crate::web::{fit_plot, loss_plot, replay, slice_plot};
use web_sys::HtmlCanvasElement;

/// The play icon (inline SVG).
const PLAY_ICON: &str = r#"<svg class="icon" aria-hidden="true" viewBox="0 0 10 10"><path d="M2 1v8l7-4z" fill="currentColor"/></svg>"#;
/// The pause icon (inline SVG).
const PAUSE_ICON: &str = r#"<svg class="icon" aria-hidden="true" viewBox="0 0 10 10"><path d="M2 1h2v8H2zM6 1h2v8H6z" fill="currentColor"/></svg>"#;

/// Minimum milliseconds between redraws of each plot while training runs.
const LOSS_INTERVAL_MS: f64 = 60.0;
const FIT_INTERVAL_MS: f64 = 150.0;
const SLICE_INTERVAL_MS: f64 = 120.0;
/// The same while training takes the whole frame (the slice's redraws then cost steps).
const SLICE_INTERVAL_LIMITED_MS: f64 = 400.0;

/// What was drawn last, to skip redundant redraws.
#[derive(Default)]
pub struct View {
    loss_step: Option<u64>,
    fit_step: Option<u64>,
    slice_key: Option<(u64, u64, Option<usize>)>,
    loss_replay: Option<usize>,
    last_loss_ms: f64,
    last_fit_ms: f64,
    last_slice_ms: f64,
    status: String,
}

impl View {
    /// Forces every plot to redraw (after a resize or a reset).
    pub fn invalidate(&mut self) {
        *self = View::default();
    }

    /// Brings the page up to date with `app`.
    pub fn render(&mut self, app: &App) {
        let t = app.trainer();
        let step = app.run.step();
        let now = now_ms();
        let idle = !app.running;
        dom::set_body_data("step", &step.to_string());
        dom::set_body_data("loss", &format!("{:e}", app.run.loss()));
        dom::set_body_data("loss-initial", &format!("{:e}", t.initial_loss()));
        dom::set_body_data("run-phase", phase_name(app));
        dom::set_body_data("running", if app.running { "1" } else { "0" });
        let slice_state = match app.slice {
            SliceState::Ready(_) => "ready",
            SliceState::Computing { .. } => "computing",
            SliceState::Idle => "idle",
        };
        dom::set_body_data("slice", slice_state);
        dom::set_body_data("slices-done", &app.slices_done.to_string());
        let slice_workers = if workers::on_page(Pool::Slices) {
            "none"
        } else if workers::ready(Pool::Slices) {
            "ready"
        } else {
            "loading"
        };
        dom::set_body_data("slice-workers", slice_workers);
        if let SliceState::Ready(done) = &app.slice {
            dom::set_body_data("slice-step", &done.at_step.to_string());
        }
        if let SliceState::Computing { in_workers, .. } = app.slice {
            // Where the rows are computed (kept after the slice is done, for tests).
            dom::set_body_data("slice-where", if in_workers { "workers" } else { "page" });
        }
        self.render_status(app);
        // At most one plot per frame, so that no frame (the first one draws all three) makes a
        // long task; a plot that waits is drawn on the next frame.
        let mut drawn = false;
        let replayed = replay::replayed(app);
        let replay_index = replayed.as_ref().map(|r| r.index);
        replay::render(app);
        if (self.loss_step != Some(step) || self.loss_replay != replay_index)
            && (idle || now - self.last_loss_ms > LOSS_INTERVAL_MS)
        {
            if let Some(c) = dom::by_id::<HtmlCanvasElement>("loss-canvas") {
                let curve = app.run.curve();
                let (steps, losses): (Vec<u64>, Vec<f64>) = curve.points.iter().copied().unzip();
                let marker = (curve.polished < curve.points.len())
                    .then(|| (t.step(), "polishing (Levenberg–Marquardt)"));
                report(loss_plot::draw(
                    &c,
                    &steps,
                    &losses,
                    app.settings.threshold,
                    marker,
                    replayed.as_ref().map(|r| (r.step, r.loss)),
                ));
            }
            self.loss_step = Some(step);
            self.loss_replay = replay_index;
            self.last_loss_ms = now;
            drawn = true;
        }
        if !drawn
            && self.fit_step != Some(step)
            && (idle || now - self.last_fit_ms > FIT_INTERVAL_MS)
        {
            if let Some(c) = dom::by_id::<HtmlCanvasElement>("fit-canvas") {
                let mut net = t.network().clone();
                net.params.copy_from_slice(app.run.params());
                report(fit_plot::draw(&c, t.task(), &net));
            }
            self.fit_step = Some(step);
            self.last_fit_ms = now;
            drawn = true;
        }
        let key = (app.slice_version, step, replay_index);
        let slice_interval = if app.training_limited {
            SLICE_INTERVAL_LIMITED_MS
        } else {
            SLICE_INTERVAL_MS
        };
        if !drawn
            && self.slice_key != Some(key)
            && (idle || now - self.last_slice_ms > slice_interval)
        {
            if let (Some(c), Some(done)) = (
                dom::by_id::<HtmlCanvasElement>("slice-canvas"),
                app.visible_slice(),
            ) {
                let current = replayed
                    .as_ref()
                    .map_or_else(|| done.slice.plane.project(app.run.params()), |r| r.plane);
                report(slice_plot::draw(&c, done, current));
                self.slice_key = Some(key);
                self.last_slice_ms = now;
            }
        }
        self.render_slice_caption(app);
    }

    fn render_status(&mut self, app: &App) {
        let run = &app.run;
        let t = run.trainer();
        let threshold = app.settings.threshold;
        let diverged = t.stopped().is_some_and(|r| r.is_divergence());
        let outcome = match (run.phase(), run.outcome()) {
            (_, Some(_)) if diverged => format!(
                "Stopped: {}.",
                t.stopped().map(|r| r.to_string()).unwrap_or_default()
            ),
            (_, Some(o)) if o.success => format!(
                "Success: after training and polishing the loss is below the threshold \
                 {threshold:e}."
            ),
            (_, Some(_)) => format!(
                "Ended above the threshold {threshold:e} after training and polishing: a bad \
                 minimum or a plateau."
            ),
            (RunPhase::Polishing, None) => format!(
                "Training {}; polishing the end point with Levenberg–Marquardt steps.",
                t.stopped().map(|r| r.to_string()).unwrap_or_default()
            ),
            _ => format!(
                "Success means a loss below {threshold:e} after training (which stops there) \
                 and up to {} polishing steps.",
                run.settings().polish_steps
            ),
        };
        let gradient = match run.phase() {
            RunPhase::Training => format!(" · gradient norm {:.2e}", t.gradient_norm()),
            _ => String::new(),
        };
        let status = format!(
            "step {} · loss {:.3e}{gradient} · {} parameters. {}",
            run.step(),
            run.loss(),
            t.shape.num_params(),
            outcome
        );
        if status != self.status {
            dom::set_text("status", &status);
            if let Some(el) = dom::document().get_element_by_id("status") {
                let _ = el.set_attribute("data-kind", if diverged { "error" } else { "info" });
            }
            self.status = status;
        }
        // Icons as inline SVG (a font may lack the pause glyph), words beside them.
        let (word, icon) = if app.running {
            ("Pause", PAUSE_ICON)
        } else {
            ("Train", PLAY_ICON)
        };
        if let Some(b) = dom::document().get_element_by_id("play") {
            if b.text_content().as_deref().map(str::trim) != Some(word) {
                b.set_inner_html(&format!("{icon} {word}"));
                let _ = b.set_attribute("aria-pressed", if app.running { "true" } else { "false" });
            }
            let finished = run.outcome().is_some();
            let _ = if finished {
                b.set_attribute("disabled", "")
            } else {
                b.remove_attribute("disabled")
            };
        }
    }

    fn render_slice_caption(&self, app: &App) {
        // A live slice replaces the shown one without a progress bar flickering.
        let progress = app
            .slice_progress()
            .filter(|_| !(app.slice_is_live() && app.visible_slice().is_some()));
        if let Some(bar) = dom::document().get_element_by_id("slice-progress") {
            dom::set_hidden(&bar, progress.is_none());
            let _ = bar.set_attribute("value", &format!("{:.3}", progress.unwrap_or(0.0)));
        }
        let live = app.slice_is_live();
        let caption = match (&app.slice, app.visible_slice()) {
            (SliceState::Computing { slice, .. }, visible) if !(live && visible.is_some()) => {
                format!(
                    "Computing a {r}×{r} slice… {:.0}%",
                    100.0 * slice.progress(),
                    r = slice.resolution
                )
            }
            (_, Some(done)) => {
                let mut s = format!(
                    "Slice through the point at step {} ({r}×{r} grid). ",
                    done.at_step,
                    r = done.slice.resolution
                );
                if let Some(l) = done.min_eigenvalue {
                    s.push_str(&format!("Smallest Hessian eigenvalue {l:.2e}. "));
                }
                if app.slice_is_live() {
                    match app.live_rate() {
                        Some(rate) => s.push_str(&format!(
                            "Live: recomputed around the moving student, {rate:.0} slices a second."
                        )),
                        None => s.push_str("Live: recomputed around the moving student."),
                    }
                } else if app.running {
                    s.push_str("Training: the point moves; the slice refreshes when you pause.");
                } else {
                    s.push_str("White line: the trajectory; orange dot: the current point.");
                }
                s
            }
            _ => String::new(),
        };
        let note = app.slice_note.clone().unwrap_or_default();
        dom::set_text("slice-caption", format!("{note} {caption}").trim());
    }
}

/// The playground run's phase, for the page's data attributes.
fn phase_name(app: &App) -> &'static str {
    match (app.run.phase(), app.run.outcome()) {
        (_, Some(o)) if o.diverged => "diverged",
        (_, Some(o)) if o.success => "success",
        (_, Some(_)) => "failed",
        (RunPhase::Polishing, _) => "polishing",
        _ => "training",
    }
}

/// Logs a drawing error to the console (a failed plot must not stop the page).
fn report(result: Result<(), String>) {
    if let Err(e) = result {
        web_sys::console::warn_1(&format!("plot not drawn: {e}").into());
    }
}
