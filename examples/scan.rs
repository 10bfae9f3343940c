use escape_dims::core::task::{Task, TaskConfig};
use escape_dims::core::train::{TrainConfig, Trainer};
use std::sync::Arc;
fn main() {
    let args: Vec<u64> = std::env::args()
        .skip(1)
        .map(|a| a.parse().unwrap())
        .collect();
    let (tseed, width, steps) = (args[0], args[1] as usize, args[2]);
    let task = Arc::new(Task::generate(TaskConfig {
        seed: tseed,
        ..TaskConfig::default()
    }));
    let cfg = TrainConfig {
        max_steps: steps,
        ..TrainConfig::default()
    };
    let mut out = vec![];
    for seed in 1..=20 {
        let mut t = Trainer::new(task.clone(), width, seed, cfg);
        t.run_to_end();
        out.push(format!("{seed}:{:.1e}", t.loss()));
    }
    println!("tseed {tseed} width {width}: {}", out.join(" "));
}
