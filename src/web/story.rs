//! The guided story: six pages, each a scene with preset settings and a few plain sentences.

/// What a page does on arrival, besides showing its scene.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Action {
    /// Nothing: the visitor presses the buttons.
    None,
    /// Start training the playground's student.
    Train,
    /// Start the scene's experiment in the workers (if not already run).
    RunExperiment,
    /// Add a neuron as soon as the narrow student is stuck.
    AddNeuron,
}

/// One page of the story.
pub struct Page {
    /// Heading.
    pub title: &'static str,
    /// Two or three sentences.
    pub text: &'static str,
    /// The scene shown.
    pub scene: &'static str,
    /// Settings applied on arrival (URL-hash form).
    pub preset: &'static str,
    /// What starts by itself.
    pub action: Action,
}

/// The story.
pub const PAGES: [Page; 6] = [
    Page {
        title: "1. Two pictures of why width helps",
        text: "A wide network contains many small subnetworks. The lottery picture says training \
               succeeds because one of them happens to start well and wins on its own. The escape \
               picture says extra neurons add directions in which a stuck network can still go \
               downhill. Here a width-16 student learns a width-4 teacher.",
        scene: "playground",
        preset: "width=16&seed=3&plane=pca&speed=40",
        action: Action::Train,
    },
    Page {
        title: "2. Wider students succeed more often",
        text: "Each dot is one student trained from a different random start. Narrow students \
               often end in a bad minimum; from width 8 on, almost all reach the teacher. If \
               every group of 4 neurons were an independent ticket, success would rise even \
               faster than it does (red line).",
        scene: "sweep",
        preset: "widths=3,4,5,6,8&runs=8",
        action: Action::RunExperiment,
    },
    Page {
        title: "3. Winning tickets are not isolated",
        text: "Take 4-neuron starting points (tickets) and train each alone: a few win. Put each \
               inside a wider network and train the whole: with the rest drawn large (alpha = \
               16) even winning tickets fail, and with a small extra neuron many losing tickets \
               succeed.",
        scene: "tickets",
        preset: "alpha=16&extra=1&runs=12&seed=2",
        action: Action::RunExperiment,
    },
    Page {
        title: "4. A narrow student stuck in a bad minimum",
        text:
            "This width-4 student stopped far above the teacher's loss. Its gradient is zero and \
               every Hessian eigenvalue is positive: in its own landscape there is no way down. \
               The slice around it is a basin.",
        scene: "escape",
        preset: "case=1&emb=split&mu=0.5",
        action: Action::None,
    },
    Page {
        title: "5. One more neuron opens an escape route",
        text: "Split one neuron in two (same incoming weights, outgoing weight shared). The \
               network computes the same function, with the same loss, but now one eigenvalue is \
               negative: a direction goes downhill, and training escapes to the teacher.",
        scene: "escape",
        preset: "case=1&emb=split&mu=0.5",
        action: Action::AddNeuron,
    },
    Page {
        title: "6. Bad minima become rare, but not impossible",
        text: "As width grows, more of the narrow network's bad minima turn into saddles, so they \
               become rare relative to good ones. Not every stuck point escapes through a split: \
               this student (seed 4) stays stuck after the split; a neuron with zero output \
               weight rescues it.",
        scene: "escape",
        preset: "case=4&emb=split&mu=0.5",
        action: Action::AddNeuron,
    },
];

/// The page numbered `n` (1-based, clamped).
pub fn page(n: i64) -> &'static Page {
    &PAGES[(n.clamp(1, PAGES.len() as i64) - 1) as usize]
}
