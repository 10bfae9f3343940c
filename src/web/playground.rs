//! The playground as a scene: the app state ([`App`]) and its view ([`View`]), reacting to
//! settings by what each changed property affects (a new run, a new slice, a new step limit).

use crate::settings::{Effect, Settings, PROPERTIES};
use crate::web::app::{App, SliceState};
use crate::web::dom;
use crate::web::router::Scene;
use crate::web::view::View;

/// The playground: one student trained live, its loss, slice and fit.
pub struct Playground {
    /// The run, the slice and the settings they were built from.
    pub app: App,
    view: View,
}

impl Playground {
    /// The playground of `settings` (nothing trains until asked).
    pub fn new(settings: &Settings) -> Playground {
        Playground {
            app: App::new(settings.clone()),
            view: View::default(),
        }
    }
}

impl Scene for Playground {
    fn frame(&mut self, budget_ms: f64, force: bool) {
        if force {
            self.view.invalidate();
        }
        // Draw first, then compute with what is left of the frame's budget, so that a frame
        // that draws a plot (the first ones draw with fonts still loading) does not also
        // compute.
        let start = dom::now_ms();
        self.view.render(&self.app);
        let left = budget_ms - (dom::now_ms() - start);
        if left > 1.0 {
            self.app.tick(left);
        }
    }

    fn is_idle(&self) -> bool {
        !self.app.is_advancing() && !matches!(self.app.slice, SliceState::Computing { .. })
    }

    fn trains_on_page(&self) -> bool {
        self.app.is_advancing() && self.app.training_limited
    }

    fn matches(&self, _: &Settings) -> bool {
        // The playground adapts to every change itself (see `update`).
        true
    }

    fn update(&mut self, old: &Settings, new: &Settings) {
        self.app.settings = new.clone();
        let changed = |effect: Effect| {
            PROPERTIES
                .iter()
                .any(|p| p.effect == effect && old.text(p.key) != new.text(p.key))
        };
        if changed(Effect::Restart) {
            self.app.reset();
        } else if changed(Effect::StepLimit) {
            self.app.run.set_max_steps(new.max_steps as u64);
        } else if changed(Effect::Slice) && !self.app.running {
            self.app.request_slice();
        }
        self.view.invalidate();
    }
}
