//! The scene router: it owns the settings and every scene, shows the scene the settings name
//! (a story page shows its own scene), rebuilds a scene when a setting it reads changes, runs a
//! story page's action and keeps the story panel's claim in step with what its scene shows.

use crate::settings::{Named, SceneKind, Settings};
use crate::story::{self, Action};
use crate::web::announce::Announcer;
use crate::web::compare_scene::CompareScene;
use crate::web::escape_scene::EscapeScene;
use crate::web::minima_scene::MinimaScene;
use crate::web::playground::Playground;
use crate::web::story_panel::{self, StoryPanel};
use crate::web::sweep_scene::SweepScene;
use crate::web::tickets_scene::TicketsScene;
use crate::web::workers::{self, Pool};
use crate::web::{dom, motion, shown};

/// A view of the page: advanced and drawn once per animation frame.
pub trait Scene {
    /// One frame: compute within `budget_ms`, then draw what changed (everything if `force`).
    fn frame(&mut self, budget_ms: f64, force: bool);
    /// True if the scene was built from the settings it reads in `s` (false: rebuild it).
    fn matches(&self, s: &Settings) -> bool;
    /// Takes settings that changed from `old` but need no rebuild.
    fn update(&mut self, _old: &Settings, _new: &Settings) {}
    /// Stops background work (worker jobs).
    fn cancel(&mut self) {}
    /// True if a frame would change nothing (no training, no slice or experiment computing):
    /// the animation loop then runs the scene only about once a second.
    fn is_idle(&self) -> bool {
        false
    }
    /// True while the scene's training on the main thread fills its frames (the workers then
    /// leave it a core, see [`workers::leave_a_core_to_the_page`]).
    fn trains_on_page(&self) -> bool {
        false
    }
}

/// How often an idle scene is still given a frame, in milliseconds.
const IDLE_FRAME_MS: f64 = 1000.0;

/// Frames run after every redraw request before an idle scene sleeps: enough for a view to
/// draw each of its plots (one per frame).
const AWAKE_FRAMES: u32 = 8;

/// Every scene, built when first shown, and the settings they follow.
pub struct Router {
    /// The current settings (mirrored in the URL and the controls).
    pub settings: Settings,
    /// The playground (always built: it owns the first slice).
    pub playground: Playground,
    /// The width sweep (its results stay when settings change).
    pub sweep: SweepScene,
    /// The census of minima (its results stay when settings change).
    pub minima: MinimaScene,
    /// The tickets scene.
    pub tickets: Option<TicketsScene>,
    /// The escape scene.
    pub escape: Option<EscapeScene>,
    /// The narrow-and-wide comparison of the story's first page.
    pub compare: Option<CompareScene>,
    /// The story page's action waiting for its scene (for example a neuron to add once stuck).
    pending: Option<Action>,
    /// True while a view that would start moving on its own waits for the visitor (the
    /// system asks for reduced motion; see [`motion`]).
    pub held: bool,
    /// When the last frame ran (the loop sleeps while the shown scene is idle).
    last_frame_ms: f64,
    /// Frames still to run after a redraw was asked for, whether or not the scene is idle (a
    /// view draws one plot per frame, so a change takes a few frames to draw).
    awake_frames: u32,
    force: bool,
    panel: StoryPanel,
    announcer: Announcer,
}

/// Rebuilds `slot` (cancelling the old scene) unless it was built for `new`; else updates it.
fn follow<S: Scene>(slot: &mut Option<S>, old: &Settings, new: &Settings) {
    if let Some(scene) = slot {
        if scene.matches(new) {
            scene.update(old, new);
        } else {
            scene.cancel();
            *slot = None;
        }
    }
}

impl Router {
    /// The router of `settings`, with the playground built.
    pub fn new(settings: Settings) -> Router {
        Router {
            playground: Playground::new(&settings),
            minima: MinimaScene::new(&settings),
            settings,
            sweep: SweepScene::default(),
            tickets: None,
            escape: None,
            compare: None,
            pending: None,
            held: false,
            last_frame_ms: f64::NEG_INFINITY,
            awake_frames: 0,
            force: true,
            panel: StoryPanel::default(),
            announcer: Announcer::default(),
        }
    }

    /// Replaces the settings: each scene is rebuilt if a setting it reads changed, updated
    /// otherwise, and the shown scene follows.
    pub fn apply(&mut self, new: Settings) {
        let old = std::mem::replace(&mut self.settings, new.clone());
        if old.surface != new.surface {
            self.force = true;
        }
        self.playground.update(&old, &new);
        self.sweep.update(&old, &new);
        self.minima.update(&old, &new);
        follow(&mut self.tickets, &old, &new);
        follow(&mut self.escape, &old, &new);
        follow(&mut self.compare, &old, &new);
        let view = |s: &Settings| (shown(s), s.scene, s.page, s.embed, s.granularity);
        if view(&old) != view(&new) {
            self.show();
        }
    }

    /// Shows the scene of the settings and hides the others.
    pub fn show(&mut self) {
        story_panel::show_scene(&self.settings);
        self.force = true;
    }

    /// Entering a scene or story page: show it and start the page's action.
    pub fn arrive(&mut self) {
        self.show();
        self.pending = None;
        self.held = motion::reduced() && motion::starts_on_its_own(&self.settings);
        motion::show_hold(self.held);
        if !self.held {
            self.play_page();
        }
    }

    /// The visitor starts a view held for reduced motion.
    pub fn release(&mut self) {
        if self.held {
            self.held = false;
            motion::show_hold(false);
            self.play_page();
            self.force = true;
        }
    }

    /// Starts the story page's action (nothing outside the story).
    fn play_page(&mut self) {
        if self.settings.scene != SceneKind::Story {
            return;
        }
        let page = story::page(self.settings.page);
        let s = self.settings.clone();
        match page.action {
            Action::None => {}
            Action::Train => {
                let app = &mut self.playground.app;
                if page.scene == SceneKind::Playground && !app.running {
                    app.toggle_running();
                }
            }
            Action::RunExperiment => match page.scene {
                SceneKind::Sweep if self.sweep.state != "running" => self.sweep.start(&s),
                SceneKind::Tickets => {
                    let t = self.tickets.get_or_insert_with(|| TicketsScene::new(&s));
                    if t.state != "running" {
                        t.start_table(&s);
                    }
                }
                _ => {}
            },
            Action::AddNeuron | Action::SplitThenOfferZero => self.pending = Some(page.action),
        }
    }

    /// True if the shown scene has nothing to do (or waits for the visitor's Start).
    /// True while the shown scene's training fills its frames on the main thread.
    fn shown_trains_on_page(&self) -> bool {
        // Only these two scenes train on the page while workers compute for them.
        match shown(&self.settings) {
            SceneKind::Tickets => self.tickets.as_ref().is_some_and(|t| t.trains_on_page()),
            SceneKind::Playground => self.playground.trains_on_page(),
            _ => false,
        }
    }

    fn shown_is_idle(&self) -> bool {
        if self.held {
            return true;
        }
        match shown(&self.settings) {
            SceneKind::Sweep => self.sweep.is_idle(),
            SceneKind::Minima => self.minima.is_idle(),
            SceneKind::Tickets => self.tickets.as_ref().is_some_and(|t| t.is_idle()),
            SceneKind::Escape => self.escape.as_ref().is_some_and(|e| e.is_idle()),
            SceneKind::Compare => self.compare.as_ref().is_some_and(|c| c.is_idle()),
            _ => self.playground.is_idle(),
        }
    }

    /// Redraw everything on the next frame.
    pub fn invalidate(&mut self) {
        self.force = true;
    }

    /// One animation frame of the shown scene, then the story panel.
    pub fn frame(&mut self, budget_ms: f64) {
        let now = dom::now_ms();
        if self.force {
            self.awake_frames = AWAKE_FRAMES;
        }
        let sleeping = self.awake_frames == 0 && self.pending.is_none() && self.shown_is_idle();
        if sleeping && now - self.last_frame_ms < IDLE_FRAME_MS {
            return;
        }
        self.awake_frames = self.awake_frames.saturating_sub(1);
        self.last_frame_ms = now;
        // A scene that works in this frame (its slice finishing, say) stays awake for a few
        // frames after: its new state is drawn at once, not at the next idle frame a second
        // later (a finished slice waited a second to be drawn).
        if !self.shown_is_idle() {
            self.awake_frames = AWAKE_FRAMES;
        }
        // The slices are redrawn when the 3-D view is turned on or off.
        let force = std::mem::take(&mut self.force)
            | crate::web::surface_view::set_enabled(self.settings.surface);
        crate::web::surface_view::follow_layout();
        // A held view is drawn but does not advance.
        let budget_ms = if self.held { 0.0 } else { budget_ms };
        let training = budget_ms > 0.0 && self.shown_trains_on_page();
        for pool in [Pool::Slices, Pool::Experiments] {
            workers::leave_a_core_to_the_page(pool, training);
        }
        let s = &self.settings;
        match shown(s) {
            SceneKind::Sweep => self.sweep.frame(budget_ms, force),
            SceneKind::Minima => self.minima.frame(budget_ms, force),
            SceneKind::Tickets => self
                .tickets
                .get_or_insert_with(|| TicketsScene::new(s))
                .frame(budget_ms, force),
            SceneKind::Escape => {
                let e = self.escape.get_or_insert_with(|| EscapeScene::new(s));
                if self.pending.is_some() && e.is_stuck() {
                    self.pending = None;
                    e.add_neuron(e.requested_kind());
                }
                e.frame(budget_ms, force);
            }
            SceneKind::Compare => self
                .compare
                .get_or_insert_with(|| CompareScene::new(s))
                .frame(budget_ms, force),
            _ => self.playground.frame(budget_ms, force),
        }
        if self.settings.scene == SceneKind::Story {
            let mut panel = std::mem::take(&mut self.panel);
            panel.render(self, force);
            self.panel = panel;
        }
        dom::set_body_data("shown", shown(&self.settings).name());
        self.announcer.update(shown(&self.settings));
    }
}
