//! The words the explorer uses, each with a short explanation: shown in the page's Terms
//! dialog and as the tooltip of every control whose label uses the word.

/// A term and what it means here.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Term {
    /// The term as the page writes it.
    pub name: &'static str,
    /// One or two sentences for a first-time visitor.
    pub explanation: &'static str,
    /// Keys of the settings ([`crate::settings::PROPERTIES`]) whose control uses the term.
    pub keys: &'static [&'static str],
}

/// Every term, in the order a visitor meets them.
pub const TERMS: &[Term] = &[
    Term {
        name: "teacher and student",
        explanation: "The teacher is a fixed small network (k hidden neurons) whose outputs are \
            the training targets. A student is a network of n hidden neurons trained to copy it; \
            it can copy it exactly once n is at least k.",
        keys: &["width", "teacher", "seed", "tseed", "case"],
    },
    Term {
        name: "success",
        explanation: "A run succeeds if its loss ends below the success threshold after training \
            and polishing, without diverging. Training stops at the step limit or as soon as the \
            loss is below the threshold.",
        keys: &["thr", "runs", "esteps", "steps"],
    },
    Term {
        name: "polishing",
        explanation: "After training, a few Levenberg-Marquardt steps (a second-order method) \
            finish the descent to the nearest minimum, so every run is judged at the bottom of \
            its valley, not wherever the optimiser happened to stop.",
        keys: &[],
    },
    Term {
        name: "bad minimum",
        explanation: "A point where training stops (the gradient is zero and no direction goes \
            down) with a loss above the threshold: the student is stuck without copying the \
            teacher.",
        keys: &[],
    },
    Term {
        name: "p",
        explanation: "The success rate at the teacher's width k: the chance that one k-neuron \
            student, a ticket, trains. The lottery picture predicts 1-(1-p)^C(n,k) if every k of \
            the n neurons form a ticket, 1-(1-p)^floor(n/k) if only disjoint groups do.",
        keys: &["widths"],
    },
    Term {
        name: "ticket",
        explanation: "A small subnetwork: k neurons of a student (neuron level) or the weights \
            left after pruning the smallest ones (weight level). It wins if trained alone it \
            succeeds.",
        keys: &["gran", "extra", "prune", "rounds", "rewind"],
    },
    Term {
        name: "alpha",
        explanation: "The scale of the neurons around a ticket: they are drawn at random and \
            multiplied by alpha. Small alpha adds nearly silent neurons; large alpha adds loud \
            ones that disturb the ticket.",
        keys: &["alpha"],
    },
    Term {
        name: "mu",
        explanation: "Adding a neuron by splitting one: the copy gets the same input weights and \
            a share mu of the output weight, the original keeps 1-mu. The network computes the \
            same function, so the loss is unchanged; the landscape around it is not.",
        keys: &["mu", "emb"],
    },
    Term {
        name: "zero-output neuron",
        explanation: "Another way to add a neuron without changing what the network computes: \
            random input weights and an output weight of zero.",
        keys: &["emb"],
    },
    Term {
        name: "Hessian eigenvalue",
        explanation: "The Hessian holds the loss's second derivatives. Where the gradient is \
            zero, all eigenvalues positive means a minimum (every direction goes up); a negative \
            eigenvalue is a direction that goes down, a way to escape.",
        keys: &[],
    },
    Term {
        name: "landscape slice",
        explanation: "The loss on a plane through the student: the student sits at the centre \
            (0, 0) and the two axes are directions in parameter space, so the picture shows the \
            loss around it.",
        keys: &["plane", "res", "extent", "bias"],
    },
    Term {
        name: "filter-normalised",
        explanation: "A random direction rescaled neuron by neuron to the size of that neuron's \
            weights (Li et al. 2018), so a step of 1 along it is comparable across neurons and \
            networks.",
        keys: &["plane"],
    },
];

/// The terms that explain the control of setting `key`.
pub fn for_key(key: &str) -> impl Iterator<Item = &'static Term> + '_ {
    TERMS.iter().filter(move |t| t.keys.contains(&key))
}

/// The tooltip of the control of setting `key`: its terms' explanations, if any.
pub fn tooltip(key: &str) -> Option<String> {
    let parts: Vec<String> = for_key(key)
        .map(|t| format!("{}: {}", t.name, t.explanation))
        .collect();
    (!parts.is_empty()).then(|| parts.join("\n"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::settings::PROPERTIES;

    #[test]
    fn every_key_is_a_setting_and_the_issue_terms_are_explained() {
        for t in TERMS {
            for k in t.keys {
                assert!(
                    PROPERTIES.iter().any(|p| p.key == *k),
                    "{k} is not a setting"
                );
            }
            assert!(
                (60..=400).contains(&t.explanation.len()),
                "{}: {} chars",
                t.name,
                t.explanation.len()
            );
            assert!(!t.explanation.contains("  "), "{}: double space", t.name);
        }
        for name in [
            "teacher and student",
            "success",
            "alpha",
            "mu",
            "filter-normalised",
            "polishing",
            "p",
            "Hessian eigenvalue",
        ] {
            assert!(TERMS.iter().any(|t| t.name == name), "{name} unexplained");
        }
        assert!(tooltip("alpha").unwrap().starts_with("alpha: The scale"));
        assert!(tooltip("lr").is_none());
    }
}
