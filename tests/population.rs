//! The population loss (infinite Gaussian input) in closed form against Monte Carlo on 10^6
//! samples, and its gradient and Hessian against finite differences (issue 13).

use escape_dims::core::activation::Activation;
use escape_dims::core::flow::GradientSystem;
use escape_dims::core::population::PopulationObjective;
use escape_dims::core::rng::{SeededRng, Stream};

/// A teacher of 3 neurons and a student of 4 in dimension 3, drawn from `seed`.
fn setup(activation: Activation, seed: u64) -> (PopulationObjective, Vec<f64>) {
    let mut rng = SeededRng::new(seed, Stream::Teacher);
    let d = 3;
    let teacher_w: Vec<Vec<f64>> = (0..3)
        .map(|_| (0..d).map(|_| rng.normal()).collect())
        .collect();
    let teacher_a: Vec<f64> = (0..3).map(|_| 1.0 + rng.normal().abs()).collect();
    let objective =
        PopulationObjective::new(activation, teacher_w, teacher_a, 4).expect("closed form");
    let params: Vec<f64> = (0..objective.num_params())
        .map(|_| 0.7 * rng.normal())
        .collect();
    (objective, params)
}

#[test]
fn the_closed_form_agrees_with_monte_carlo_within_four_standard_errors() {
    for activation in [Activation::Erf, Activation::Relu] {
        let (objective, params) = setup(activation, 3);
        let mut grad = vec![0.0; params.len()];
        let exact = objective.loss_and_gradient(&params, &mut grad);
        let mut rng = SeededRng::new(5, Stream::Inputs);
        let samples = 1_000_000;
        let (mut sum, mut sum_sq) = (0.0, 0.0);
        let mut x = [0.0; 3];
        for _ in 0..samples {
            for v in &mut x {
                *v = rng.normal();
            }
            let e = objective.student_output(&params, &x) - objective.teacher_output(&x);
            sum += e * e;
            sum_sq += e * e * e * e;
        }
        let n = samples as f64;
        let mean = sum / n;
        let standard_error = ((sum_sq / n - mean * mean) / n).sqrt();
        assert!(
            (mean - exact).abs() < 4.0 * standard_error,
            "{activation}: closed form {exact}, Monte Carlo {mean} ± {standard_error}"
        );
        assert!(exact > 0.0);
    }
}

#[test]
fn the_gradient_and_hessian_agree_with_finite_differences() {
    for activation in [Activation::Erf, Activation::Relu] {
        let (objective, params) = setup(activation, 8);
        let p = params.len();
        let mut grad = vec![0.0; p];
        objective.loss_and_gradient(&params, &mut grad);
        let hessian = objective.hessian(&params);
        let h = 1e-6;
        for i in 0..p {
            let mut plus = params.clone();
            let mut minus = params.clone();
            plus[i] += h;
            minus[i] -= h;
            let (mut gp, mut gm) = (vec![0.0; p], vec![0.0; p]);
            let lp = objective.loss_and_gradient(&plus, &mut gp);
            let lm = objective.loss_and_gradient(&minus, &mut gm);
            let fd = (lp - lm) / (2.0 * h);
            assert!(
                (fd - grad[i]).abs() < 1e-7 * (1.0 + fd.abs()),
                "{activation}: dL/dp{i} = {} against {fd}",
                grad[i]
            );
            for j in 0..p {
                let fd = (gp[j] - gm[j]) / (2.0 * h);
                assert!(
                    (fd - hessian[[j, i]]).abs() < 1e-6 * (1.0 + fd.abs()),
                    "{activation}: H[{j},{i}] = {} against {fd}",
                    hessian[[j, i]]
                );
            }
        }
    }
}

#[test]
fn the_student_equal_to_the_teacher_has_zero_loss_and_only_closed_forms_exist() {
    let (objective, _) = setup(Activation::Erf, 2);
    let widest = PopulationObjective::new(
        Activation::Erf,
        objective.teacher_w.clone(),
        objective.teacher_a.clone(),
        3,
    )
    .unwrap();
    let mut params: Vec<f64> = objective.teacher_w.iter().flatten().copied().collect();
    params.extend(&objective.teacher_a);
    let mut grad = vec![0.0; params.len()];
    let loss = widest.loss_and_gradient(&params, &mut grad);
    assert!(loss.abs() < 1e-12, "loss {loss}");
    assert!(grad.iter().all(|g| g.abs() < 1e-12));
    assert!(PopulationObjective::new(Activation::Tanh, vec![vec![1.0]], vec![1.0], 1).is_none());
}
