//! Gradient flow, the critical-point finish and the census of minima, on fixed seeds (issue
//! 13). Each margin is stated where it is asserted.

use escape_dims::core::critical::{classify, converge, Convergence, CriticalKind};
use escape_dims::core::embed::split_neuron;
use escape_dims::core::flow::{FlowConfig, FlowStep, GradientFlow, GradientSystem};
use escape_dims::core::network::{Network, Shape};
use escape_dims::core::objective::Objective;
use escape_dims::core::rng::{SeededRng, Stream};
use escape_dims::core::spectrum::Spectrum;
use escape_dims::core::task::{Task, TaskConfig};
use escape_dims::experiments::census::{
    census, end_point, group, same_point, widen_point, CensusConfig, EndPoint,
};
use ndarray::Array2;
use std::collections::BTreeSet;

/// `L(x) = 1/2 sum_i a_i x_i^2`: its flow is `x_i(t) = x_i(0) exp(-a_i t)`.
struct Quadratic(Vec<f64>);

impl GradientSystem for Quadratic {
    fn loss_and_gradient(&self, x: &[f64], grad: &mut [f64]) -> f64 {
        let mut loss = 0.0;
        for ((g, &xi), &a) in grad.iter_mut().zip(x).zip(&self.0) {
            *g = a * xi;
            loss += 0.5 * a * xi * xi;
        }
        loss
    }
    fn hessian(&self, _x: &[f64]) -> Array2<f64> {
        Array2::from_diag(&ndarray::Array1::from(self.0.clone()))
    }
}

#[test]
fn gradient_flow_follows_the_exact_flow_of_a_stiff_quadratic() {
    // Curvatures over six orders of magnitude: stiff for any explicit method.
    let q = Quadratic(vec![100.0, 1.0, 1e-4]);
    let x0 = [1.0, -2.0, 3.0];
    let mut counts = Vec::new();
    for t_end in [0.5, 10.0, 1e4] {
        let mut x = x0.to_vec();
        let mut flow = GradientFlow::new(&q, &x, FlowConfig::default());
        let mut losses = vec![flow.loss()];
        while flow.time() < t_end {
            match flow.step(&q, &mut x, t_end) {
                FlowStep::Accepted { .. } => losses.push(flow.loss()),
                FlowStep::Rejected => {}
                other => panic!("flow stopped: {other:?}"),
            }
        }
        for i in 0..3 {
            let exact = x0[i] * (-q.0[i] * t_end).exp();
            // Local tolerance 1e-6 (rtol = atol): the global error stays within 1e-4.
            assert!(
                (x[i] - exact).abs() < 1e-4 * (1.0 + exact.abs()),
                "t = {t_end}, x[{i}] = {} against exact {exact}",
                x[i]
            );
        }
        assert!(
            losses.windows(2).all(|w| w[1] <= w[0]),
            "the loss never rises"
        );
        counts.push(flow.counts().0);
    }
    // An explicit method is stable only for steps below 2/100: the flow time from 10 to 1e4
    // would cost it 500 000 steps. The L-stable method grows its steps as the fast modes die
    // out (measured: 1902, 3640 and 4396 steps to t = 0.5, 10 and 1e4).
    assert!(
        counts[2] - counts[1] < 2_000,
        "steps to 0.5, 10, 1e4: {counts:?}"
    );
}

/// RK4 with a fixed step `dt` on the flow of `objective`: the reference.
fn rk4(objective: &Objective<'_>, x: &mut [f64], t_end: f64, dt: f64) {
    let p = x.len();
    let f = |y: &[f64]| -> Vec<f64> {
        let mut g = vec![0.0; p];
        objective.loss_and_gradient(y, &mut g);
        g.iter().map(|v| -v).collect()
    };
    let steps = (t_end / dt).round() as usize;
    for _ in 0..steps {
        let k1 = f(x);
        let y2: Vec<f64> = (0..p).map(|i| x[i] + 0.5 * dt * k1[i]).collect();
        let k2 = f(&y2);
        let y3: Vec<f64> = (0..p).map(|i| x[i] + 0.5 * dt * k2[i]).collect();
        let k3 = f(&y3);
        let y4: Vec<f64> = (0..p).map(|i| x[i] + dt * k3[i]).collect();
        let k4 = f(&y4);
        for i in 0..p {
            x[i] += dt / 6.0 * (k1[i] + 2.0 * k2[i] + 2.0 * k3[i] + k4[i]);
        }
    }
}

#[test]
fn gradient_flow_matches_a_fine_fixed_step_reference_on_the_teacher_student_loss() {
    let task = Task::generate(TaskConfig::default());
    for (width, seed) in [(3, 1), (5, 2)] {
        let objective = Objective::new(&task, width);
        let net = Network::student_init(
            Shape::new(2, width),
            task.config.activation,
            &mut SeededRng::new(seed, Stream::Student),
        );
        let t_end = 5.0;
        let mut reference = net.params.clone();
        rk4(&objective, &mut reference, t_end, 1e-3);
        let mut x = net.params.clone();
        let mut flow = GradientFlow::new(&objective, &x, FlowConfig::default());
        let mut losses = vec![flow.loss()];
        while flow.time() < t_end {
            if let FlowStep::Accepted { .. } = flow.step(&objective, &mut x, t_end) {
                losses.push(flow.loss());
            }
        }
        let distance = x
            .iter()
            .zip(&reference)
            .map(|(a, b)| (a - b) * (a - b))
            .sum::<f64>()
            .sqrt();
        let size = reference.iter().map(|a| a * a).sum::<f64>().sqrt();
        // Local tolerance 1e-6 over ~100 steps: within 1e-4 of the reference, relatively.
        assert!(
            distance < 1e-4 * size,
            "width {width}: {distance:e} from the reference"
        );
        assert!(
            losses.windows(2).all(|w| w[1] <= w[0]),
            "width {width}: loss rose"
        );
        assert!(
            losses.last().unwrap() < &losses[0],
            "width {width}: the loss fell"
        );
    }
}

fn default_task() -> Task {
    Task::generate(TaskConfig::default())
}

/// A bad minimum of width 4 (seed 1 ends at loss 4.1e-2, see the census test) and its end point.
fn bad_minimum(task: &Task) -> EndPoint {
    let end = end_point(task, 4, 1, &CensusConfig::default());
    assert!(
        end.point.loss > 1e-3,
        "seed 1 at width 4 is stuck: {:e}",
        end.point.loss
    );
    end
}

#[test]
fn the_finish_converges_from_near_a_minimum_in_few_steps() {
    let task = default_task();
    let objective = Objective::new(&task, 4);
    let end = bad_minimum(&task);
    assert_eq!(end.point.kind, CriticalKind::Minimum);
    let mut rng = SeededRng::new(7, Stream::Perturbation);
    let mut x: Vec<f64> = end.params.iter().map(|p| p + 1e-3 * rng.normal()).collect();
    let before = {
        let mut g = vec![0.0; x.len()];
        objective.loss_and_gradient(&x, &mut g);
        g.iter().map(|v| v * v).sum::<f64>().sqrt()
    };
    assert!(
        before > 1e-6,
        "the perturbation moved it off the minimum: {before:e}"
    );
    match converge(&objective, &mut x, 100) {
        // Quadratic convergence: a handful of steps from a distance of 1e-3.
        Convergence::Converged { steps } => assert!(steps <= 8, "{steps} steps"),
        other => panic!("did not converge: {other:?}"),
    }
    let c = classify(&objective, &x);
    assert!(c.gradient_norm < 1e-10);
    assert_eq!(c.kind, CriticalKind::Minimum);
    let back = x
        .iter()
        .zip(&end.params)
        .map(|(a, b)| (a - b).abs())
        .fold(0.0, f64::max);
    assert!(back < 1e-6, "back at the same minimum: {back:e}");
}

#[test]
fn a_quadratic_saddle_is_found_and_has_its_index() {
    let q = Quadratic(vec![-2.0, -1e-2, 3.0, 1.0]);
    let mut x = vec![0.3, -0.2, 0.1, 0.5];
    assert!(matches!(
        converge(&q, &mut x, 20),
        Convergence::Converged { .. }
    ));
    let c = classify(&q, &x);
    assert_eq!(c.kind, CriticalKind::Saddle { index: 2, flat: 0 });
    assert_eq!(c.min_eigenvalue, -2.0);
}

/// `(2/N) sum_i r_i a_j s''(z_ij) x~ x~^T`: the block of neuron `j` whose sign, scaled by
/// `mu (1 - mu)`, the split's new direction inherits (Fukumizu and Amari 2000).
fn split_block(task: &Task, net: &Network, j: usize) -> Array2<f64> {
    let s = net.shape;
    let d = s.input_dim;
    let mut m = Array2::<f64>::zeros((d + 1, d + 1));
    let n = task.len() as f64;
    for (x, &y) in task.inputs.rows().into_iter().zip(&task.targets) {
        let xv: Vec<f64> = x.to_vec();
        let r = net.output(&xv) - y;
        let z = net.params[s.bias(j)]
            + (0..d)
                .map(|k| net.params[s.input_weight(j, k)] * xv[k])
                .sum::<f64>();
        let (_, _, s2) = net.activation.all_derivatives(z);
        let xt: Vec<f64> = xv.iter().copied().chain([1.0]).collect();
        for k in 0..=d {
            for l in 0..=d {
                m[[k, l]] += 2.0 / n * r * net.params[s.output_weight(j)] * s2 * xt[k] * xt[l];
            }
        }
    }
    m
}

#[test]
fn splits_of_a_bad_minimum_are_saddles_of_the_index_the_theory_gives() {
    let task = default_task();
    let end = bad_minimum(&task);
    let net = Network {
        shape: Shape::new(2, 4),
        activation: task.config.activation,
        params: end.params.clone(),
    };
    let wide = Objective::new(&task, 5);
    let mut saddles = 0;
    for j in 0..4 {
        let block = split_block(&task, &net, j);
        for mu in [0.25, 0.5, 1.5] {
            let split = split_neuron(&net, j, mu);
            let c = classify(&wide, &split.params);
            // The split is a critical point: the function, and so the residuals, are unchanged.
            assert!(
                c.gradient_norm < 1e-10,
                "j {j} mu {mu}: |g| = {:e}",
                c.gradient_norm
            );
            let scaled = block.mapv(|v| mu * (1.0 - mu) * v);
            let predicted = Spectrum::of_symmetric(&scaled).count_negative(c.tolerance);
            assert_eq!(c.kind.index(), predicted, "j {j} mu {mu}: {:?}", c.kind);
            // mu itself moves along a line of equal loss: at least one flat direction.
            assert!(c.kind.flat() >= 1, "j {j} mu {mu}: {:?}", c.kind);
            saddles += usize::from(c.kind.index() > 0);
        }
    }
    assert!(saddles >= 8, "{saddles} of 12 splits are saddles");
}

/// `net` with its neurons in reverse order and every neuron's sign flipped (tanh is odd).
fn permuted_and_flipped(net: &Network) -> Network {
    let s = net.shape;
    let mut out = net.clone();
    for j in 0..s.width {
        let from = s.width - 1 - j;
        for k in 0..s.input_dim {
            out.params[s.input_weight(j, k)] = -net.params[s.input_weight(from, k)];
        }
        out.params[s.bias(j)] = -net.params[s.bias(from)];
        out.params[s.output_weight(j)] = -net.params[s.output_weight(from)];
    }
    out
}

#[test]
fn end_points_equal_up_to_permutation_and_sign_are_one_point() {
    let task = default_task();
    let config = CensusConfig::default();
    let end = bad_minimum(&task);
    let net = Network {
        shape: Shape::new(2, 4),
        activation: task.config.activation,
        params: end.params.clone(),
    };
    let twin_net = permuted_and_flipped(&net);
    assert!(
        twin_net
            .params
            .iter()
            .zip(&net.params)
            .any(|(a, b)| (a - b).abs() > 0.1),
        "the twin's parameters differ"
    );
    let twin = escape_dims::experiments::census::flow_to_end(&task, twin_net, 99, &config);
    assert!(same_point(&end, &twin, &config));
    let other = end_point(&task, 4, 2, &config);
    assert!(
        !same_point(&end, &other, &config),
        "seed 2 ends elsewhere (at the global minimum)"
    );
    let census = group(4, vec![end, twin, other], &config);
    assert_eq!(census.points.len(), 2);
    assert_eq!(
        census.points.iter().map(|p| p.seeds.len()).sum::<usize>(),
        3
    );
}

#[test]
fn bad_minima_become_rarer_from_width_4_to_8_and_every_seed_is_counted_once() {
    let task = default_task();
    let config = CensusConfig {
        widths: vec![4, 8],
        seeds: 40,
        ..CensusConfig::default()
    };
    let result = census(&task, &config);
    for w in &result {
        let seeds: Vec<u64> = w
            .points
            .iter()
            .flat_map(|p| p.seeds.iter().copied())
            .collect();
        let unique: BTreeSet<u64> = seeds.iter().copied().collect();
        assert_eq!(seeds.len(), 40, "width {}: every seed counted", w.width);
        assert_eq!(unique, (1..=40).collect(), "width {}: each once", w.width);
        let shares: f64 = w.points.iter().map(|p| p.share).sum();
        assert!((shares - 1.0).abs() < 1e-12);
    }
    let (w4, w8) = (&result[0], &result[1]);
    // Seeds 1-40 on the default teacher: 13 of 40 in bad minima at width 4 (95% interval
    // 0.20-0.48), none at width 8 (0-0.09). The test asks for non-overlapping intervals.
    assert!(
        w8.bad.1 .1 < w4.bad.1 .0,
        "width 4: {} bad {:?}; width 8: {} bad {:?}",
        w4.bad.0,
        w4.bad.1,
        w8.bad.0,
        w8.bad.1
    );
    assert!(
        w4.points.iter().filter(|p| p.is_bad_minimum()).count() >= 2,
        "several bad minima"
    );
}

#[test]
fn embedding_a_bad_minimum_of_width_4_makes_saddles_and_one_escapes_to_a_global_minimum() {
    let task = default_task();
    let config = CensusConfig {
        widths: vec![4, 5],
        seeds: 12,
        ..CensusConfig::default()
    };
    let result = census(&task, &config);
    let bad = result[0]
        .points
        .iter()
        .find(|p| p.is_bad_minimum())
        .expect("a bad minimum at width 4 among seeds 1-12");
    let outcomes = widen_point(&task, bad, Some(&result[1]), &config);
    assert_eq!(
        outcomes.len(),
        4 * 3 + 1,
        "every neuron at every mu, and a silent neuron"
    );
    let saddles = outcomes
        .iter()
        .filter(|o| o.embedded.kind.index() > 0)
        .count();
    assert!(saddles >= 6, "{saddles} embeddings are saddles");
    let global: Vec<_> = outcomes
        .iter()
        .filter(|o| o.reached_global && o.escaped)
        .collect();
    assert!(
        !global.is_empty(),
        "at least one escapes to a global minimum"
    );
    // ... and that end is the global point of the width-5 census (its id 0, lowest loss).
    assert!(global.iter().any(|o| o.end_id == Some(0)));
}

#[test]
fn training_by_gradient_flow_is_monotone_and_ends_where_the_census_flow_does() {
    use escape_dims::core::optim::{OptimizerConfig, OptimizerKind};
    use escape_dims::core::train::{TrainConfig, Trainer};
    use std::sync::Arc;
    let task = Arc::new(default_task());
    let config = TrainConfig {
        optimizer: OptimizerConfig::adam(1e-2).with_kind(OptimizerKind::GradientFlow),
        max_steps: 6000,
        history_capacity: 100_000,
        ..TrainConfig::default()
    };
    let mut trainer = Trainer::new(task.clone(), 4, 1, config);
    trainer.run_to_end();
    let losses = &trainer.history.values;
    assert!(
        losses.windows(2).all(|w| w[1] <= w[0]),
        "the loss never rises"
    );
    let flow_time = trainer.flow_time().expect("gradient flow");
    assert!(flow_time > 100.0, "flow time {flow_time}");
    // Seed 1 at width 4 ends at the bad minimum of loss 4.12e-2 in the census (its own flow,
    // at looser tolerances, then the finish): training by flow reaches the same one.
    let census = end_point(&task, 4, 1, &CensusConfig::default());
    let relative = (trainer.loss() - census.point.loss).abs() / census.point.loss;
    assert!(
        relative < 1e-3,
        "trainer {:e}, census {:e}",
        trainer.loss(),
        census.point.loss
    );
}
