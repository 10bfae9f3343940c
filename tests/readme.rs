//! The README documents every URL setting of the settings table.

use escape_dims::settings::PROPERTIES;

#[test]
fn readme_lists_every_url_key() {
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md"))
        .expect("README.md");
    let missing: Vec<&str> = PROPERTIES
        .iter()
        .map(|p| p.key)
        .filter(|k| !readme.contains(&format!("| `{k}` |")))
        .collect();
    assert!(missing.is_empty(), "README lacks rows for {missing:?}");
}
