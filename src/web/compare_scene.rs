//! The compare scene (the story's first page): two students of the same teacher trained side by
//! side by the engine's runs, a narrow one (the teacher's width, seed `case`) and a wide one
//! (width `width`, seed `seed`), each judged as every experiment judges its runs, with their
//! loss curves on one chart and what each has learned next to the teacher.

use crate::charts::{self, palette};
use crate::core::network::Network;
use crate::core::task::Task;
use crate::experiments::outcome::SteppedRun;
use crate::experiments::sweep::student;
use crate::jobs;
use crate::settings::Settings;
use crate::story::CompareEvidence;
use crate::web::dom::{self, now_ms};
use crate::web::fit_plot;
use crate::web::router::Scene;
use crate::web::run_text::{points, verdict};
use crate::web::sweep_scene::draw;
use std::sync::Arc;
use web_sys::HtmlCanvasElement;

/// Loss values kept per curve for drawing.
const CURVE_CAPACITY: usize = 512;

/// The two runs and what has been drawn.
pub struct CompareScene {
    settings: Settings,
    task: Arc<Task>,
    /// The narrow student (teacher's width, seed `case`).
    pub narrow: SteppedRun,
    /// The wide student (width `width`, seed `seed`).
    pub wide: SteppedRun,
    version: u64,
    drawn: u64,
}

impl CompareScene {
    /// Both students of `settings`, ready to train with the experiments' run settings.
    pub fn new(settings: &Settings) -> CompareScene {
        let task = Arc::new(Task::generate(settings.task_config()));
        let mut run = jobs::run_settings(settings);
        run.train.history_capacity = CURVE_CAPACITY;
        let k = settings.teacher_width as usize;
        let narrow = student(&task, k, settings.case as u64);
        let wide = student(&task, settings.width as usize, settings.seed as u64);
        CompareScene {
            narrow: SteppedRun::new(&task, narrow, None, &run),
            wide: SteppedRun::new(&task, wide, None, &run),
            settings: settings.clone(),
            task,
            version: 1,
            drawn: 0,
        }
    }

    /// True if both runs were built from these settings.
    pub fn matches(&self, s: &Settings) -> bool {
        let a = &self.settings;
        jobs::run_settings(a) == jobs::run_settings(s)
            && a.task_config() == s.task_config()
            && (a.width, a.seed, a.case) == (s.width, s.seed, s.case)
    }

    /// Advances both runs by up to `speed` steps, within `budget_ms`.
    pub fn tick(&mut self, budget_ms: f64) {
        let start = now_ms();
        // Steps left this frame for each run, each advanced a piece at a time.
        let speed = self.settings.speed.max(1) as u64;
        let mut left = [speed, speed];
        while left.iter().any(|&l| l > 0) && now_ms() - start < budget_ms {
            for (run, left) in [&mut self.narrow, &mut self.wide]
                .into_iter()
                .zip(&mut left)
            {
                if run.outcome().is_some() {
                    *left = 0;
                } else if *left > 0 {
                    *left -= run.advance_piece((*left).min(10));
                }
            }
            self.version += 1;
        }
    }

    /// Both runs as far as they have got, for the story's claim.
    pub fn evidence(&self) -> CompareEvidence<'_> {
        CompareEvidence::new(&self.settings, self.narrow.outcome(), self.wide.outcome())
    }

    fn network(&self, run: &SteppedRun) -> Network {
        let mut net = run.trainer().network().clone();
        net.params.copy_from_slice(run.params());
        net
    }

    /// Draws the scene.
    pub fn render(&mut self, force: bool) {
        let word = |r: &SteppedRun| {
            r.outcome().map_or("training", |o| {
                if o.diverged {
                    "diverged"
                } else if o.success {
                    "success"
                } else {
                    "failed"
                }
            })
        };
        dom::set_body_data("compare-narrow", word(&self.narrow));
        dom::set_body_data("compare-wide", word(&self.wide));
        dom::set_body_data("compare-narrow-loss", &format!("{:e}", self.narrow.loss()));
        dom::set_body_data("compare-wide-loss", &format!("{:e}", self.wide.loss()));
        if !force && self.drawn == self.version {
            return;
        }
        self.drawn = self.version;
        let (n, w) = (
            self.narrow.trainer().shape.width,
            self.wide.trainer().shape.width,
        );
        let (good, bad) = ("reaches the teacher", "stuck above the threshold");
        dom::set_text(
            "compare-status",
            &format!(
                "Width {n} (seed {}): {}. Width {w} (seed {}): {}.",
                self.settings.case,
                verdict(&self.narrow, good, bad),
                self.settings.seed,
                verdict(&self.wide, good, bad)
            ),
        );
        dom::set_text("compare-rule", &self.narrow.settings().success_rule());
        let series = vec![
            (
                format!("width {n}"),
                points(&self.narrow.curve()),
                palette::BLUE,
            ),
            (
                format!("width {w}"),
                points(&self.wide.curve()),
                palette::GREEN,
            ),
        ];
        let thr = self.settings.threshold;
        draw(&series, "compare-loss", |root, v, s| {
            charts::loss_curves(root, v, thr, &[], s)
        });
        for (id, run) in [
            ("compare-fit-narrow", &self.narrow),
            ("compare-fit-wide", &self.wide),
        ] {
            if let Some(c) = dom::by_id::<HtmlCanvasElement>(id) {
                let _ = fit_plot::draw(&c, &self.task, &self.network(run));
            }
        }
    }
}

impl Scene for CompareScene {
    fn frame(&mut self, budget_ms: f64, force: bool) {
        self.tick(budget_ms);
        self.render(force);
    }

    fn is_idle(&self) -> bool {
        self.narrow.outcome().is_some() && self.wide.outcome().is_some()
    }

    fn matches(&self, s: &Settings) -> bool {
        CompareScene::matches(self, s)
    }

    fn update(&mut self, _old: &Settings, new: &Settings) {
        self.settings.speed = new.speed;
    }
}
