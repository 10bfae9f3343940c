//! What a worker accepts: every number of a job is checked against the range of the URL
//! setting it stands for ([`crate::settings::PROPERTIES`], through [`Property::parse`], the
//! code that reads URLs), the job's settings must read without a notice, messages are capped in
//! size, and refusals are short sentences that quote at most [`QUOTE_CHARS`] characters of the
//! input.

use crate::core::network::Shape;
use crate::settings::{self, Kind, Property, Settings, Value};

/// Marker that starts every error reply of a worker (`error;` followed by a short reason).
pub const ERROR_PREFIX: &str = "error;";

/// Longest error reply, in bytes (prefix included): a refusal never echoes a large message.
pub const MAX_ERROR_BYTES: usize = 160;

/// Most characters of a message that an error reply quotes.
pub const QUOTE_CHARS: usize = 40;

/// Longest text of one number as the page writes it (`{:e}`, the shortest form that reads
/// back to the same bits): `-2.2250738585072014e-308` has 24 characters, plus a separator.
const NUMBER_BYTES: usize = 25;

/// Room for a job's kind, its small fields and its settings hash. The hash writes each of the
/// ~30 settings once (`key=value`); its longest valid form is under 1 KB (checked by a test).
const HEADER_BYTES: usize = 4096;

/// The largest value `key` may take in the settings table (an integer setting).
fn int_max(key: &str) -> i64 {
    match settings::property(key).map(|p| p.kind) {
        Some(Kind::Int { max, .. }) => max,
        _ => unreachable!("{key} is an integer setting"),
    }
}

/// Most parameters of a student that valid settings allow (widest student, most inputs).
pub fn max_params() -> usize {
    Shape::new(int_max("dim") as usize, int_max("width") as usize).num_params()
}

/// Longest message a worker accepts, in bytes. The largest valid job is a slice job of the
/// widest student on the most inputs: three vectors (centre and the two directions) of
/// [`max_params`] numbers of at most `NUMBER_BYTES` each, plus its header and settings hash:
/// 3 x 641 x 25 + 4096 = 52,171 bytes (about 51 KiB) with the current table (width <= 64,
/// dim <= 8). A Hessian job holds one vector and is smaller. Anything longer is refused
/// unread.
pub fn max_message_bytes() -> usize {
    3 * max_params() * NUMBER_BYTES + HEADER_BYTES
}

/// `text` cut to at most `max` bytes at a character boundary, with an ellipsis if cut.
fn cut(text: &str, max: usize) -> String {
    if text.len() <= max {
        return text.to_string();
    }
    let mut end = max.saturating_sub('…'.len_utf8());
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}…", &text[..end])
}

/// `raw` quoted for an error reply: at most [`QUOTE_CHARS`] characters, control characters
/// escaped, an ellipsis if cut.
pub fn quote(raw: &str) -> String {
    match raw.char_indices().nth(QUOTE_CHARS) {
        Some((end, _)) => format!("{:?}…", &raw[..end]),
        None => format!("{raw:?}"),
    }
}

/// The error reply for `reason`: [`ERROR_PREFIX`] and the reason, at most
/// [`MAX_ERROR_BYTES`] in all.
pub fn error_reply(reason: &str) -> String {
    format!(
        "{ERROR_PREFIX}{}",
        cut(reason, MAX_ERROR_BYTES - ERROR_PREFIX.len())
    )
}

/// The values `kind` allows, in words.
fn allowed(kind: &Kind) -> String {
    match *kind {
        Kind::Int { min, max } => format!("a whole number in {min}–{max}"),
        Kind::Float { min, max } => format!("a number in {min}–{max}"),
        Kind::Choice(names) => format!("one of {}", names().join(", ")),
        Kind::IntList { min, max, max_len } => {
            format!("at most {max_len} whole numbers in {min}–{max}")
        }
    }
}

fn property(key: &str) -> &'static Property {
    settings::property(key).unwrap_or_else(|| unreachable!("{key} is a setting"))
}

/// Reads `raw` as the URL reads setting `key`; anything the URL would clamp or replace is
/// refused.
fn read(key: &str, raw: &str) -> Result<Value, String> {
    let prop = property(key);
    prop.parse(raw, &(prop.get)(&Settings::default()))
        .map_err(|_| format!("{key}={} refused: {}", quote(raw), allowed(&prop.kind)))
}

/// A job field that stands for the integer setting `key` (for example a sweep job's width is
/// checked as the URL's `width`).
pub fn int_field(key: &str, raw: &str) -> Result<i64, String> {
    match read(key, raw)? {
        Value::Int(x) => Ok(x),
        _ => unreachable!("{key} is an integer setting"),
    }
}

/// A job field that stands for the float setting `key`.
pub fn float_field(key: &str, raw: &str) -> Result<f64, String> {
    match read(key, raw)? {
        Value::Float(x) => Ok(x),
        _ => unreachable!("{key} is a float setting"),
    }
}

/// A count or index field (slice rows), at most `max`.
pub fn index_field(name: &str, raw: &str, max: usize) -> Result<usize, String> {
    raw.parse::<usize>()
        .ok()
        .filter(|&x| x <= max)
        .ok_or_else(|| format!("{name}={} refused: a whole number in 0–{max}", quote(raw)))
}

/// The settings of a job's hash, refused if the URL parser would clamp or replace any of
/// them (the page always sends settings that read back unchanged).
pub fn job_settings(hash: &str) -> Result<Settings, String> {
    let (settings, notices) = Settings::from_hash(hash);
    match notices.first() {
        None => Ok(settings),
        Some(n) => Err(format!(
            "job setting {} refused: {}",
            quote(&n.key),
            settings::property(&n.key)
                .map(|p| allowed(&p.kind))
                .unwrap_or_default()
        )),
    }
}

/// Finite numbers separated by white space (as the page writes vectors), exactly `len` of them.
pub fn vector(name: &str, text: &str, len: usize) -> Result<Vec<f64>, String> {
    let mut out = Vec::with_capacity(len.min(text.len() / 2 + 1));
    for x in text.split_whitespace() {
        if out.len() == len {
            return Err(format!("{name} has more than {len} numbers"));
        }
        match x.parse::<f64>() {
            Ok(v) if v.is_finite() => out.push(v),
            _ => return Err(format!("{name}: {} is not a finite number", quote(x))),
        }
    }
    if out.len() != len {
        return Err(format!("{name} has {} numbers, not {len}", out.len()));
    }
    Ok(out)
}
