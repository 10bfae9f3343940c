//! Every user setting of the explorer, driven by one table of properties: its URL key, label,
//! default and allowed range. Parsing a URL hash clamps values into range and reports what it
//! changed; serialising writes every setting, so a copied URL reproduces the run.
//!
//! Pure Rust: tested natively, used by the web layer.

use crate::core::activation::Activation;
use crate::core::optim::{OptimizerConfig, OptimizerKind};
use crate::core::plane::PlaneKind;
use crate::core::task::TaskConfig;
use crate::core::train::TrainConfig;
use crate::experiments::census::DataModel;
use crate::experiments::escape::EmbeddingKind;

/// All settings of a playground run.
#[derive(Clone, Debug, PartialEq)]
pub struct Settings {
    /// Which view is shown.
    pub scene: SceneKind,
    /// True shows only the scene and its essential controls (for slides).
    pub embed: bool,
    /// Student width `n`.
    pub width: i64,
    /// Teacher width `k`.
    pub teacher_width: i64,
    /// Input dimension `d`.
    pub input_dim: i64,
    /// Number of training inputs `N`.
    pub samples: i64,
    /// Activation of teacher and student.
    pub activation: Activation,
    /// Optimiser.
    pub optimizer: OptimizerKind,
    /// Learning rate.
    pub learning_rate: f64,
    /// Seed of the student's initialisation.
    pub seed: i64,
    /// Seed of the teacher and the inputs.
    pub teacher_seed: i64,
    /// Optimiser steps per animation frame.
    pub speed: i64,
    /// Step limit of the run.
    pub max_steps: i64,
    /// Slice plane kind.
    pub plane: PlaneKind,
    /// Grid points per side of the slice.
    pub resolution: i64,
    /// Half-width of the slice in plane units.
    pub extent: f64,
    /// Whether random slice directions also move the biases.
    pub biases: bool,
    /// Whether the playground's slice keeps being recomputed around the student while it
    /// trains (in the slice workers), rather than only when training pauses.
    pub live_slice: bool,
    /// Whether slices are drawn as 3-D surfaces (WebGL2) rather than flat heatmaps.
    pub surface: bool,
    /// Success threshold on the loss.
    pub threshold: f64,
    /// Widths of a width sweep.
    pub widths: Vec<i64>,
    /// Seeds per width of a sweep, or tickets of a ticket experiment.
    pub runs: i64,
    /// Optimiser steps of each experiment run (sweeps, tickets).
    pub experiment_steps: i64,
    /// Ticket granularity.
    pub granularity: Granularity,
    /// Scale of the rest of the network around a ticket.
    pub alpha: f64,
    /// Neurons added around a neuron-level ticket.
    pub extra: i64,
    /// Fraction of the surviving weights pruned per round.
    pub prune: f64,
    /// Pruning rounds.
    pub rounds: i64,
    /// Rewinding point (steps of dense training) of weight-level tickets.
    pub rewind: i64,
    /// How the escape scene widens its stuck student.
    pub embedding: EmbeddingKind,
    /// The loss the census explores: the finite sample or the population.
    pub data: DataModel,
    /// Split coefficient.
    pub mu: f64,
    /// Seed of the stuck student in the escape scene.
    pub case: i64,
    /// Page of the guided story.
    pub page: i64,
}

/// The type and range of a property.
#[derive(Clone, Copy, Debug)]
pub enum Kind {
    /// An integer in `[min, max]`.
    Int {
        /// Smallest allowed value.
        min: i64,
        /// Largest allowed value.
        max: i64,
    },
    /// A float in `[min, max]`.
    Float {
        /// Smallest allowed value.
        min: f64,
        /// Largest allowed value.
        max: f64,
    },
    /// One of a list of names (the enum's own, see [`Named`]).
    Choice(fn() -> Vec<&'static str>),
    /// A comma-separated list of distinct integers in `[min, max]`, at most `max_len` long.
    IntList {
        /// Smallest allowed value.
        min: i64,
        /// Largest allowed value.
        max: i64,
        /// Longest list.
        max_len: usize,
    },
}

/// A setting's value, in its property's kind.
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    /// Integer setting.
    Int(i64),
    /// Float setting.
    Float(f64),
    /// Named choice.
    Choice(String),
    /// List of integers.
    IntList(Vec<i64>),
}

/// What changing a setting affects.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Effect {
    /// Which view is shown (scene, embed mode, story page).
    Scene,
    /// The run itself: the playground starts over.
    Restart,
    /// The step limit of the playground's run (it continues if raised).
    StepLimit,
    /// Only the landscape slice (recomputed when paused).
    Slice,
    /// Only how runs are shown (animation speed, live or 3-D slices): nothing restarts.
    Display,
    /// An experiment scene's runs (each scene rebuilds when a setting it reads changes).
    Experiment,
}

/// One row of the settings table.
pub struct Property {
    /// Key in the URL hash and id of the HTML control.
    pub key: &'static str,
    /// Human label of the control.
    pub label: &'static str,
    /// What changing it affects.
    pub effect: Effect,
    /// Type and range.
    pub kind: Kind,
    /// Reads the setting.
    pub get: fn(&Settings) -> Value,
    /// Writes the setting (the value is already in range).
    pub set: fn(&mut Settings, Value),
}

macro_rules! int_prop {
    ($key:literal, $label:literal, $field:ident, $min:expr, $max:expr, $effect:ident) => {
        Property {
            key: $key,
            label: $label,
            effect: Effect::$effect,
            kind: Kind::Int {
                min: $min,
                max: $max,
            },
            get: |s| Value::Int(s.$field),
            set: |s, v| {
                if let Value::Int(x) = v {
                    s.$field = x
                }
            },
        }
    };
}

macro_rules! float_prop {
    ($key:literal, $label:literal, $field:ident, $min:expr, $max:expr, $effect:ident) => {
        Property {
            key: $key,
            label: $label,
            effect: Effect::$effect,
            kind: Kind::Float {
                min: $min,
                max: $max,
            },
            get: |s| Value::Float(s.$field),
            set: |s, v| {
                if let Value::Float(x) = v {
                    s.$field = x
                }
            },
        }
    };
}

macro_rules! list_prop {
    ($key:literal, $label:literal, $field:ident, $min:expr, $max:expr, $len:expr, $effect:ident) => {
        Property {
            key: $key,
            label: $label,
            effect: Effect::$effect,
            kind: Kind::IntList {
                min: $min,
                max: $max,
                max_len: $len,
            },
            get: |s| Value::IntList(s.$field.clone()),
            set: |s, v| {
                if let Value::IntList(x) = v {
                    s.$field = x
                }
            },
        }
    };
}

macro_rules! choice_prop {
    ($key:literal, $label:literal, $field:ident, $ty:ty, $effect:ident) => {
        Property {
            key: $key,
            label: $label,
            effect: Effect::$effect,
            kind: Kind::Choice(names::<$ty>),
            get: |s| Value::Choice(s.$field.name().to_string()),
            set: |s, v| {
                if let Value::Choice(x) = v {
                    if let Some(e) = from_name::<$ty>(&x) {
                        s.$field = e
                    }
                }
            },
        }
    };
}

/// A yes/no setting written with two names (`embed=0/1`, `bias=no/yes`).
macro_rules! bool_prop {
    ($key:literal, $label:literal, $field:ident, $no:literal, $yes:literal, $effect:ident) => {
        Property {
            key: $key,
            label: $label,
            effect: Effect::$effect,
            kind: Kind::Choice(|| vec![$no, $yes]),
            get: |s| Value::Choice(if s.$field { $yes } else { $no }.to_string()),
            set: |s, v| {
                if let Value::Choice(x) = v {
                    s.$field = x == $yes
                }
            },
        }
    };
}

/// A setting whose values are named: an enum with every value listed, each with its URL name.
/// The settings table takes a choice's names from here, so the URL format follows the enum.
pub trait Named: Copy + PartialEq + 'static {
    /// Every value, in the order of the control's options.
    fn all() -> &'static [Self];
    /// The value's name in URLs and menus.
    fn name(self) -> &'static str;
}

/// Every name of `T`, in order.
pub fn names<T: Named>() -> Vec<&'static str> {
    T::all().iter().map(|v| v.name()).collect()
}

/// The value of `T` called `name`.
pub fn from_name<T: Named>(name: &str) -> Option<T> {
    T::all().iter().copied().find(|v| v.name() == name)
}

/// Implements [`Named`] for an enum from `Variant => "name"` pairs.
macro_rules! named {
    ($ty:ty { $($variant:expr => $name:literal),+ $(,)? }) => {
        impl Named for $ty {
            fn all() -> &'static [Self] {
                &[$($variant),+]
            }
            fn name(self) -> &'static str {
                $(if self == $variant {
                    return $name;
                })+
                unreachable!()
            }
        }
    };
}

/// The views of the page.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SceneKind {
    /// One student trained live.
    Playground,
    /// Success against width.
    Sweep,
    /// Lottery tickets alone and embedded.
    Tickets,
    /// Escape from a bad minimum by adding a neuron.
    Escape,
    /// The guided story (each page shows one of the others).
    Story,
    /// A narrow and a wide student side by side.
    Compare,
    /// The census of minima per width and what widening does to each bad one.
    Minima,
}

named!(SceneKind {
    SceneKind::Playground => "playground",
    SceneKind::Sweep => "sweep",
    SceneKind::Tickets => "tickets",
    SceneKind::Escape => "escape",
    SceneKind::Story => "story",
    SceneKind::Compare => "compare",
    SceneKind::Minima => "minima",
});

impl SceneKind {
    /// The value's URL name.
    pub fn as_str(self) -> &'static str {
        self.name()
    }
}

/// Lottery tickets made of whole neurons or of single weights.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Granularity {
    /// A width-k init inside a wider network.
    Neuron,
    /// Iterative magnitude pruning with rewinding.
    Weight,
}

named!(Granularity {
    Granularity::Neuron => "neuron",
    Granularity::Weight => "weight",
});

named!(EmbeddingKind {
    EmbeddingKind::Split => "split",
    EmbeddingKind::ZeroOutput => "zero",
});

named!(DataModel {
    DataModel::Sample => "sample",
    DataModel::Population => "population",
});

impl Named for Activation {
    fn all() -> &'static [Self] {
        &Activation::ALL
    }
    fn name(self) -> &'static str {
        Activation::name(self)
    }
}

impl Named for OptimizerKind {
    fn all() -> &'static [Self] {
        &OptimizerKind::ALL
    }
    fn name(self) -> &'static str {
        OptimizerKind::name(self)
    }
}

impl Named for PlaneKind {
    fn all() -> &'static [Self] {
        &PlaneKind::ALL
    }
    fn name(self) -> &'static str {
        PlaneKind::name(self)
    }
}

/// Largest seed accepted (seeds are 32-bit so they survive any URL round trip).
pub const MAX_SEED: i64 = u32::MAX as i64;

/// The table of every setting, in the order of the URL and the control panel.
pub const PROPERTIES: &[Property] = &[
    choice_prop!("scene", "View", scene, SceneKind, Scene),
    bool_prop!("embed", "Embedded (slides)", embed, "0", "1", Scene),
    int_prop!("width", "Student width n", width, 1, 64, Restart),
    int_prop!("teacher", "Teacher width k", teacher_width, 1, 16, Restart),
    int_prop!("dim", "Input dimension d", input_dim, 1, 8, Restart),
    int_prop!("samples", "Training inputs N", samples, 32, 2048, Restart),
    choice_prop!("act", "Activation", activation, Activation, Restart),
    choice_prop!("opt", "Optimiser", optimizer, OptimizerKind, Restart),
    float_prop!("lr", "Learning rate", learning_rate, 1e-5, 2.0, Restart),
    int_prop!("seed", "Student seed", seed, 0, MAX_SEED, Restart),
    int_prop!("tseed", "Teacher seed", teacher_seed, 0, MAX_SEED, Restart),
    int_prop!("speed", "Steps per frame", speed, 1, 500, Display),
    int_prop!("steps", "Step limit", max_steps, 100, 200_000, StepLimit),
    choice_prop!("plane", "Slice plane", plane, PlaneKind, Slice),
    int_prop!("res", "Grid resolution", resolution, 11, 201, Slice),
    float_prop!("extent", "Slice extent", extent, 0.01, 5.0, Slice),
    bool_prop!(
        "bias",
        "Random plane moves biases",
        biases,
        "no",
        "yes",
        Slice
    ),
    bool_prop!(
        "live",
        "Slice follows training",
        live_slice,
        "0",
        "1",
        Display
    ),
    bool_prop!("surface", "3-D surface", surface, "0", "1", Display),
    float_prop!("thr", "Success threshold", threshold, 1e-12, 1.0, Restart),
    list_prop!("widths", "Widths to sweep", widths, 1, 64, 12, Experiment),
    int_prop!("runs", "Seeds (runs)", runs, 1, 200, Experiment),
    int_prop!(
        "esteps",
        "Steps per run",
        experiment_steps,
        100,
        50_000,
        Experiment
    ),
    choice_prop!(
        "gran",
        "Ticket granularity",
        granularity,
        Granularity,
        Experiment
    ),
    float_prop!(
        "alpha",
        "Scale alpha of the rest",
        alpha,
        0.0,
        32.0,
        Experiment
    ),
    int_prop!(
        "extra",
        "Neurons added around the ticket",
        extra,
        1,
        16,
        Experiment
    ),
    float_prop!("prune", "Pruned per round", prune, 0.01, 0.9, Experiment),
    int_prop!("rounds", "Pruning rounds", rounds, 1, 10, Experiment),
    int_prop!("rewind", "Rewind to step", rewind, 0, 5000, Experiment),
    choice_prop!(
        "emb",
        "Add a neuron by",
        embedding,
        EmbeddingKind,
        Experiment
    ),
    float_prop!("mu", "Split coefficient mu", mu, -1.0, 2.0, Experiment),
    choice_prop!("data", "Data model", data, DataModel, Experiment),
    int_prop!("case", "Stuck student seed", case, 0, MAX_SEED, Experiment),
    int_prop!("page", "Story page", page, 1, 7, Scene),
];

impl Default for Settings {
    /// The science notes' calibration: tanh teacher k = 4, d = 2, N = 256 (teacher seed 11, see
    /// `TaskConfig::default`), Adam lr 0.01, and a width-5 student whose seed 3 reaches the
    /// teacher.
    fn default() -> Settings {
        Settings {
            width: 5,
            teacher_width: 4,
            input_dim: 2,
            samples: 256,
            activation: Activation::Tanh,
            optimizer: OptimizerKind::Adam,
            learning_rate: 0.01,
            seed: 3,
            teacher_seed: 11,
            speed: 20,
            max_steps: 10_000,
            plane: PlaneKind::Random,
            resolution: 51,
            extent: 1.0,
            biases: false,
            live_slice: true,
            surface: false,
            threshold: 1e-5,
            scene: SceneKind::Playground,
            embed: false,
            widths: vec![3, 4, 5, 6, 8],
            runs: 12,
            experiment_steps: 6000,
            granularity: Granularity::Neuron,
            data: DataModel::Sample,
            alpha: 1.0,
            extra: 1,
            prune: 0.1,
            rounds: 2,
            rewind: 0,
            embedding: EmbeddingKind::Split,
            mu: 0.5,
            case: 1,
            page: 1,
        }
    }
}

/// What parsing a URL changed, for the visitor to read.
#[derive(Clone, Debug, PartialEq)]
pub struct Notice {
    /// The URL key concerned.
    pub key: String,
    /// A plain-language explanation.
    pub message: String,
}

/// Formats a float compactly and exactly enough to round-trip.
fn format_float(x: f64) -> String {
    if x != 0.0 && (x.abs() < 1e-3 || x.abs() >= 1e6) {
        format!("{x:e}")
    } else {
        format!("{x}")
    }
}

impl Value {
    fn to_url(&self) -> String {
        match self {
            Value::Int(i) => i.to_string(),
            Value::Float(f) => format_float(*f),
            Value::Choice(s) => s.clone(),
            Value::IntList(v) => v
                .iter()
                .map(|x| x.to_string())
                .collect::<Vec<_>>()
                .join(","),
        }
    }
}

/// Largest `samples * parameters^2` at which gradient flow may train on the page: the exact
/// Hessian of 641 parameters on 2048 samples (8.4e8) takes about 0.5 s in wasm, so a step at
/// this bound takes about 20 ms.
pub const FLOW_MAX_WORK: f64 = 3e7;

/// Longest part of a raw URL value that a notice quotes, in characters (the rest is elided).
pub const QUOTE_CHARS: usize = 40;

/// `raw` cut to [`QUOTE_CHARS`] characters, with an ellipsis if anything was cut, so that a
/// notice about a 100 KB value stays one short sentence.
fn shown(raw: &str) -> String {
    match raw.char_indices().nth(QUOTE_CHARS) {
        Some((end, _)) => format!("{}…", &raw[..end]),
        None => raw.to_string(),
    }
}

/// `raw` cut as by [`shown`], in quotes, with control characters escaped.
fn quote(raw: &str) -> String {
    match raw.char_indices().nth(QUOTE_CHARS) {
        Some((end, _)) => format!("{:?}…", &raw[..end]),
        None => format!("{raw:?}"),
    }
}

/// The number written in `raw`, if it is one: a decimal or scientific literal of any length.
/// Literals too large for `f64` (400 digits, `1e400`) read as ±infinity, so they are clamped
/// into range like any other out-of-range number; the words `inf`, `infinity` and `nan` (which
/// Rust's parser also accepts) are not numbers here.
fn read_number(raw: &str) -> Option<f64> {
    if let Ok(i) = raw.parse::<i64>() {
        return Some(i as f64);
    }
    let digits = raw.strip_prefix(['+', '-']).unwrap_or(raw);
    if !digits.starts_with(|c: char| c.is_ascii_digit() || c == '.') {
        return None;
    }
    raw.parse::<f64>().ok().filter(|x| !x.is_nan())
}

impl Property {
    /// Parses `raw` for this property: `Ok` with a value in range, or `Err` with a notice and
    /// the value to use instead (clamped, or the default if unreadable).
    pub fn parse(&self, raw: &str, default: &Value) -> Result<Value, (Value, String)> {
        let raw = raw.trim();
        match self.kind {
            Kind::Int { min, max } => match read_number(raw) {
                None => Err((
                    default.clone(),
                    format!(
                        "{}={} is not a whole number; using the default {}.",
                        self.key,
                        quote(raw),
                        default.to_url()
                    ),
                )),
                Some(x) => {
                    let clamped = x.round().clamp(min as f64, max as f64) as i64;
                    if clamped as f64 == x {
                        Ok(Value::Int(clamped))
                    } else {
                        Err((
                            Value::Int(clamped),
                            format!(
                                "{}={} is outside {min}–{max}; using {clamped}.",
                                self.key,
                                shown(raw)
                            ),
                        ))
                    }
                }
            },
            Kind::Float { min, max } => match read_number(raw) {
                None => Err((
                    default.clone(),
                    format!(
                        "{}={} is not a number; using the default {}.",
                        self.key,
                        quote(raw),
                        default.to_url()
                    ),
                )),
                Some(x) if x < min || x > max => {
                    let c = x.clamp(min, max);
                    Err((
                        Value::Float(c),
                        format!(
                            "{}={} is outside {}–{}; using {}.",
                            self.key,
                            shown(raw),
                            format_float(min),
                            format_float(max),
                            format_float(c)
                        ),
                    ))
                }
                Some(x) => Ok(Value::Float(x)),
            },
            Kind::IntList { min, max, max_len } => {
                let mut values = Vec::new();
                let mut bad = false;
                for part in raw.split(',').map(str::trim).filter(|p| !p.is_empty()) {
                    match read_number(part) {
                        Some(x) => {
                            let c = x.round().clamp(min as f64, max as f64) as i64;
                            bad |= c as f64 != x;
                            values.push(c);
                        }
                        None => bad = true,
                    }
                }
                values.sort_unstable();
                values.dedup();
                if values.len() > max_len {
                    values.truncate(max_len);
                    bad = true;
                }
                if values.is_empty() {
                    return Err((
                        default.clone(),
                        format!(
                            "{}={} holds no usable number; using {}.",
                            self.key,
                            quote(raw),
                            default.to_url()
                        ),
                    ));
                }
                let v = Value::IntList(values);
                if bad {
                    let used = v.to_url();
                    Err((
                        v,
                        format!(
                            "{}={}: values must be whole numbers in {min}–{max}, at most \
                             {max_len}; using {used}.",
                            self.key,
                            quote(raw)
                        ),
                    ))
                } else {
                    Ok(v)
                }
            }
            Kind::Choice(names) => {
                let options = names();
                let lower = raw.to_ascii_lowercase();
                if options.contains(&lower.as_str()) {
                    Ok(Value::Choice(lower))
                } else {
                    Err((
                        default.clone(),
                        format!(
                            "{}={} is not one of {}; using {}.",
                            self.key,
                            quote(raw),
                            options.join(", "),
                            default.to_url()
                        ),
                    ))
                }
            }
        }
    }
}

/// Looks up a property by URL key.
pub fn property(key: &str) -> Option<&'static Property> {
    PROPERTIES.iter().find(|p| p.key == key)
}

/// Decodes `%XX` escapes and `+` of a URL component (invalid escapes are kept as they are).
fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'%' if i + 2 < bytes.len() => {
                let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).ok();
                match hex.and_then(|h| u8::from_str_radix(h, 16).ok()) {
                    Some(b) => {
                        out.push(b);
                        i += 3;
                    }
                    None => {
                        out.push(b'%');
                        i += 1;
                    }
                }
            }
            b'+' => {
                out.push(b' ');
                i += 1;
            }
            b => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

impl Settings {
    /// Reads settings from a URL hash such as `#width=6&lr=0.01`. Missing keys take their
    /// defaults; bad or out-of-range values are replaced and explained in the notices; unknown
    /// keys (such as a scene name) are ignored.
    pub fn from_hash(hash: &str) -> (Settings, Vec<Notice>) {
        let mut settings = Settings::default();
        let defaults = Settings::default();
        let mut notices = Vec::new();
        let hash = hash.strip_prefix('#').unwrap_or(hash);
        for pair in hash.split('&').filter(|p| !p.is_empty()) {
            let (key, raw) = pair.split_once('=').unwrap_or((pair, ""));
            let key = percent_decode(key);
            let Some(prop) = property(&key) else { continue };
            let raw = percent_decode(raw);
            // A later value of a key replaces an earlier one, and so does its notice (so that
            // a hash repeating a key a thousand times gets at most one notice per key).
            notices.retain(|n: &Notice| n.key != key);
            match prop.parse(&raw, &(prop.get)(&defaults)) {
                Ok(v) => (prop.set)(&mut settings, v),
                Err((v, message)) => {
                    (prop.set)(&mut settings, v);
                    notices.push(Notice {
                        key: key.to_string(),
                        message,
                    });
                }
            }
        }
        if let Some(notice) = settings.constrain() {
            notices.push(notice);
        }
        (settings, notices)
    }

    /// Applies the rules between settings: gradient flow computes the exact Hessian every step,
    /// whose work grows as `samples * parameters^2`; above [`FLOW_MAX_WORK`] one step would
    /// keep the page's main thread busy past its 50 ms, so Adam is used instead, with a notice.
    pub fn constrain(&mut self) -> Option<Notice> {
        let params = (self.width * (self.input_dim + 2) + 1) as f64;
        let work = self.samples as f64 * params * params;
        if self.optimizer == OptimizerKind::GradientFlow && work > FLOW_MAX_WORK {
            self.optimizer = OptimizerKind::Adam;
            return Some(Notice {
                key: "opt".into(),
                message: format!(
                    "gradient flow computes the exact Hessian every step; with {} parameters and \
                     {} samples a step would stall the page, so Adam is used (fewer neurons, \
                     inputs or samples allow it)",
                    params as i64, self.samples
                ),
            });
        }
        None
    }

    /// The URL hash (without `#`) holding every setting.
    pub fn to_hash(&self) -> String {
        PROPERTIES
            .iter()
            .map(|p| format!("{}={}", p.key, (p.get)(self).to_url()))
            .collect::<Vec<_>>()
            .join("&")
    }

    /// Sets one property from a control's text value, as [`Settings::from_hash`] would.
    pub fn set_from_text(&mut self, key: &str, raw: &str) -> Option<Notice> {
        let prop = property(key)?;
        let notice = match prop.parse(raw, &(prop.get)(&Settings::default())) {
            Ok(v) => {
                (prop.set)(self, v);
                None
            }
            Err((v, message)) => {
                (prop.set)(self, v);
                Some(Notice {
                    key: key.to_string(),
                    message,
                })
            }
        };
        // The rules between settings (see `constrain`) hold after every change.
        self.constrain().or(notice)
    }

    /// The current value of a property as control text.
    pub fn text(&self, key: &str) -> Option<String> {
        property(key).map(|p| (p.get)(self).to_url())
    }

    /// The task these settings describe.
    pub fn task_config(&self) -> TaskConfig {
        TaskConfig {
            teacher_width: self.teacher_width as usize,
            input_dim: self.input_dim as usize,
            samples: self.samples as usize,
            activation: self.activation,
            seed: self.teacher_seed as u64,
        }
    }

    /// The training settings these settings describe.
    pub fn train_config(&self) -> TrainConfig {
        TrainConfig {
            optimizer: OptimizerConfig::adam(self.learning_rate).with_kind(self.optimizer),
            max_steps: self.max_steps as u64,
            ..TrainConfig::default()
        }
    }

    /// True if random slice directions include the biases.
    pub fn random_plane_moves_biases(&self) -> bool {
        self.biases
    }

    /// The slice plane kind.
    pub fn plane_kind(&self) -> PlaneKind {
        self.plane
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_default_is_inside_its_own_range_and_round_trips() {
        let s = Settings::default();
        for p in PROPERTIES {
            let v = (p.get)(&s);
            assert_eq!(p.parse(&v.to_url(), &v), Ok(v.clone()), "{}", p.key);
        }
        let (back, notices) = Settings::from_hash(&format!("#{}", s.to_hash()));
        assert!(notices.is_empty());
        assert_eq!(back, s);
    }

    #[test]
    fn a_changed_setting_survives_the_url() {
        let s = Settings {
            width: 17,
            learning_rate: 0.0031,
            activation: Activation::Erf,
            seed: 123_456,
            ..Settings::default()
        };
        let (back, notices) = Settings::from_hash(&s.to_hash());
        assert!(notices.is_empty());
        assert_eq!(back, s);
    }

    #[test]
    fn gradient_flow_gives_way_to_adam_where_a_step_would_stall_the_page() {
        let (s, notices) = Settings::from_hash("opt=flow");
        assert_eq!(s.optimizer, OptimizerKind::GradientFlow);
        assert!(notices.is_empty());
        let (s, notices) = Settings::from_hash("opt=flow&width=64&dim=8&samples=2048");
        assert_eq!(s.optimizer, OptimizerKind::Adam);
        assert_eq!(notices.len(), 1);
        assert_eq!(notices[0].key, "opt");
        assert!(notices[0]
            .message
            .contains("641 parameters and 2048 samples"));
        // The same rule after a change of another control.
        let (mut s, _) = Settings::from_hash("opt=flow&width=32&samples=1024");
        assert_eq!(s.optimizer, OptimizerKind::GradientFlow);
        let notice = s.set_from_text("samples", "2048").expect("a notice");
        assert_eq!(
            (s.optimizer, notice.key.as_str()),
            (OptimizerKind::Adam, "opt")
        );
    }

    #[test]
    fn bad_values_are_clamped_or_defaulted_with_notices() {
        let (s, notices) =
            Settings::from_hash("#width=-5&lr=abc&act=sigmoid&res=100000&scene=x&unknown=1");
        assert_eq!(s.width, 1);
        assert_eq!(s.learning_rate, 0.01);
        assert_eq!(s.activation, Activation::Tanh);
        assert_eq!(s.resolution, 201);
        let keys: Vec<&str> = notices.iter().map(|n| n.key.as_str()).collect();
        assert_eq!(keys, vec!["width", "lr", "act", "res", "scene"]);
        assert_eq!(s.scene, SceneKind::Playground);
        assert!(notices[0].message.contains("outside 1–64"));
        assert!(notices[1].message.contains("not a number"));
        let (s, notices) = Settings::from_hash("width=1e9&lr=NaN&extent=inf&seed=3.7");
        assert_eq!(s.width, 64);
        assert_eq!(s.learning_rate, 0.01);
        assert_eq!(s.extent, 1.0);
        assert_eq!(s.seed, 4);
        assert_eq!(notices.len(), 4);
    }

    #[test]
    fn width_lists_are_sorted_clamped_and_explained() {
        let (s, n) = Settings::from_hash("#widths=8,3,5");
        assert!(n.is_empty());
        assert_eq!(s.widths, vec![3, 5, 8]);
        let (s, n) = Settings::from_hash("#widths=3,x,500,3");
        assert_eq!(s.widths, vec![3, 64]);
        assert_eq!(n.len(), 1);
        let (s, n) = Settings::from_hash("#widths=,,");
        assert_eq!(s.widths, Settings::default().widths);
        assert_eq!(n.len(), 1);
        assert!(s.to_hash().contains("widths=3,4,5,6,8"));
    }

    #[test]
    fn percent_escapes_are_decoded() {
        let (s, n) = Settings::from_hash("#act=%65rf&lr=1e%2D3");
        assert!(n.is_empty(), "{n:?}");
        assert_eq!(s.activation, Activation::Erf);
        assert_eq!(s.learning_rate, 1e-3);
        assert_eq!(percent_decode("%zz%4"), "%zz%4");
    }

    #[test]
    fn set_from_text_clamps_like_the_url() {
        let mut s = Settings::default();
        assert!(s.set_from_text("width", "12").is_none());
        assert_eq!(s.width, 12);
        let n = s.set_from_text("width", "1000").expect("notice");
        assert_eq!(s.width, 64);
        assert!(n.message.contains("using 64"));
        assert_eq!(s.text("width").as_deref(), Some("64"));
        assert!(s.set_from_text("nope", "1").is_none());
    }
    #[test]
    fn out_of_range_whole_numbers_of_any_length_are_clamped_alike() {
        let nines = |n: usize| "9".repeat(n);
        for digits in [11, 19, 23, 400, 5000] {
            let (s, n) = Settings::from_hash(&format!("#width={}", nines(digits)));
            assert_eq!(s.width, 64, "{digits} digits");
            assert_eq!(n.len(), 1);
            assert!(
                n[0].message.contains("is outside 1–64; using 64."),
                "{}",
                n[0].message
            );
            let (s, n) = Settings::from_hash(&format!("#width=-{}", nines(digits)));
            assert_eq!(s.width, 1, "-{digits} digits");
            assert!(
                n[0].message.contains("is outside 1–64; using 1."),
                "{}",
                n[0].message
            );
            let (s, _) = Settings::from_hash(&format!("#seed={}", nines(digits)));
            assert_eq!(s.seed, MAX_SEED);
            let (s, _) = Settings::from_hash(&format!("#widths=3,{}", nines(digits)));
            assert_eq!(s.widths, vec![3, 64]);
        }
        let (s, n) = Settings::from_hash("#width=1e400&res=-1e400&page=0&case=-1");
        assert_eq!((s.width, s.resolution, s.page, s.case), (64, 11, 1, 0));
        assert!(n.iter().all(|n| n.message.contains("is outside")), "{n:?}");
    }

    #[test]
    fn out_of_range_floats_of_any_size_are_clamped() {
        let (s, n) =
            Settings::from_hash(&format!("#lr=1e400&extent=-1e400&mu={}", "9".repeat(400)));
        assert_eq!((s.learning_rate, s.extent, s.mu), (2.0, 0.01, 2.0));
        assert_eq!(n.len(), 3);
        assert!(
            n[0].message
                .starts_with("lr=1e400 is outside 1e-5–2; using 2."),
            "{}",
            n[0].message
        );
        // The words infinity and nan are not numbers: the default is used.
        for word in ["inf", "-inf", "Infinity", "NaN", "-nan", "+infinity"] {
            let (s, n) = Settings::from_hash(&format!("#extent={word}&width={word}"));
            assert_eq!((s.extent, s.width), (1.0, 5), "{word}");
            assert!(n[0].message.contains("is not a number"), "{}", n[0].message);
            assert!(
                n[1].message.contains("is not a whole number"),
                "{}",
                n[1].message
            );
        }
    }

    #[test]
    fn notices_quote_at_most_a_short_head_of_the_value() {
        let long = "x".repeat(100_000);
        let huge = "9".repeat(100_000);
        let wide = "界".repeat(50_000);
        let list = (0..1000)
            .map(|i| i.to_string())
            .collect::<Vec<_>>()
            .join(",");
        let hash = format!(
            "#width={long}&teacher={huge}&act={wide}&lr=-{huge}&widths={list}&plane=%F0%9F%92%A5{long}"
        );
        let (s, notices) = Settings::from_hash(&hash);
        assert_eq!(notices.len(), 6);
        for n in &notices {
            assert!(n.message.chars().count() < 160, "{}", n.message);
            assert!(n.message.contains('…'), "{}", n.message);
        }
        assert!(notices[0]
            .message
            .contains(&format!("{:?}…", "x".repeat(QUOTE_CHARS))));
        assert_eq!((s.width, s.teacher_width, s.learning_rate), (5, 16, 1e-5));
        assert_eq!(s.widths.len(), 12);
        // A short value is quoted whole, without an ellipsis; control characters are escaped.
        let (_, n) = Settings::from_hash("#act=a%0Ab");
        assert_eq!(
            n[0].message,
            "act=\"a\\nb\" is not one of tanh, relu, softplus, erf; using tanh."
        );
    }

    #[test]
    fn a_repeated_key_keeps_only_its_last_notice() {
        let hash = "#".to_string() + &vec!["width=999"; 1000].join("&");
        let (s, n) = Settings::from_hash(&hash);
        assert_eq!((s.width, n.len()), (64, 1));
        let (s, n) = Settings::from_hash("#width=999&width=7");
        assert_eq!((s.width, n.len()), (7, 0));
    }
}
