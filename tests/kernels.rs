//! The kernels of every CPU kind train the same network: the portable ones
//! (what ARM runs, compiled here for x86-64's baseline), AVX2 and AVX-512
//! where this CPU has them. They differ only in rounding (fused
//! multiply-add or not), so after many steps the weights agree closely.
//!
//! Its own test binary: choosing kernels applies to the whole process.

use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use reglab::data::{self, Preparation, TaskKind};
use reglab::nn::simd::{self, Kernel};
use reglab::nn::{Activation, L1Rule, Mlp, Penalty, Regularizer, Scope, StepParams, Workspace};

fn train(kernel: Kernel, activation: Activation, hidden: &[usize]) -> (Mlp<f32>, f64) {
    simd::select(kernel).unwrap();
    assert_eq!(simd::active(), kernel);
    let ds = data::synthetic::workshop_classification(600, 3);
    let prep = Preparation { task: Some(TaskKind::Multiclass), ..Preparation::default() };
    let p = data::prepare(&ds, &prep, 1).unwrap();
    let mut net = Mlp::<f32>::new(p.inputs(), hidden, activation, p.task, 7).unwrap();
    let mut ws = Workspace::new(&net, 32);
    let penalty =
        Penalty { regularizer: Regularizer::L2, lambda: 1e-3, alpha: 0.5, l1_rule: L1Rule::Proximal };
    let params = StepParams { lr: 0.1, momentum: 0.0, penalty: &penalty, n: 32.0, scope: Scope::All };
    let mut rng = ChaCha8Rng::seed_from_u64(11);
    let mut order: Vec<usize> = (0..p.train_rows()).collect();
    for _ in 0..20 {
        rand::seq::SliceRandom::shuffle(order.as_mut_slice(), &mut rng);
        for batch in order.chunks(32) {
            ws.train_step(&mut net, p.x_train.view(), p.y_train.view(), batch, &params, None);
        }
    }
    let mut eval = Workspace::new(&net, p.train_rows());
    eval.load_rows(p.x_train.view(), Some(p.y_train.view()));
    let error = eval.forward_with_error(&net, p.train_rows()) / p.train_rows() as f64;
    (net, error)
}

#[test]
fn every_kernel_this_cpu_runs_trains_the_same_network() {
    for (activation, hidden) in [(Activation::Tanh, vec![32, 32]), (Activation::Relu, vec![40])] {
        let (reference, reference_error) = train(Kernel::Portable, activation, &hidden);
        assert!(
            reference_error.is_finite() && reference_error < 0.6,
            "{activation}: error {reference_error}"
        );
        for kernel in Kernel::ALL.into_iter().filter(|&k| k.supported() && k != Kernel::Portable) {
            let (net, error) = train(kernel, activation, &hidden);
            assert!(
                (error - reference_error).abs() < 1e-5 * reference_error.max(1e-3),
                "{kernel:?} {activation}: error {error} against {reference_error} on the portable kernels"
            );
            eprintln!("{kernel:?} {activation}: error {error}, portable {reference_error}");
            for (l, (a, b)) in net.layers.iter().zip(&reference.layers).enumerate() {
                let diff = (&a.weights - &b.weights).iter().fold(0.0f32, |m, v| m.max(v.abs()));
                let scale = b.weights.iter().fold(0.0f32, |m, v| m.max(v.abs()));
                eprintln!("  layer {l}: largest difference {diff:e}, largest weight {scale}");
                assert!(
                    diff < 1e-4 * scale,
                    "{kernel:?} {activation}: layer {l} differs by {diff} (largest {scale})"
                );
            }
        }
    }
}
