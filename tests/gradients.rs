//! Backpropagation and penalty gradients against central finite differences,
//! for every activation × task × penalty, in float64 through the same code
//! that trains in float32.

use ndarray::Array2;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use reglab::nn::{Activation, L1Rule, Mlp, Penalty, Task, Workspace};

fn data(task: Task, rows: usize, inputs: usize, seed: u64) -> (Array2<f64>, Array2<f64>) {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let x = Array2::from_shape_simple_fn((rows, inputs), || rng.random_range(-1.5..1.5));
    let mut y = Array2::zeros((rows, task.outputs()));
    for r in 0..rows {
        match task {
            Task::Regression => y[[r, 0]] = rng.random_range(-2.0..2.0),
            Task::Binary => y[[r, 0]] = (rng.random::<f64>() < 0.5) as u8 as f64,
            Task::Multiclass(k) => y[[r, rng.random_range(0..k)]] = 1.0,
        }
    }
    (x, y)
}

/// E = E0 + Σ_layers R(W) with the given n (every layer penalised).
fn objective(net: &Mlp<f64>, x: &Array2<f64>, y: &Array2<f64>, p: &Penalty, n: f64) -> f64 {
    net.data_error(x.view(), y.view())
        + net.layers.iter().map(|l| p.value(l.weights.as_slice().unwrap(), n)).sum::<f64>()
}

fn check(activation: Activation, task: Task, penalty: Penalty) {
    let (rows, n) = (7, 7.0);
    let (x, y) = data(task, rows, 4, 3);
    let mut net: Mlp<f64> = Mlp::new(4, &[5, 3], activation, task, 11).unwrap();
    // The L1 term has a kink at 0: keep every weight well away from it.
    for l in &mut net.layers {
        l.weights.mapv_inplace(|w| if w.abs() < 0.05 { 0.05_f64.copysign(w) + w } else { w });
        l.bias.mapv_inplace(|_| 0.1);
    }
    let mut ws = Workspace::new(&net, rows);
    ws.load_rows(x.view(), Some(y.view()));
    ws.forward(&net, rows, None);
    ws.backward(&net, rows);
    let h = 1e-6;
    let mut worst = 0.0f64;
    for l in 0..net.layers.len() {
        let mut analytic = ws.grad_w[l].clone();
        penalty.add_gradient(net.layers[l].weights.as_slice().unwrap(), n, analytic.as_slice_mut().unwrap());
        for idx in 0..analytic.len() {
            let (i, j) = (idx / analytic.ncols(), idx % analytic.ncols());
            let orig = net.layers[l].weights[[i, j]];
            net.layers[l].weights[[i, j]] = orig + h;
            let up = objective(&net, &x, &y, &penalty, n);
            net.layers[l].weights[[i, j]] = orig - h;
            let down = objective(&net, &x, &y, &penalty, n);
            net.layers[l].weights[[i, j]] = orig;
            let numeric = (up - down) / (2.0 * h);
            let a = analytic[[i, j]];
            let rel = (a - numeric).abs() / (a.abs() + numeric.abs()).max(1e-6);
            worst = worst.max(rel);
        }
        for j in 0..net.layers[l].bias.len() {
            let orig = net.layers[l].bias[j];
            net.layers[l].bias[j] = orig + h;
            let up = objective(&net, &x, &y, &penalty, n);
            net.layers[l].bias[j] = orig - h;
            let down = objective(&net, &x, &y, &penalty, n);
            net.layers[l].bias[j] = orig;
            let numeric = (up - down) / (2.0 * h);
            // Biases are never penalised: their gradient is ∂E0/∂b alone.
            let a = ws.grad_b[l][j];
            worst = worst.max((a - numeric).abs() / (a.abs() + numeric.abs()).max(1e-6));
        }
    }
    assert!(worst <= 1e-3, "{activation} {task:?} {:?}: worst relative error {worst:e}", penalty.regularizer);
}

#[test]
fn gradients_match_finite_differences_for_every_activation_task_and_penalty() {
    let penalties = [
        Penalty::NONE,
        Penalty::l2(0.7),
        Penalty::l1(0.4, L1Rule::Subgradient),
        Penalty::elastic_net(0.5, 0.3, L1Rule::Subgradient),
    ];
    let mut checked = 0;
    for act in Activation::ALL {
        for task in [Task::Regression, Task::Binary, Task::Multiclass(3)] {
            for p in penalties {
                check(*act, task, p);
                checked += 1;
            }
        }
    }
    assert_eq!(checked, 48);
}

#[test]
fn a_wrong_gradient_would_be_caught() {
    // The check itself must be able to fail: perturb one analytic entry.
    let (x, y) = data(Task::Regression, 5, 3, 1);
    let net: Mlp<f64> = Mlp::new(3, &[4], Activation::Tanh, Task::Regression, 2).unwrap();
    let mut ws = Workspace::new(&net, 5);
    ws.load_rows(x.view(), Some(y.view()));
    ws.forward(&net, 5, None);
    ws.backward(&net, 5);
    let mut moved = net.clone();
    let h = 1e-6;
    moved.layers[0].weights[[0, 0]] += h;
    let numeric = (moved.data_error(x.view(), y.view()) - net.data_error(x.view(), y.view())) / h;
    let a = ws.grad_w[0][[0, 0]];
    assert!((a - numeric).abs() < 1e-4 * (1.0 + a.abs()));
    assert!((a * 1.01 - numeric).abs() > 1e-5 * a.abs(), "a 1% error must be visible");
}

#[test]
fn float32_training_path_agrees_with_float64() {
    let (x, y) = data(Task::Multiclass(3), 16, 4, 9);
    let net64: Mlp<f64> = Mlp::new(4, &[6], Activation::Relu, Task::Multiclass(3), 5).unwrap();
    let net32: Mlp<f32> = net64.cast();
    let (x32, y32) = (x.mapv(|v| v as f32), y.mapv(|v| v as f32));
    let mut ws64 = Workspace::new(&net64, 16);
    let mut ws32 = Workspace::new(&net32, 16);
    ws64.load_rows(x.view(), Some(y.view()));
    ws32.load_rows(x32.view(), Some(y32.view()));
    ws64.forward(&net64, 16, None);
    ws32.forward(&net32, 16, None);
    ws64.backward(&net64, 16);
    ws32.backward(&net32, 16);
    for (g64, g32) in ws64.grad_w.iter().zip(&ws32.grad_w) {
        for (a, b) in g64.iter().zip(g32.iter()) {
            assert!((a - *b as f64).abs() <= 1e-5 * (1.0 + a.abs()), "{a} vs {b}");
        }
    }
}
