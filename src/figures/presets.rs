//! Sizes of the figures command: `tiny` for the test suite, `quick` for a lecture-ready set in
//! at most about three minutes on two cores, `full` for the science notes' sample sizes.

use crate::core::train::TrainConfig;
use crate::experiments::census::CensusConfig;
use crate::experiments::escape::EscapeConfig;
use crate::experiments::outcome::RunSettings;
use crate::experiments::subspace::SubspaceConfig;
use crate::experiments::sweep::SweepConfig;
use crate::experiments::tickets::{NeuronTicketConfig, WeightTicketConfig};

/// A named set of experiment sizes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Preset {
    /// Seconds: for tests of the command itself (numbers are not meaningful).
    Tiny,
    /// Under three minutes on two cores: the full width sweep, the other figures with
    /// moderate sample sizes.
    Quick,
    /// The science notes' sample sizes (about 15 minutes on two cores).
    Full,
}

impl Preset {
    /// Parses `tiny`, `quick` or `full`.
    pub fn from_name(name: &str) -> Option<Preset> {
        match name {
            "tiny" => Some(Preset::Tiny),
            "quick" => Some(Preset::Quick),
            "full" => Some(Preset::Full),
            _ => None,
        }
    }

    /// The preset's name.
    pub fn name(self) -> &'static str {
        match self {
            Preset::Tiny => "tiny",
            Preset::Quick => "quick",
            Preset::Full => "full",
        }
    }
}

/// The settings of every experiment.
#[derive(Clone, Debug)]
pub struct Plan {
    /// Width sweep.
    pub sweep: SweepConfig,
    /// Neuron-level tickets.
    pub neuron_tickets: NeuronTicketConfig,
    /// Weight-level tickets.
    pub weight_tickets: WeightTicketConfig,
    /// Escape by embedding.
    pub escape: EscapeConfig,
    /// Random-subspace training.
    pub subspace: SubspaceConfig,
    /// The census of minima.
    pub census: CensusConfig,
}

fn with_steps(run: RunSettings, steps: u64) -> RunSettings {
    RunSettings {
        train: TrainConfig {
            max_steps: steps,
            ..run.train
        },
        ..run
    }
}

impl Plan {
    /// The plan of a preset.
    pub fn of(preset: Preset) -> Plan {
        let full = Plan {
            sweep: SweepConfig::default(),
            neuron_tickets: NeuronTicketConfig::default(),
            weight_tickets: WeightTicketConfig::default(),
            escape: EscapeConfig::default(),
            subspace: SubspaceConfig::default(),
            census: CensusConfig {
                seeds: 100,
                ..CensusConfig::default()
            },
        };
        match preset {
            Preset::Full => full,
            Preset::Quick => Plan {
                // The sweep keeps the full 40 seeds: with fewer, the rate at the teacher's width
                // (the lottery's p) is too uncertain for the comparison the figure is about.
                sweep: full.sweep.clone(),
                neuron_tickets: NeuronTicketConfig {
                    tickets: 30,
                    ..full.neuron_tickets
                },
                weight_tickets: WeightTicketConfig {
                    seeds: 10,
                    ..full.weight_tickets
                },
                escape: EscapeConfig {
                    search_seeds: 16,
                    max_cases: 4,
                    ..full.escape
                },
                subspace: SubspaceConfig {
                    seeds: 8,
                    dimensions: vec![4, 8, 12, 16, 20, 24, 33],
                    ..full.subspace
                },
                census: CensusConfig::default(),
            },
            Preset::Tiny => {
                let steps = 600;
                Plan {
                    sweep: SweepConfig {
                        widths: vec![3, 4, 8],
                        seeds: 3,
                        run: with_steps(full.sweep.run, steps),
                        ..full.sweep
                    },
                    neuron_tickets: NeuronTicketConfig {
                        tickets: 3,
                        alphas: vec![0.1, 1.0],
                        alone: with_steps(full.neuron_tickets.alone, steps),
                        embedded: with_steps(full.neuron_tickets.embedded, steps),
                        ..full.neuron_tickets
                    },
                    weight_tickets: WeightTicketConfig {
                        width: 6,
                        seeds: 2,
                        rounds: 1,
                        run: with_steps(full.weight_tickets.run, steps),
                        ..full.weight_tickets
                    },
                    escape: EscapeConfig {
                        search_seeds: 4,
                        max_cases: 2,
                        train: TrainConfig {
                            max_steps: steps,
                            ..full.escape.train
                        },
                        continue_run: with_steps(full.escape.continue_run, steps),
                        polish_steps: 3,
                        stuck_factor: 0.0,
                        mu_sweep: vec![-1.0, 0.0, 0.5, 1.0, 2.0],
                        ..full.escape
                    },
                    subspace: SubspaceConfig {
                        seeds: 2,
                        dimensions: vec![4, 33],
                        run: with_steps(full.subspace.run, steps),
                        ..full.subspace
                    },
                    census: CensusConfig {
                        widths: vec![3, 4],
                        seeds: 4,
                        ..CensusConfig::default()
                    },
                }
            }
        }
    }
}
