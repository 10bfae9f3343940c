//! Runs every experiment and writes CSV tables, SVG figures and `summary.md`.
//!
//! Usage: `cargo run --release --bin figures -- [--tiny | --quick | --full] --out DIR`

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    use escape_dims::figures::presets::{Plan, Preset};
    use std::path::PathBuf;
    const USAGE: &str = "usage: figures [--tiny | --quick | --full] --out DIR\n\
        \n  --quick   every figure in a few minutes (the default)\
        \n  --full    the science notes' sample sizes (much longer)\
        \n  --tiny    seconds, for testing the command (numbers not meaningful)\
        \n  --out DIR where to write the CSV, SVG and summary.md files";
    let mut preset = Preset::Quick;
    let mut out: Option<PathBuf> = None;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--tiny" | "--quick" | "--full" => {
                preset = Preset::from_name(&arg[2..]).unwrap_or(Preset::Quick);
            }
            "--out" => match args.next() {
                Some(dir) if !dir.starts_with("--") => out = Some(PathBuf::from(dir)),
                _ => {
                    eprintln!("figures: --out needs a directory\n\n{USAGE}");
                    std::process::exit(2);
                }
            },
            "-h" | "--help" => {
                println!("{USAGE}");
                return;
            }
            other => {
                eprintln!("figures: unknown argument '{other}'\n\n{USAGE}");
                std::process::exit(2);
            }
        }
    }
    let Some(out) = out else {
        eprintln!("figures: --out DIR is required\n\n{USAGE}");
        std::process::exit(2);
    };
    eprintln!(
        "figures: {} preset on {} threads, writing to {}",
        preset.name(),
        rayon::current_num_threads(),
        out.display()
    );
    let start = std::time::Instant::now();
    let results = escape_dims::figures::run_all(&Plan::of(preset), |m| eprintln!("{m}"));
    match escape_dims::figures::write_all(&results, preset.name(), &out) {
        Ok(files) => {
            eprintln!(
                "figures: wrote {} files in {:.1} s: {}",
                files.len(),
                start.elapsed().as_secs_f64(),
                files.join(", ")
            );
        }
        Err(e) => {
            eprintln!("figures: {e}");
            std::process::exit(1);
        }
    }
}

#[cfg(target_arch = "wasm32")]
fn main() {}
