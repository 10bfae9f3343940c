//! The width-sweep scene: runs a sweep in the worker pool and draws the success rate against
//! width (with intervals and both lottery predictions) and every run's final loss, filling in as
//! runs finish.

use crate::charts;
use crate::experiments::sweep::{summarise, SweepResult, SweepRun};
use crate::jobs::{self, JobResult};
use crate::settings::{SceneKind, Settings};
use crate::web::canvas::draw_chart_of;
use crate::web::router::Scene;
use crate::web::workers::Pool;
use crate::web::{dom, workers};
use plotters_canvas::CanvasBackend;
use std::fmt::Write;

/// The sweep's runs so far and its state.
pub struct SweepScene {
    /// Finished runs.
    pub runs: Vec<SweepRun>,
    /// Jobs in the current batch.
    pub total: usize,
    /// "idle", "running", "done" or "cancelled".
    pub state: &'static str,
    /// Errors reported by workers.
    pub errors: Vec<String>,
    /// The settings of the current batch.
    pub settings: Option<Settings>,
    /// The page's current settings (the empty chart before a run shows them).
    current: Option<Settings>,
    drawn: Option<(usize, u32)>,
}

impl Default for SweepScene {
    fn default() -> SweepScene {
        SweepScene {
            runs: Vec::new(),
            total: 0,
            state: "idle",
            errors: Vec::new(),
            settings: None,
            current: None,
            drawn: None,
        }
    }
}

impl SweepScene {
    /// Starts the sweep the settings describe.
    pub fn start(&mut self, settings: &Settings) {
        let settings = Settings {
            scene: SceneKind::Sweep,
            ..settings.clone()
        };
        let jobs = jobs::jobs_for(&settings);
        self.total = jobs.len();
        self.runs.clear();
        self.errors.clear();
        self.state = "running";
        workers::start(
            Pool::Experiments,
            jobs.iter()
                .map(|j| jobs::encode_job(&settings, j).into())
                .collect(),
        );
        self.settings = Some(settings);
        self.drawn = None;
    }

    /// Stops the sweep; finished runs stay.
    pub fn cancel(&mut self) {
        workers::cancel(Pool::Experiments);
        if self.state == "running" {
            self.state = "cancelled";
        }
        self.drawn = None;
    }

    /// Collects finished runs.
    pub fn tick(&mut self) {
        if self.state != "running" {
            return;
        }
        workers::run_one_on_page(Pool::Experiments);
        let (results, errors) = workers::drain(Pool::Experiments);
        for r in results {
            if let JobResult::Sweep(run) = r {
                self.runs.push(run);
            }
        }
        self.errors.extend(errors);
        if self.runs.len() + self.errors.len() >= self.total {
            self.state = "done";
        }
    }

    /// Draws progress, charts and the table (empty axes for `current` settings before a run).
    pub fn render(&mut self, force: bool, current: &Settings) {
        let done = self.runs.len();
        dom::set_body_data("sweep-state", self.state);
        dom::set_body_data("sweep-done", &done.to_string());
        dom::set_body_data("sweep-total", &self.total.to_string());
        if let Some(bar) = dom::document().get_element_by_id("sweep-progress") {
            let frac = if self.total > 0 {
                done as f64 / self.total as f64
            } else {
                0.0
            };
            let _ = bar.set_attribute("value", &format!("{frac:.3}"));
        }
        let mut status = match self.state {
            "running" => format!(
                "Running {done} of {} runs on {} {}…",
                self.total,
                if workers::on_page(Pool::Experiments) {
                    1
                } else {
                    workers::worker_count()
                },
                if workers::on_page(Pool::Experiments) {
                    "thread (this page; no web workers)"
                } else {
                    "web workers"
                }
            ),
            "done" => format!("Finished: {done} runs."),
            "cancelled" => format!("Cancelled after {done} of {} runs.", self.total),
            _ => "Press “Run sweep” to train many students of each width.".into(),
        };
        let diverged = self.runs.iter().filter(|r| r.diverged).count();
        if diverged > 0 {
            let _ = write!(
                status,
                " {diverged} runs diverged (learning rate too large?): they are not successes."
            );
        }
        if let Some(e) = self.errors.first() {
            let _ = write!(status, " {} runs failed: {e}", self.errors.len());
        }
        dom::set_text("sweep-status", &status);
        let rule_settings = self.settings.as_ref().unwrap_or(current);
        dom::set_text(
            "sweep-rule",
            &jobs::run_settings(rule_settings).success_rule(),
        );
        let key = (done, self.state.len() as u32);
        if !force && self.drawn == Some(key) {
            return;
        }
        self.drawn = Some(key);
        let settings = self.settings.as_ref().unwrap_or(current);
        let result = summarise(&jobs::sweep_config(settings), &self.runs);
        draw(&result, "sweep-canvas", charts::width_sweep);
        draw(&result, "hist-canvas", charts::loss_strips);
        let mut rows = String::new();
        for w in &result.widths {
            let _ = write!(
                rows,
                "<tr><td>{}</td><td>{}/{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                w.width,
                w.successes,
                w.runs,
                pct(w.success_rate),
                if w.runs == 0 {
                    "–".to_string()
                } else {
                    format!("{:.0}–{:.0}%", 100.0 * w.ci.0, 100.0 * w.ci.1)
                },
                if w.median_final_loss.is_finite() {
                    format!("{:.1e}", w.median_final_loss)
                } else {
                    "–".to_string()
                },
                pct(w.lottery_disjoint),
                pct(w.lottery_combinatorial)
            );
        }
        if let Some(t) = dom::document().get_element_by_id("sweep-rows") {
            t.set_inner_html(&rows);
        }
    }

    /// The runs finished so far, summarised as the engine summarises a sweep (for the story).
    pub fn evidence(&self) -> Option<SweepResult> {
        let settings = self.settings.as_ref()?;
        Some(summarise(&jobs::sweep_config(settings), &self.runs))
    }

    /// The results as CSV (the figures command's `width_sweep.csv` format).
    pub fn csv(&self) -> Option<String> {
        let settings = self.settings.as_ref()?;
        let result = summarise(&jobs::sweep_config(settings), &self.runs);
        Some(crate::tables::width_sweep(&result))
    }
}

fn pct(x: f64) -> String {
    if x.is_nan() {
        "–".into()
    } else {
        format!("{:.0}%", 100.0 * x)
    }
}

/// Draws a chart on the canvas `id`, scaled to its size (see [`draw_chart_of`]).
pub fn draw<T>(
    value: &T,
    id: &str,
    f: impl Fn(&charts::Area<CanvasBackend>, &T, charts::Look) -> Result<charts::Probe, String>,
) {
    draw_chart_of(value, id, f)
}

impl Scene for SweepScene {
    fn frame(&mut self, _budget_ms: f64, force: bool) {
        self.tick();
        let current = self.current.clone().unwrap_or_default();
        self.render(force, &current);
    }

    fn is_idle(&self) -> bool {
        self.state != "running"
    }

    fn matches(&self, _: &Settings) -> bool {
        // A sweep keeps its results (of its own settings) until the next "Run sweep".
        true
    }

    fn update(&mut self, _old: &Settings, new: &Settings) {
        self.current = Some(new.clone());
    }

    fn cancel(&mut self) {
        SweepScene::cancel(self);
    }
}
