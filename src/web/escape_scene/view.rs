//! Drawing the escape scene: its status, loss curve across both runs, spectrum and slice, the
//! data attributes the end-to-end tests read, and which buttons are offered.

use super::*;

impl EscapeScene {
    /// The loss curve across both runs: `(narrow points, widened points offset by the narrow
    /// run's length, the step the neuron was added)`.
    fn curves(&self) -> (Points, Points, f64) {
        let narrow = self.narrow.curve();
        let offset = self.narrow.step() as f64;
        let pts = |c: &crate::experiments::outcome::Curve, off: f64| {
            c.points
                .iter()
                .map(|&(s, l)| (s as f64 + off, l))
                .collect::<Vec<_>>()
        };
        let after = self
            .attempt
            .as_ref()
            .map(|a| pts(&a.run.curve(), offset))
            .unwrap_or_default();
        (pts(&narrow, 0.0), after, offset)
    }

    /// Draws the scene.
    pub fn render(&mut self, force: bool) {
        let phase = escape_text::phase(self);
        dom::set_body_data("escape-phase", phase);
        let (before, after, offset) = self.curves();
        let last = after.last().or(before.last()).map_or(f64::NAN, |p| p.1);
        dom::set_body_data("escape-loss", &format!("{last:e}"));
        if let Some(s) = &self.stuck {
            dom::set_body_data("escape-stuck-loss", &format!("{:e}", s.end.loss));
            dom::set_body_data(
                "escape-min-eig-before",
                &format!("{:e}", s.end.min_eigenvalue),
            );
        }
        if let Some(a) = &self.attempt {
            let e = &a.at_embedding;
            dom::set_body_data("escape-min-eig-after", &format!("{:e}", e.min_eigenvalue));
            dom::set_body_data("escape-negative-after", &e.negative_eigenvalues.to_string());
        }
        self.publish_slice_data();
        if !force && self.drawn == self.version {
            return;
        }
        self.drawn = self.version;
        dom::set_text("escape-status", &escape_text::status(self, last));
        dom::set_text("escape-rule", &self.config.continue_run.success_rule());
        self.render_buttons();
        let thr = self.config.threshold;
        let mut series = vec![(
            format!("width {}", self.config.width),
            before,
            palette::STUDENT,
        )];
        let mut events = Vec::new();
        if let Some(a) = &self.attempt {
            series.push((
                format!("width {}", a.widened.shape.width),
                after,
                palette::WIDER,
            ));
            events.push((offset, "neuron added".to_string()));
        }
        draw(&(series, events), "escape-loss", |root, v, s| {
            charts::loss_curves(root, &v.0, thr, &v.1, s)
        });
        if let Some(stuck) = &self.stuck {
            let after = self.attempt.as_ref().map(|a| a.spectrum.clone());
            draw(
                &(stuck.spectrum.clone(), after),
                "escape-spectrum",
                |root, v, s| charts::spectrum(root, &v.0, v.1.as_deref(), SHOWN_EIGENVALUES, s),
            );
        }
        if let (Some(c), Some(done)) = (
            dom::by_id::<HtmlCanvasElement>("escape-slice"),
            &self.finished_slice,
        ) {
            let current = self.path.last().cloned().unwrap_or_default();
            let shown = done.clone_with_path(&self.path);
            let _ = slice_plot::draw(&c, &shown, done.slice.plane.project(&current));
            dom::set_text("escape-slice-caption", &escape_text::slice_caption(done));
        }
    }

    /// The drawn slice's losses under the path's two ends, and whether the path stays in the
    /// square, for the end-to-end tests.
    fn publish_slice_data(&self) {
        let Some(done) = &self.finished_slice else {
            return;
        };
        // The path as drawn: projected on the slice's plane (no copy of the grid each frame).
        let plane = &done.slice.plane;
        let under = |p: Option<&Vec<f64>>| {
            p.and_then(|p| done.loss_under(plane.project(p)))
                .map_or("none".to_string(), |l| format!("{l:e}"))
        };
        dom::set_body_data("escape-slice-start-loss", &under(self.path.first()));
        dom::set_body_data("escape-slice-end-loss", &under(self.path.last()));
        let inside = self.path.iter().all(|p| done.contains(plane.project(p)));
        dom::set_body_data("escape-path-inside", if inside { "1" } else { "0" });
    }

    fn render_buttons(&self) {
        let kind = self.requested_kind();
        let tried = self.attempt.as_ref().map(|a| a.embedding);
        let running = self
            .attempt
            .as_ref()
            .is_some_and(|a| a.run.outcome().is_none());
        let same = tried.is_some_and(|e| escape_text::kind_of(e) == kind);
        if let (Some(b), Some(e)) = (dom::document().get_element_by_id("escape-other"), tried) {
            let label = match escape_text::kind_of(e) {
                EmbeddingKind::Split => ZERO_BUTTON_LABEL,
                EmbeddingKind::ZeroOutput => "Try a split neuron instead",
            };
            b.set_text_content(Some(label));
        }
        for (id, enabled) in [
            ("escape-add", self.is_stuck() && !running && !same),
            (
                "escape-other",
                self.is_stuck() && !running && tried.is_some(),
            ),
        ] {
            if let Some(b) = dom::document().get_element_by_id(id) {
                let _ = if enabled {
                    b.remove_attribute("disabled")
                } else {
                    b.set_attribute("disabled", "")
                };
            }
        }
    }
}
