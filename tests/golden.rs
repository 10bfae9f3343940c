//! The native reference values that the wasm test compares against (tests/golden/native.txt).
//! Run with `UPDATE_GOLDEN=1` to rewrite the file after an intended numerical change.

mod common;

const GOLDEN: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/golden/native.txt");

#[test]
fn native_values_match_the_golden_file() {
    let computed = common::reference_values();
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::write(GOLDEN, common::render(&computed)).expect("write golden file");
    }
    let text = std::fs::read_to_string(GOLDEN).expect("golden file exists");
    let reference = common::parse(&text);
    assert!(
        reference.len() > 100,
        "golden file holds {} values",
        reference.len()
    );
    let bad = common::mismatches(&reference, &computed);
    assert!(
        bad.is_empty(),
        "{} mismatches:\n{}",
        bad.len(),
        bad.join("\n")
    );
}

#[test]
fn the_comparison_catches_a_one_percent_error() {
    let reference = common::reference_values();
    let mut off = reference.clone();
    off[0].1 *= 1.01;
    assert_eq!(common::mismatches(&reference, &off).len(), 1);
    assert_eq!(common::ulps(1.0, 1.0 + f64::EPSILON), 1);
}
