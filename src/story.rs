//! The guided story: seven pages, each a scene with preset settings and a claim whose sentences
//! are computed from the evidence the scene shows (no number is written into the prose).
//!
//! Pure Rust (no web dependency): the page layer shows [`page`]'s scene with the settings
//! [`resolve_hash`] gives, runs the page's [`Action`], and calls [`Page::claim`] with what the
//! scene has computed so far. `tests/story.rs` runs every page's preset with the engine and
//! checks that its claim holds.
//!
//! Success, everywhere: the final loss after Levenberg–Marquardt polishing is below the
//! success threshold (`thr`), and the run did not diverge.

use crate::core::newton::EndPoint;
use crate::experiments::escape::{Embedding, EscapeCase};
use crate::experiments::outcome::Outcome;
use crate::experiments::sweep::{SweepResult, WidthSummary};
use crate::experiments::tickets::{NeuronTicketResult, Rate};
use crate::settings::{Named, Notice, SceneKind, Settings};

/// What a page does on arrival, besides showing its scene.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Action {
    /// Nothing: the visitor presses the buttons.
    None,
    /// Start training the scene's students (playground, or both students of "compare").
    Train,
    /// Start the scene's experiment in the workers (if not already run).
    RunExperiment,
    /// Add a neuron (as the `emb` setting says) as soon as the narrow student is stuck.
    AddNeuron,
    /// Split a neuron as soon as the narrow student is stuck and train on; once that run has
    /// ended, show one button, [`ZERO_BUTTON_LABEL`], that goes back to the stuck point, adds a
    /// neuron with zero output weight instead (the engine's `attempts[1]`) and trains on.
    SplitThenOfferZero,
}

/// The label of the button of [`Action::SplitThenOfferZero`] (the claim's text names it).
pub const ZERO_BUTTON_LABEL: &str = "Add a zero-output neuron instead";

/// Legend name of the sweep chart's measured line (the claim's text names it).
pub const MEASURED_LEGEND: &str = "measured, with 95% interval";

/// Legend name (without its formula) of the sweep chart's every-k-subset lottery line.
pub const LOTTERY_SUBSETS_LEGEND: &str = "lottery, every k-subset a ticket";

/// The scenes a story page may show.
pub const STORY_SCENES: [SceneKind; 5] = [
    SceneKind::Playground,
    SceneKind::Compare,
    SceneKind::Sweep,
    SceneKind::Tickets,
    SceneKind::Escape,
];

/// Which claim a page makes, and so which evidence it reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ClaimKind {
    /// A narrow student fails where a wide one succeeds ([`compare_claim`]).
    Compare,
    /// Measured success sits below the every-k-subset lottery ([`sweep_claim`]).
    Sweep,
    /// Losing tickets embedded with one small extra neuron often succeed
    /// ([`losing_tickets_claim`]).
    LosingTicketsRescued,
    /// Some winning ticket fails when embedded among large neurons ([`winning_tickets_claim`]).
    WinningTicketsFail,
    /// The narrow student is stuck at a critical point with no negative eigenvalue
    /// ([`stuck_claim`]).
    Stuck,
    /// After a split the Hessian has negative eigenvalues and training escapes
    /// ([`split_claim`]).
    SplitEscapes,
    /// The split does not escape, a zero-output neuron does ([`rescue_claim`]).
    ZeroRescues,
}

/// One page of the story.
#[derive(Debug)]
pub struct Page {
    /// Heading.
    pub title: &'static str,
    /// The scene shown (one of [`STORY_SCENES`]).
    pub scene: SceneKind,
    /// Settings applied on arrival over the defaults (URL-hash form; keys in the link win).
    pub preset: &'static str,
    /// What starts by itself.
    pub action: Action,
    /// The claim the page makes.
    pub claim: ClaimKind,
}

/// The story.
///
/// Measured on the default teacher (tanh, k = 4, d = 2, N = 256, teacher seed 11) with the
/// default training (Adam 0.01, 6000 steps, 30 polishing steps, threshold 1e-5); the numbers
/// are in `tests/story.rs`, which checks every claim on its preset.
pub static PAGES: [Page; 7] = [
    Page {
        title: "1. Why do wider networks train better?",
        scene: SceneKind::Compare,
        preset: "width=16&seed=3&case=1",
        action: Action::Train,
        claim: ClaimKind::Compare,
    },
    Page {
        title: "2. Wider students succeed more often, but not like a lottery",
        scene: SceneKind::Sweep,
        preset: "widths=4,6&runs=30",
        action: Action::RunExperiment,
        claim: ClaimKind::Sweep,
    },
    Page {
        title: "3. Losing tickets can still win",
        scene: SceneKind::Tickets,
        preset: "gran=neuron&alpha=0.1&extra=1&runs=36&seed=3",
        action: Action::RunExperiment,
        claim: ClaimKind::LosingTicketsRescued,
    },
    Page {
        title: "4. Winning tickets can still lose",
        scene: SceneKind::Tickets,
        preset: "gran=neuron&alpha=16&extra=1&runs=12&seed=2",
        action: Action::RunExperiment,
        claim: ClaimKind::WinningTicketsFail,
    },
    Page {
        title: "5. A narrow student stuck in a bad minimum",
        scene: SceneKind::Escape,
        preset: "case=1&emb=split&mu=0.5",
        action: Action::None,
        claim: ClaimKind::Stuck,
    },
    Page {
        title: "6. One more neuron opens a way down",
        scene: SceneKind::Escape,
        preset: "case=1&emb=split&mu=0.5",
        action: Action::AddNeuron,
        claim: ClaimKind::SplitEscapes,
    },
    Page {
        title: "7. When a split is not enough",
        scene: SceneKind::Escape,
        preset: "case=4&emb=split&mu=0.5",
        action: Action::SplitThenOfferZero,
        claim: ClaimKind::ZeroRescues,
    },
];

/// The page numbered `n` (1-based, clamped into the story).
pub fn page(n: i64) -> &'static Page {
    &PAGES[(n.clamp(1, PAGES.len() as i64) - 1) as usize]
}

/// True if `n` is (or is clamped to) the last page.
pub fn is_last(n: i64) -> bool {
    n >= PAGES.len() as i64
}

/// The URL hash (without `#`) of page `n`: resolve it with [`resolve_hash`] to get its settings.
pub fn page_hash(n: i64) -> String {
    format!("scene=story&page={}", n.clamp(1, PAGES.len() as i64))
}

/// The settings a URL hash means, for any scene, and what parsing it changed.
///
/// For `scene=story`: the defaults, then the page's preset, then every key of the hash (keys
/// compared after percent-decoding, exactly as [`Settings::from_hash`] decodes them), so keys
/// in the link win over the preset. Other scenes: [`Settings::from_hash`]. The same hash gives
/// the same settings on load, on `hashchange` and from Back/Next.
pub fn resolve_hash(hash: &str) -> (Settings, Vec<Notice>) {
    let hash = hash.strip_prefix('#').unwrap_or(hash);
    let (first, notices) = Settings::from_hash(hash);
    if first.scene != SceneKind::Story {
        return (first, notices);
    }
    // `from_hash` applies pairs in order, later ones winning, and decodes every key: the
    // preset first, then the link's own pairs. Presets parse without notices (tested), so the
    // notices are the link's.
    Settings::from_hash(&format!("{}&{hash}", page(first.page).preset))
}

/// A page's claim about the evidence its scene shows.
#[derive(Clone, Debug, PartialEq)]
pub struct Claim {
    /// Two or three plain sentences; every number in them is formatted from the evidence.
    pub text: String,
    /// Whether the page's point is true of this evidence (false while it is incomplete).
    pub holds: bool,
    /// The quoted values, keyed by short names, exactly as they appear in `text`.
    pub numbers: Vec<(&'static str, String)>,
}

impl Claim {
    /// The quoted value named `key`, if the text quotes it.
    pub fn number(&self, key: &str) -> Option<&str> {
        self.numbers
            .iter()
            .find(|(k, _)| *k == key)
            .map(|(_, v)| v.as_str())
    }
}

/// The two runs of the "compare" scene, as far as they have got.
#[derive(Clone, Copy, Debug)]
pub struct CompareEvidence<'a> {
    /// Width of the narrow student (the settings' teacher width).
    pub narrow_width: usize,
    /// Seed of the narrow student (the settings' `case`).
    pub narrow_seed: u64,
    /// Width of the wide student (the settings' `width`).
    pub wide_width: usize,
    /// Seed of the wide student (the settings' `seed`).
    pub wide_seed: u64,
    /// Success threshold.
    pub threshold: f64,
    /// The narrow run's outcome, once finished.
    pub narrow: Option<&'a Outcome>,
    /// The wide run's outcome, once finished.
    pub wide: Option<&'a Outcome>,
}

impl<'a> CompareEvidence<'a> {
    /// The evidence of the compare scene under `settings`.
    pub fn new(
        settings: &Settings,
        narrow: Option<&'a Outcome>,
        wide: Option<&'a Outcome>,
    ) -> CompareEvidence<'a> {
        CompareEvidence {
            narrow_width: settings.teacher_width as usize,
            narrow_seed: settings.case as u64,
            wide_width: settings.width as usize,
            wide_seed: settings.seed as u64,
            threshold: settings.threshold,
            narrow,
            wide,
        }
    }
}

/// A widened stuck student, and (once finished) what training on from it gave.
#[derive(Clone, Copy, Debug)]
pub struct Widened<'a> {
    /// How it was widened.
    pub embedding: Embedding,
    /// The embedded point, classified.
    pub at_embedding: &'a EndPoint,
    /// Final loss (after polishing) of the run from the perturbed embedded point, once it ended.
    pub loss_after: Option<f64>,
    /// True if that run diverged.
    pub diverged: bool,
}

/// What the escape scene has computed so far.
#[derive(Clone, Copy, Debug)]
pub struct EscapeEvidence<'a> {
    /// Width of the narrow student (the settings' teacher width).
    pub width: usize,
    /// Seed of the narrow student (the settings' `case`).
    pub seed: u64,
    /// Success threshold.
    pub threshold: f64,
    /// The narrow student's polished end point, once it has one.
    pub stuck: Option<&'a EndPoint>,
    /// True if the narrow student's training diverged.
    pub diverged: bool,
    /// The split, once made.
    pub split: Option<Widened<'a>>,
    /// The zero-output neuron, once added.
    pub zero: Option<Widened<'a>>,
}

impl<'a> EscapeEvidence<'a> {
    /// Nothing computed yet, under `settings`.
    pub fn new(settings: &Settings) -> EscapeEvidence<'a> {
        EscapeEvidence {
            width: settings.teacher_width as usize,
            seed: settings.case as u64,
            threshold: settings.threshold,
            stuck: None,
            diverged: false,
            split: None,
            zero: None,
        }
    }

    /// A finished case of the engine (`analyse_case`): its stuck point and every attempt.
    pub fn from_case(settings: &Settings, case: &'a EscapeCase) -> EscapeEvidence<'a> {
        let mut e = EscapeEvidence::new(settings);
        e.seed = case.seed;
        e.stuck = Some(&case.stuck);
        for a in &case.attempts {
            let w = Widened {
                embedding: a.embedding,
                at_embedding: &a.at_embedding,
                loss_after: Some(a.loss_after),
                diverged: a.diverged,
            };
            match a.embedding {
                Embedding::Split { .. } => e.split = e.split.or(Some(w)),
                Embedding::ZeroOutput => e.zero = e.zero.or(Some(w)),
            }
        }
        e
    }
}

/// The evidence a page's scene shows.
#[derive(Clone, Copy, Debug)]
pub enum Evidence<'a> {
    /// The two runs of "compare".
    Compare(CompareEvidence<'a>),
    /// A sweep, summarised from the runs finished so far.
    Sweep(&'a SweepResult),
    /// A neuron-level ticket table, summarised from the tickets finished so far.
    Tickets(&'a NeuronTicketResult),
    /// The escape scene's state.
    Escape(EscapeEvidence<'a>),
}

impl Page {
    /// This page's claim about `evidence` (evidence of another scene gives a claim that does
    /// not hold and says what the page waits for).
    pub fn claim(&self, evidence: &Evidence<'_>) -> Claim {
        match (self.claim, evidence) {
            (ClaimKind::Compare, Evidence::Compare(e)) => compare_claim(e),
            (ClaimKind::Sweep, Evidence::Sweep(r)) => sweep_claim(r),
            (ClaimKind::LosingTicketsRescued, Evidence::Tickets(r)) => losing_tickets_claim(r),
            (ClaimKind::WinningTicketsFail, Evidence::Tickets(r)) => winning_tickets_claim(r),
            (ClaimKind::Stuck, Evidence::Escape(e)) => stuck_claim(e),
            (ClaimKind::SplitEscapes, Evidence::Escape(e)) => split_claim(e),
            (ClaimKind::ZeroRescues, Evidence::Escape(e)) => rescue_claim(e),
            _ => Claim {
                text: format!("Waiting for the {} scene's results.", self.scene.name()),
                holds: false,
                numbers: Vec::new(),
            },
        }
    }
}

/// Collects the quoted numbers while a text is written.
#[derive(Default)]
struct Quote {
    numbers: Vec<(&'static str, String)>,
}

impl Quote {
    /// Records `value` under `key` (once) and returns it for the text.
    fn q(&mut self, key: &'static str, value: impl Into<String>) -> String {
        let value = value.into();
        match self.numbers.iter().find(|(k, _)| *k == key) {
            Some((_, v)) => debug_assert_eq!(v, &value, "{key} quoted with two values"),
            None => self.numbers.push((key, value.clone())),
        }
        value
    }

    fn claim(self, text: String, holds: bool) -> Claim {
        Claim {
            text,
            holds,
            numbers: self.numbers,
        }
    }
}

/// What "success" means, for the texts.
fn success_means(threshold: &str) -> String {
    format!(
        "success means the final loss, after Levenberg–Marquardt polishing, is below {threshold}"
    )
}

/// A loss or other positive quantity in short scientific notation: `4.1e-2`, `1e-5`.
fn sci(x: f64) -> String {
    if !x.is_finite() {
        return format!("{x}");
    }
    let s = format!("{x:.1e}");
    s.replace(".0e", "e")
}

/// A signed eigenvalue: `+1.7e-3`, `-3.0e-1`.
fn signed(x: f64) -> String {
    let s = sci(x.abs());
    if x < 0.0 {
        format!("-{s}")
    } else {
        format!("+{s}")
    }
}

/// `x` (a proportion) in percent with `d` decimals.
fn pct_with(x: f64, d: usize) -> String {
    format!("{:.*}%", d, 100.0 * x)
}

/// True if the percent text of `x` rounds to 0% or 100% although `x` is not exactly 0 or 1.
fn misleading(x: f64, text: &str) -> bool {
    let v: f64 = text.trim_end_matches('%').parse().unwrap_or(f64::NAN);
    (v >= 100.0 && x < 1.0) || (v <= 0.0 && x > 0.0)
}

/// A proportion in percent: whole percent unless that rounds a non-certain value to 0% or 100%.
fn pct(x: f64) -> String {
    pcts(&[x]).remove(0)
}

/// Proportions in percent with shared decimals: as few as keep every strict inequality between
/// them visible and no uncertain value at 0% or 100%; beyond two decimals, `>99.99%`/`<0.01%`.
fn pcts(values: &[f64]) -> Vec<String> {
    for d in 0..=2 {
        let texts: Vec<String> = values.iter().map(|&x| pct_with(x, d)).collect();
        let parsed: Vec<f64> = texts
            .iter()
            .map(|t| t.trim_end_matches('%').parse().unwrap_or(f64::NAN))
            .collect();
        let order_kept = (0..values.len())
            .all(|i| (0..values.len()).all(|j| values[i] >= values[j] || parsed[i] < parsed[j]));
        let honest = values.iter().zip(&texts).all(|(&x, t)| !misleading(x, t));
        if order_kept && honest {
            return texts;
        }
    }
    values
        .iter()
        .map(|&x| {
            let t = pct_with(x, 2);
            if !misleading(x, &t) {
                t
            } else if x > 0.5 {
                ">99.99%".into()
            } else {
                "<0.01%".into()
            }
        })
        .collect()
}

/// `1 more neuron`, `2 more neurons`, quoting the count.
fn more_neurons(q: &mut Quote, count: usize) -> String {
    let n = q.q("extra", count.to_string());
    if count == 1 {
        format!("{n} more neuron")
    } else {
        format!("{n} more neurons")
    }
}

/// How the added neurons are drawn, in words, quoting alpha: small, usual or large scale.
fn drawn_at(q: &mut Quote, alpha: Option<f64>) -> String {
    let text = alpha.map_or_else(|| "?".into(), |a| format!("{a}"));
    let a = q.q("alpha", text);
    match alpha {
        Some(x) if x < 1.0 => format!("drawn small (alpha = {a})"),
        Some(x) if x > 1.0 => format!("drawn large (alpha = {a})"),
        _ => format!("drawn at the usual scale (alpha = {a})"),
    }
}

/// A list of integers in prose: `4`, `4 and 6`, `3, 4 and 5`.
fn list(values: &[usize]) -> String {
    let v: Vec<String> = values.iter().map(|x| x.to_string()).collect();
    match v.len() {
        0 => String::new(),
        1 => v[0].clone(),
        n => format!("{} and {}", v[..n - 1].join(", "), v[n - 1]),
    }
}

/// `C(n, k)` (saturating).
fn binomial(n: usize, k: usize) -> u128 {
    if k > n {
        return 0;
    }
    let k = k.min(n - k);
    (0..k).fold(1u128, |acc, i| {
        acc.saturating_mul((n - i) as u128) / (i as u128 + 1)
    })
}

/// How one finished run ended, in words, with its quoted loss.
fn run_end(q: &mut Quote, key: &'static str, o: &Outcome) -> String {
    if o.diverged {
        format!(
            "diverged (its loss blew up to {}; a smaller learning rate avoids that)",
            q.q(key, sci(o.trained_loss))
        )
    } else if o.success {
        format!("reached {}, a success", q.q(key, sci(o.final_loss)))
    } else {
        format!("stopped at {}, stuck", q.q(key, sci(o.final_loss)))
    }
}

/// Page 1: a narrow student (as wide as the teacher) gets stuck where a wide one succeeds.
///
/// Holds when the narrow run ended above the threshold without diverging and the wide run
/// succeeded.
pub fn compare_claim(e: &CompareEvidence<'_>) -> Claim {
    let mut q = Quote::default();
    let nw = q.q("narrow_width", e.narrow_width.to_string());
    let ns = q.q("narrow_seed", e.narrow_seed.to_string());
    let ww = q.q("wide_width", e.wide_width.to_string());
    let ws = q.q("wide_seed", e.wide_seed.to_string());
    let thr = q.q("threshold", sci(e.threshold));
    let rule =
        format!("Success here means a final loss below {thr} after Levenberg–Marquardt polishing");
    let pictures = "Two pictures compete to explain why width helps: lottery tickets (a wide \
                    network holds many subnetworks, and one of them starts well and wins alone) \
                    and escape dimensions (extra neurons turn dead ends into ways down); the \
                    next pages test both.";
    let (narrow, wide) = match (e.narrow, e.wide) {
        (Some(n), Some(w)) => (n, w),
        _ => {
            let state = |o: Option<&Outcome>| if o.is_some() { "done" } else { "training" };
            let text = format!(
                "{rule}. Training two students of the same teacher side by side: on the left \
                 one as wide as the teacher ({nw} neurons, seed {ns}: {}), on the right a \
                 width-{ww} one (seed {ws}: {}). {pictures}",
                state(e.narrow),
                state(e.wide),
            );
            return q.claim(text, false);
        }
    };
    let left = run_end(&mut q, "narrow_loss", narrow);
    let right = run_end(&mut q, "wide_loss", wide);
    let holds = !narrow.diverged && !narrow.success && wide.success;
    let verdict = if holds {
        ""
    } else if narrow.diverged || wide.diverged {
        " A run that diverged says nothing about minima."
    } else if narrow.success && wide.success {
        " This time both reached the teacher: with these seeds, width made no difference."
    } else if narrow.success {
        " This time the narrow student succeeded and the wide one did not: width makes success \
         more likely, not certain."
    } else {
        " This time the wide student did not succeed either: width makes success more likely, \
         not certain."
    };
    let text = format!(
        "{rule}: on the left, a student as wide as the teacher ({nw} neurons, seed {ns}) \
         {left}; on the right, a width-{ww} student (seed {ws}) {right}.{verdict} {pictures}"
    );
    q.claim(text, holds)
}

/// The width of `r` whose measured upper 95% bound lies furthest below the every-k-subset
/// lottery, if any does (widths above the teacher's, with runs).
fn width_below_lottery(r: &SweepResult) -> Option<&WidthSummary> {
    let k = r.config.task.teacher_width;
    r.widths
        .iter()
        .filter(|w| w.width > k && w.runs > 0 && w.ci.1 < w.lottery_combinatorial)
        .max_by(|a, b| {
            (a.lottery_combinatorial - a.ci.1)
                .total_cmp(&(b.lottery_combinatorial - b.ci.1))
                .then(b.width.cmp(&a.width))
        })
}

/// Page 2: at some width the measured success rate, even at the upper end of its 95% interval,
/// is below the lottery prediction with every k-subset a ticket.
///
/// Holds when every run of the sweep has finished and such a width exists (the claim quotes
/// the width where the gap is largest).
pub fn sweep_claim(r: &SweepResult) -> Claim {
    let mut q = Quote::default();
    let k = r.config.task.teacher_width;
    let seeds = r.config.seeds as usize;
    let total = seeds * r.config.widths.len();
    let finished: usize = r.widths.iter().map(|w| w.runs).sum();
    let thr = sci(r.config.run.threshold);
    if finished < total {
        let text = format!(
            "Training {} students of widths {} ({} seeds each) on a teacher of {} neurons: {} \
             finished so far. When all are done, this text compares the line \"{MEASURED_LEGEND}\" \
             with the line \"{LOTTERY_SUBSETS_LEGEND}\"; {}.",
            q.q("total", total.to_string()),
            q.q("widths", list(&r.config.widths)),
            q.q("seeds", seeds.to_string()),
            q.q("k", k.to_string()),
            q.q("finished", finished.to_string()),
            success_means(&q.q("threshold", thr.clone())),
        );
        return q.claim(text, false);
    }
    let thr = q.q("threshold", thr);
    let Some(at_k) = r.widths.iter().find(|w| w.width == k && w.runs > 0) else {
        let text = format!(
            "The lottery predictions start from the success rate of students as wide as the \
             teacher ({} neurons), and this sweep does not train that width. Add it to the \
             widths to see both lottery lines; {}.",
            q.q("k", k.to_string()),
            success_means(&thr)
        );
        return q.claim(text, false);
    };
    let p_text = format!(
        "{} of {} successes at width {}",
        q.q("p_successes", at_k.successes.to_string()),
        q.q("p_runs", at_k.runs.to_string()),
        q.q("k", k.to_string())
    );
    match width_below_lottery(r) {
        Some(w) => {
            let shown = pcts(&[w.ci.1, w.lottery_combinatorial]);
            let text = format!(
                "Each dot is one student; {}. At width {}, {} of {} succeeded ({}, the line \
                 \"{MEASURED_LEGEND}\"), and even the upper end of that interval, {}, is below \
                 the line \"{LOTTERY_SUBSETS_LEGEND}\", {}: what success would be if each of \
                 the {} groups of {k} neurons were a ticket winning as often as a width-{k} \
                 student ({p_text}). Wider students succeed more often, but less often than \
                 such a lottery predicts.",
                success_means(&thr),
                q.q("width", w.width.to_string()),
                q.q("successes", w.successes.to_string()),
                q.q("runs", w.runs.to_string()),
                q.q("rate", pct(w.success_rate)),
                q.q("upper", shown[0].clone()),
                q.q("lottery", shown[1].clone()),
                q.q("tickets", binomial(w.width, k).to_string()),
            );
            q.claim(text, true)
        }
        None => {
            // The width where the measured interval comes closest to falling below.
            let closest = r
                .widths
                .iter()
                .filter(|w| w.width > k && w.runs > 0)
                .min_by(|a, b| {
                    (a.ci.1 - a.lottery_combinatorial)
                        .total_cmp(&(b.ci.1 - b.lottery_combinatorial))
                });
            let detail = match closest {
                Some(w) => {
                    let shown = pcts(&[w.lottery_combinatorial, w.ci.1]);
                    format!(
                        " At width {}, {} of {} succeeded ({}, interval up to {}) against a \
                         prediction of {}.",
                        q.q("width", w.width.to_string()),
                        q.q("successes", w.successes.to_string()),
                        q.q("runs", w.runs.to_string()),
                        q.q("rate", pct(w.success_rate)),
                        q.q("upper", shown[1].clone()),
                        q.q("lottery", shown[0].clone()),
                    )
                }
                None => String::new(),
            };
            let text = format!(
                "Each dot is one student; {}. This time the line \"{MEASURED_LEGEND}\" reaches \
                 the line \"{LOTTERY_SUBSETS_LEGEND}\" (predicted from {p_text}) within its \
                 interval at every width wider than the teacher.{detail} More seeds narrow the \
                 intervals.",
                success_means(&thr),
            );
            q.claim(text, false)
        }
    }
}

/// The partial-progress text of a ticket table, if it is not complete.
fn tickets_progress(q: &mut Quote, r: &NeuronTicketResult) -> Option<String> {
    let total = r.config.tickets as usize;
    let done = r.tickets.len();
    if done >= total {
        return None;
    }
    let k = r.config.task.teacher_width;
    Some(format!(
        "Training {} tickets (starting points of {} neurons), each alone and inside a width-{} \
         network with {} {}: {} done so far; {}.",
        q.q("tickets", total.to_string()),
        q.q("k", k.to_string()),
        q.q("embedded_width", (k + r.config.extra).to_string()),
        more_neurons(q, r.config.extra),
        drawn_at(q, r.config.alphas.first().copied()),
        q.q("done", done.to_string()),
        success_means(&q.q("threshold", sci(r.config.alone.threshold))),
    ))
}

/// The first row's rates (given winning, given losing), or empty rates.
fn ticket_rates(r: &NeuronTicketResult) -> (Rate, Rate) {
    r.rows
        .first()
        .map_or((Rate::new(0, 0), Rate::new(0, 0)), |row| {
            (row.given_winning, row.given_losing)
        })
}

/// The first sentence of both ticket pages: how many tickets won alone.
fn tickets_alone(q: &mut Quote, r: &NeuronTicketResult, winning: usize) -> String {
    let thr = q.q("threshold", sci(r.config.alone.threshold));
    format!(
        "Each ticket is a starting point of {} neurons; trained alone, {} of {} won ({})",
        q.q("k", r.config.task.teacher_width.to_string()),
        q.q("winning", winning.to_string()),
        q.q("tickets", r.tickets.len().to_string()),
        success_means(&thr)
    )
}

/// Page 3 holds when the 95% lower bound of P(success | losing ticket inside) exceeds this: a
/// literal lottery predicts 0 (the margin of `tests/experiments.rs`).
pub const LOSING_RESCUE_LOWER_BOUND: f64 = 0.1;

/// Page 3: losing tickets, embedded with a small extra neuron, often succeed.
///
/// Holds when the table is complete, has losing tickets, and the 95% lower bound of their
/// embedded success rate exceeds [`LOSING_RESCUE_LOWER_BOUND`].
pub fn losing_tickets_claim(r: &NeuronTicketResult) -> Claim {
    let mut q = Quote::default();
    if let Some(text) = tickets_progress(&mut q, r) {
        return q.claim(text, false);
    }
    let k = r.config.task.teacher_width;
    let (winning, losing) = ticket_rates(r);
    let alone = tickets_alone(&mut q, r, winning.runs);
    if losing.runs == 0 {
        let text = format!("{alone}. No ticket lost alone, so there is no losing ticket to test.");
        return q.claim(text, false);
    }
    let holds = losing.ci.0 > LOSING_RESCUE_LOWER_BOUND;
    let how_many = if losing.rate > 0.5 {
        "more than half of them"
    } else if holds {
        "a good part of them"
    } else {
        "not clearly more than none"
    };
    let shown = pcts(&[losing.ci.0, losing.rate, losing.ci.1]);
    let text = format!(
        "{alone}. Placed in a width-{} network with {} {} and trained whole, {} of the {} \
         losing tickets succeeded ({}, 95% interval {} to {}): {how_many}, where a literal \
         lottery predicts that losers stay losers. {}",
        q.q("embedded_width", (k + r.config.extra).to_string()),
        more_neurons(&mut q, r.config.extra),
        drawn_at(&mut q, r.config.alphas.first().copied()),
        q.q("rescued", losing.successes.to_string()),
        q.q("losing", losing.runs.to_string()),
        q.q("rate", shown[1].clone()),
        q.q("lower", shown[0].clone()),
        q.q("upper", shown[2].clone()),
        if holds {
            "The added neurons give a stuck ticket directions in which it can still go down."
        } else {
            "This time the added neurons rarely helped."
        }
    );
    q.claim(text, holds)
}

/// Page 4: a winning ticket, embedded among neurons drawn large, can fail.
///
/// Holds when the table is complete, has winning tickets, and at least one of them fails
/// embedded.
pub fn winning_tickets_claim(r: &NeuronTicketResult) -> Claim {
    let mut q = Quote::default();
    if let Some(text) = tickets_progress(&mut q, r) {
        return q.claim(text, false);
    }
    let k = r.config.task.teacher_width;
    let (winning, losing) = ticket_rates(r);
    let alone = tickets_alone(&mut q, r, winning.runs);
    if winning.runs == 0 {
        let text = format!("{alone}. No ticket won alone, so there is no winning ticket to test.");
        return q.claim(text, false);
    }
    let failed = winning.runs - winning.successes;
    let holds = failed > 0;
    let setting = format!(
        "Placed in a width-{} network with {} {} and trained whole",
        q.q("embedded_width", (k + r.config.extra).to_string()),
        more_neurons(&mut q, r.config.extra),
        drawn_at(&mut q, r.config.alphas.first().copied()),
    );
    let text = if holds {
        format!(
            "{alone}. {setting}, {} of those {} winning tickets failed (and {} of {} losing \
             ones succeeded). A winning ticket does not win in isolation: the rest of the \
             network changes its fate.",
            q.q("failed", failed.to_string()),
            q.q("winning_embedded", winning.runs.to_string()),
            q.q("rescued", losing.successes.to_string()),
            q.q("losing", losing.runs.to_string()),
        )
    } else {
        format!(
            "{alone}. {setting}, all {} winning tickets still won: this time the rest of the \
             network did not spoil them (more tickets or a larger alpha may).",
            q.q("winning_embedded", winning.runs.to_string()),
        )
    };
    q.claim(text, holds)
}

/// Below this gradient norm an end point counts as a critical point.
pub const CRITICAL_GRADIENT: f64 = 1e-6;

/// The progress text of an escape scene before its narrow student has an end point, or the
/// reason there is nothing to escape from; `None` if the student is stuck.
fn escape_preamble(q: &mut Quote, e: &EscapeEvidence<'_>) -> Option<String> {
    let width = e.width.to_string();
    let seed = e.seed.to_string();
    if e.diverged {
        return Some(format!(
            "The width-{} student (seed {}) diverged: its loss blew up, so there is no \
             minimum to study (a smaller learning rate avoids that).",
            q.q("width", width),
            q.q("seed", seed),
        ));
    }
    let Some(stuck) = e.stuck else {
        return Some(format!(
            "Training a width-{} student (seed {}) until it stops, then polishing its end point \
             with Levenberg–Marquardt steps…",
            q.q("width", width),
            q.q("seed", seed),
        ));
    };
    if stuck.loss < e.threshold {
        return Some(format!(
            "This width-{} student (seed {}) reached the teacher: loss {}, below the threshold \
             {}. There is nothing to escape from; another seed gets stuck.",
            q.q("width", width),
            q.q("seed", seed),
            q.q("loss", sci(stuck.loss)),
            q.q("threshold", sci(e.threshold)),
        ));
    }
    None
}

/// Page 5: the narrow student is stuck at a critical point whose Hessian has no negative
/// eigenvalue.
///
/// Holds when its polished loss is above the threshold, its gradient norm is below
/// [`CRITICAL_GRADIENT`] and no eigenvalue is clearly negative (the engine's tolerance).
pub fn stuck_claim(e: &EscapeEvidence<'_>) -> Claim {
    let mut q = Quote::default();
    if let Some(text) = escape_preamble(&mut q, e) {
        return q.claim(text, false);
    }
    let stuck = e.stuck.expect("stuck end point");
    let thr = q.q("threshold", sci(e.threshold));
    let critical = stuck.gradient_norm < CRITICAL_GRADIENT;
    let first = format!(
        "This width-{} student (seed {}) stopped at loss {} after Levenberg–Marquardt polishing, \
         above the success threshold {thr}.",
        q.q("width", e.width.to_string()),
        q.q("seed", e.seed.to_string()),
        q.q("loss", sci(stuck.loss)),
    );
    let gradient = q.q("gradient", sci(stuck.gradient_norm));
    let min = q.q("min_eigenvalue", signed(stuck.min_eigenvalue));
    let second = if !critical {
        format!(
            " Its gradient is not yet zero (norm {gradient}): it is still creeping down a \
             plateau rather than sitting in a minimum."
        )
    } else if stuck.negative_eigenvalues > 0 {
        format!(
            " Its gradient is zero (norm {gradient}), but {} Hessian eigenvalue(s) are negative \
             (the smallest {min}): a saddle, not a minimum; a way down exists already.",
            q.q("negative", stuck.negative_eigenvalues.to_string())
        )
    } else if stuck.min_eigenvalue > 0.0 {
        format!(
            " Its gradient is zero (norm {gradient}) and its smallest Hessian eigenvalue is \
             {min}: every eigenvalue is positive, so in its own landscape no direction goes \
             down. A bad minimum; the slice around it is a basin."
        )
    } else {
        format!(
            " Its gradient is zero (norm {gradient}) and no Hessian eigenvalue is clearly \
             negative (the smallest, {min}, is zero within rounding): no direction goes down. \
             A bad minimum, with a flat direction."
        )
    };
    let holds = critical && stuck.negative_eigenvalues == 0;
    q.claim(format!("{first}{second}"), holds)
}

/// How a stuck network was widened, in words (`long` explains the split).
fn describe(q: &mut Quote, embedding: &Embedding, long: bool) -> String {
    match *embedding {
        Embedding::Split { neuron, mu } => {
            let neuron = q.q("neuron", (neuron + 1).to_string());
            let mu = q.q("mu", format!("{mu}"));
            if long {
                format!(
                    "Splitting neuron {neuron} in two (mu = {mu}: both copies keep its incoming \
                     weights and share its outgoing weight)"
                )
            } else {
                format!("Splitting neuron {neuron} (mu = {mu})")
            }
        }
        Embedding::ZeroOutput => "Adding a neuron with zero output weight".into(),
    }
}

/// Keys under which an embedded point's numbers are quoted.
struct Keys {
    negative: &'static str,
    min: &'static str,
    gradient: &'static str,
    after: &'static str,
}

const SPLIT_KEYS: Keys = Keys {
    negative: "negative",
    min: "min_eigenvalue",
    gradient: "gradient",
    after: "loss_after",
};

const ZERO_KEYS: Keys = Keys {
    negative: "zero_negative",
    min: "zero_min_eigenvalue",
    gradient: "zero_gradient",
    after: "zero_loss_after",
};

/// What the spectrum (and, off a critical point, the gradient) at an embedded point shows.
fn spectrum_words(q: &mut Quote, w: &Widened<'_>, keys: &Keys) -> String {
    let end = w.at_embedding;
    let mut s = match end.negative_eigenvalues {
        0 => format!(
            "no clearly negative Hessian eigenvalue (the smallest is {})",
            q.q(keys.min, signed(end.min_eigenvalue))
        ),
        1 => format!(
            "{} negative Hessian eigenvalue ({}), a direction that goes downhill",
            q.q(keys.negative, "1"),
            q.q(keys.min, signed(end.min_eigenvalue))
        ),
        n => format!(
            "{} negative Hessian eigenvalues (the smallest {}), directions that go downhill",
            q.q(keys.negative, n.to_string()),
            q.q(keys.min, signed(end.min_eigenvalue))
        ),
    };
    if end.gradient_norm >= CRITICAL_GRADIENT {
        s.push_str(&format!(
            ", and a gradient (norm {}) along the new weights",
            q.q(keys.gradient, sci(end.gradient_norm))
        ));
    }
    s
}

/// What training on from an embedded point gave (`None` while it runs), with its final
/// punctuation.
fn after_words(q: &mut Quote, w: &Widened<'_>, threshold: f64, keys: &Keys) -> String {
    match w.loss_after {
        None => "training on from a slightly perturbed copy…".into(),
        Some(l) if w.diverged => format!(
            "training on from a slightly perturbed copy diverged (the loss blew up to {}).",
            q.q(keys.after, sci(l))
        ),
        Some(l) if l < threshold => format!(
            "trained on from a slightly perturbed copy and polished, it reached {}: it escaped.",
            q.q(keys.after, sci(l))
        ),
        Some(l) => format!(
            "trained on from a slightly perturbed copy and polished, it ended at {}, still \
             above the threshold: it did not escape.",
            q.q(keys.after, sci(l))
        ),
    }
}

/// True if a finished widened run escaped.
fn escaped(w: &Widened<'_>, threshold: f64) -> bool {
    !w.diverged && w.loss_after.is_some_and(|l| l < threshold)
}

/// "This width-4 student (seed 1) is stuck at loss 4.1e-2, above the success threshold 1e-5
/// (...)."
fn stuck_intro(q: &mut Quote, e: &EscapeEvidence<'_>, stuck: &EndPoint) -> String {
    format!(
        "This width-{} student (seed {}) is stuck at loss {}, above the success threshold {} \
         (success: a loss after Levenberg–Marquardt polishing below it).",
        q.q("width", e.width.to_string()),
        q.q("seed", e.seed.to_string()),
        q.q("loss", sci(stuck.loss)),
        q.q("threshold", sci(e.threshold)),
    )
}

/// Page 6: after a split the Hessian has negative eigenvalues, and training escapes.
///
/// Reads the split (or, if the visitor chose it, the zero-output neuron). Holds when the
/// embedded point has at least one clearly negative eigenvalue and training from it escaped.
pub fn split_claim(e: &EscapeEvidence<'_>) -> Claim {
    let mut q = Quote::default();
    if let Some(text) = escape_preamble(&mut q, e) {
        return q.claim(text, false);
    }
    let stuck = e.stuck.expect("stuck end point");
    let intro = stuck_intro(&mut q, e, stuck);
    let Some(w) = e.split.or(e.zero) else {
        return q.claim(format!("{intro} Adding a neuron…"), false);
    };
    let how = describe(&mut q, &w.embedding, true);
    let text = format!(
        "{intro} {how} gives a width-{} network with the same function and loss, but {}; {}",
        q.q("wide_width", (e.width + 1).to_string()),
        spectrum_words(&mut q, &w, &SPLIT_KEYS),
        after_words(&mut q, &w, e.threshold, &SPLIT_KEYS),
    );
    let holds = w.at_embedding.negative_eigenvalues > 0 && escaped(&w, e.threshold);
    q.claim(text, holds)
}

/// Page 7: the split has a negative eigenvalue but does not escape; a zero-output neuron added
/// at the same stuck point does.
///
/// Holds when the split's run ended above the threshold (without diverging) and the
/// zero-output neuron's run escaped.
pub fn rescue_claim(e: &EscapeEvidence<'_>) -> Claim {
    let mut q = Quote::default();
    if let Some(text) = escape_preamble(&mut q, e) {
        return q.claim(text, false);
    }
    let stuck = e.stuck.expect("stuck end point");
    let intro = stuck_intro(&mut q, e, stuck);
    let Some(split) = e.split else {
        return q.claim(format!("{intro} Splitting a neuron…"), false);
    };
    let how = describe(&mut q, &split.embedding, false);
    let split_text = format!(
        "{how} gives {}; {}",
        spectrum_words(&mut q, &split, &SPLIT_KEYS),
        after_words(&mut q, &split, e.threshold, &SPLIT_KEYS),
    );
    let split_escaped = escaped(&split, e.threshold);
    let split_done = split.loss_after.is_some();
    let Some(zero) = e.zero else {
        let next = if split_done && !split_escaped {
            format!(
                " Press \"{ZERO_BUTTON_LABEL}\" to go back to the stuck point and add a neuron \
                 with zero output weight instead."
            )
        } else {
            String::new()
        };
        return q.claim(format!("{intro} {split_text}{next}"), false);
    };
    let zero_text = format!(
        "Back at the stuck point, a neuron with zero output weight instead gives {}; {}",
        spectrum_words(&mut q, &zero, &ZERO_KEYS),
        after_words(&mut q, &zero, e.threshold, &ZERO_KEYS),
    );
    let holds = split_done && !split.diverged && !split_escaped && escaped(&zero, e.threshold);
    let verdict = if holds || zero.loss_after.is_none() {
        ""
    } else if split_escaped {
        " This time the split was enough on its own."
    } else {
        " This time neither way out led to the teacher."
    };
    q.claim(format!("{intro} {split_text} {zero_text}{verdict}"), holds)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percents_keep_order_and_never_round_uncertainty_away() {
        assert_eq!(pcts(&[0.927, 0.981]), vec!["93%", "98%"]);
        assert_eq!(pcts(&[0.985, 0.9866]), vec!["98%", "99%"]);
        assert_eq!(pcts(&[0.9851, 0.9853]), vec!["98.51%", "98.53%"]);
        assert_eq!(pcts(&[0.99, 1.0 - 1e-9]), vec!["99.00%", ">99.99%"]);
        assert_eq!(pcts(&[1.0, 0.0]), vec!["100%", "0%"]);
        assert_eq!(pct(0.004), "0.4%");
        assert_eq!(pct(1e-9), "<0.01%");
    }

    #[test]
    fn numbers_are_short_and_signed() {
        assert_eq!(sci(1e-5), "1e-5");
        assert_eq!(sci(4.122e-2), "4.1e-2");
        assert_eq!(sci(2.7e6), "2.7e6");
        assert_eq!(signed(1.688e-3), "+1.7e-3");
        assert_eq!(signed(-0.3011), "-3e-1");
        assert_eq!(list(&[4, 6]), "4 and 6");
        assert_eq!(list(&[3, 4, 5]), "3, 4 and 5");
        assert_eq!(binomial(6, 4), 15);
        assert_eq!(binomial(3, 4), 0);
    }
}
