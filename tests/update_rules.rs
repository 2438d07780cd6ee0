//! The weight updates of SPEC §1, step by step.

use std::sync::Arc;

use ndarray::Array2;
use reglab::data::{self, Preparation, TaskKind};
use reglab::nn::{
    Activation, L1Rule, LambdaScale, Mlp, Penalty, Regularizer, Scope, StepParams, Task, Workspace,
};
use reglab::train::{Batch, NetworkSpec, RunSpec, Session, TrainingSpec};

const W: [f32; 8] = [0.8, -0.3, 0.02, -0.004, 0.0, 1.5, -2.0, 0.06];
const G: [f32; 8] = [0.1, -0.2, 0.05, 0.0, 0.3, -0.7, 0.2, -0.01];

fn step(p: Penalty, w: &[f32], g: &[f32], lr: f32, n: f64) -> Vec<f32> {
    let mut w = w.to_vec();
    p.step(&mut w, g, None, lr, 0.0, n);
    w
}

#[test]
fn lambda_scaling_sets_n() {
    assert_eq!(LambdaScale::Batch.n(32, 1000), 32.0);
    assert_eq!(LambdaScale::Dataset.n(32, 1000), 1000.0);
    assert_eq!(LambdaScale::None.n(32, 1000), 1.0);
}

#[test]
fn l2_step_is_the_books_rule_for_each_lambda_scaling() {
    let (lr, lambda) = (0.1f32, 0.5);
    for scale in LambdaScale::ALL {
        let n = scale.n(8, 100);
        let got = step(Penalty::l2(lambda), &W, &G, lr, n);
        for i in 0..W.len() {
            let book = W[i] - lr * (G[i] + (lambda / n) as f32 * W[i]);
            assert!((got[i] - book).abs() <= 1e-7, "{scale}: {} vs {}", got[i], book);
        }
    }
}

#[test]
fn l1_subgradient_is_the_books_rule_with_sign_of_zero_zero() {
    let (lr, lambda, n) = (0.1f32, 0.4, 4.0);
    let got = step(Penalty::l1(lambda, L1Rule::Subgradient), &W, &G, lr, n);
    for i in 0..W.len() {
        let s = if W[i] > 0.0 {
            1.0
        } else if W[i] < 0.0 {
            -1.0
        } else {
            0.0
        };
        let book = W[i] - lr * (G[i] + (lambda / n) as f32 * s);
        assert!((got[i] - book).abs() <= 1e-7);
    }
    // A zero weight with no data gradient stays exactly zero.
    assert_eq!(step(Penalty::l1(lambda, L1Rule::Subgradient), &[0.0], &[0.0], lr, n), vec![0.0]);
}

#[test]
fn proximal_l1_is_soft_thresholding_and_leaves_exact_zeros() {
    let (lr, lambda, n) = (0.5f32, 0.2, 1.0);
    let t = lr * lambda as f32;
    let got = step(Penalty::l1(lambda, L1Rule::Proximal), &W, &G, lr, n);
    let mut zeros = 0;
    for i in 0..W.len() {
        let v = W[i] - lr * G[i];
        let soft = v.signum() * (v.abs() - t).max(0.0);
        assert!((got[i] - soft).abs() <= 1e-7, "{} vs {}", got[i], soft);
        if v.abs() <= t {
            assert_eq!(got[i], 0.0, "|v| ≤ ηλ/n must give an exact 0");
            zeros += 1;
        }
    }
    assert!(zeros >= 3, "this example has weights inside the threshold: {got:?}");
}

#[test]
fn clip_sets_weights_whose_penalty_step_crosses_zero_to_zero() {
    let p = Penalty::l1(0.1, L1Rule::Clip);
    // η·λ/n = 0.05: small weights would be carried across zero, so they stop at 0.
    assert_eq!(step(p, &[0.01, -0.03, 0.5, -0.5], &[0.0; 4], 0.5, 1.0), vec![0.0, 0.0, 0.45, -0.45]);
    // The subgradient rule with the same numbers flips them instead.
    let sub = step(Penalty::l1(0.1, L1Rule::Subgradient), &[0.01, -0.03], &[0.0; 2], 0.5, 1.0);
    assert!(sub[0] < 0.0 && sub[1] > 0.0);
    // The data step may cross zero; only the penalty's part is clipped
    // (TensorFlow Playground): 0.01 − 1·1 = −0.99, then −0.99 − 0.05.
    let crossed = step(p, &[0.01], &[1.0], 1.0, 2.0);
    assert!((crossed[0] - (-0.99 - 0.05)).abs() < 1e-6, "{crossed:?}");
}

#[test]
fn elastic_net_mixes_l1_and_l2() {
    let (lr, lambda, n) = (0.1f32, 0.3, 2.0);
    for rule in L1Rule::ALL.iter().copied() {
        assert_eq!(
            step(Penalty::elastic_net(lambda, 1.0, rule), &W, &G, lr, n),
            step(Penalty::l1(lambda, rule), &W, &G, lr, n)
        );
        assert_eq!(
            step(Penalty::elastic_net(lambda, 0.0, rule), &W, &G, lr, n),
            step(Penalty::l2(lambda), &W, &G, lr, n)
        );
    }
    let p = Penalty::elastic_net(lambda, 0.25, L1Rule::Subgradient);
    let w = [2.0f32, -1.0];
    let (k1, k2) = ((0.25 * lambda / n) as f32, (0.75 * lambda / n) as f32);
    assert!((p.value(&w, n) - (k1 as f64 * 3.0 + 0.5 * k2 as f64 * 5.0)).abs() < 1e-6);
}

#[test]
fn momentum_accumulates_the_penalised_gradient() {
    let p = Penalty::l2(1.0);
    let (lr, mu) = (0.1f32, 0.9f32);
    let mut w = vec![1.0f32];
    let mut v = vec![0.0f32];
    p.step(&mut w, &[0.5], Some(&mut v), lr, mu, 1.0);
    // v = −0.1·(0.5 + 1) = −0.15, w = 0.85
    assert!((v[0] + 0.15).abs() < 1e-7 && (w[0] - 0.85).abs() < 1e-7);
    p.step(&mut w, &[0.5], Some(&mut v), lr, mu, 1.0);
    // v = 0.9·(−0.15) − 0.1·(0.5 + 0.85) = −0.27, w = 0.58
    assert!((v[0] + 0.27).abs() < 1e-6 && (w[0] - 0.58).abs() < 1e-6);
}

fn net_and_gradients() -> (Mlp<f32>, Workspace<f32>) {
    let net: Mlp<f32> = Mlp::new(3, &[4], Activation::Tanh, Task::Binary, 7).unwrap();
    let x = Array2::from_shape_fn((6, 3), |(i, j)| ((i * 3 + j) as f32 * 0.37).sin());
    let y = Array2::from_shape_fn((6, 1), |(i, _)| (i % 2) as f32);
    let mut ws = Workspace::new(&net, 6);
    ws.load_rows(x.view(), Some(y.view()));
    ws.forward(&net, 6, None);
    ws.backward(&net, 6);
    (net, ws)
}

#[test]
fn biases_are_untouched_by_every_penalty_and_scope_output_spares_hidden_layers() {
    let (net, ws) = net_and_gradients();
    let plain = {
        let (mut n, mut w) = (net.clone(), ws.clone());
        w.step(
            &mut n,
            &StepParams { lr: 0.5, momentum: 0.0, penalty: &Penalty::NONE, n: 6.0, scope: Scope::All },
        );
        n
    };
    let penalties = [
        Penalty::l2(2.0),
        Penalty::l1(2.0, L1Rule::Subgradient),
        Penalty::l1(2.0, L1Rule::Clip),
        Penalty::l1(2.0, L1Rule::Proximal),
        Penalty::elastic_net(2.0, 0.5, L1Rule::Proximal),
    ];
    for p in penalties {
        for scope in [Scope::All, Scope::Output] {
            let (mut n, mut w) = (net.clone(), ws.clone());
            w.step(&mut n, &StepParams { lr: 0.5, momentum: 0.0, penalty: &p, n: 6.0, scope });
            for (a, b) in n.layers.iter().zip(&plain.layers) {
                assert_eq!(a.bias, b.bias, "{:?} changed a bias", p.regularizer);
            }
            assert_ne!(n.layers[1].weights, plain.layers[1].weights, "the output layer is always penalised");
            match scope {
                Scope::All => assert_ne!(n.layers[0].weights, plain.layers[0].weights),
                Scope::Output => assert_eq!(n.layers[0].weights, plain.layers[0].weights),
            }
        }
    }
}

/// One full-batch epoch through a real session equals the book's L2 rule
/// with the n that the lambda scaling names.
#[test]
fn a_session_epoch_applies_the_l2_rule_with_the_scaled_n() {
    let ds = data::synthetic::sparse_regression(40, 3, 2, 0.1, 4);
    let prep = Preparation { task: Some(TaskKind::Regression), ..Preparation::default() };
    let data = Arc::new(data::prepare(&ds, &prep, 1).unwrap());
    let (lr, lambda) = (0.05, 3.0);
    for (scale, n) in [(LambdaScale::Batch, 40.0), (LambdaScale::Dataset, 40.0), (LambdaScale::None, 1.0)] {
        let run = RunSpec { reg: Regularizer::L2, lambda, lambda_scale: scale, ..RunSpec::default() };
        let training =
            TrainingSpec { lr: Some(lr), batch: Batch::Full, epochs: Some(1), ..TrainingSpec::default() };
        let network = NetworkSpec { hidden: vec![], activation: Activation::Identity };
        let mut s = Session::new(data.clone(), network, training, vec![run], 3).unwrap();
        let w0 = s.initial.layers[0].weights.clone();
        let mut ws = Workspace::new(&s.initial, 40);
        ws.load_rows(data.x_train.view(), Some(data.y_train.view()));
        ws.forward(&s.initial, 40, None);
        ws.backward(&s.initial, 40);
        s.train(1, &mut |_: &reglab::train::Event<'_>| {}, &Default::default());
        let w1 = &s.runs[0].net.layers[0].weights;
        for ((a, w), g) in w1.iter().zip(w0.iter()).zip(ws.grad_w[0].iter()) {
            let book = *w as f64 - lr * (*g as f64 + lambda / n * *w as f64);
            assert!((*a as f64 - book).abs() < 1e-5, "{scale}: {a} vs {book}");
        }
    }
}
