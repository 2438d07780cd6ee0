//! A training step allocates nothing: a counting allocator sees every
//! allocation made while steps run (this test binary has a single test, so no
//! other thread allocates meanwhile).

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};

use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use reglab::data::{self, Preparation, TaskKind};
use reglab::nn::simd::Kernel;
use reglab::nn::{Activation, Dropout, L1Rule, Mlp, Penalty, Regularizer, Scope, StepParams, Workspace};

struct Counting;

static ALLOCATIONS: AtomicUsize = AtomicUsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

#[test]
fn training_steps_do_not_allocate() {
    // W1's shapes (20-32-32-2, batch 32) and W2's (784-128-10, batch 64).
    let cases = [
        (data::synthetic::workshop_classification(512, 1), vec![32, 32], 32),
        (data::synthetic::prototype_classification(512, 784, 10, 2), vec![128], 64),
    ];
    // On every kernel this CPU runs: the portable one (what ARM runs) too.
    for kernel in Kernel::ALL.into_iter().filter(|k| k.supported()) {
        reglab::nn::simd::select(kernel).unwrap();
        for (ds, hidden, batch) in cases.iter().cloned() {
            let prep = Preparation { task: Some(TaskKind::Multiclass), ..Preparation::default() };
            let p = data::prepare(&ds, &prep, 1).unwrap();
            let mut net = Mlp::<f32>::new(p.inputs(), &hidden, Activation::Tanh, p.task, 1).unwrap();
            let mut ws = Workspace::new(&net, batch);
            let mut rng = ChaCha8Rng::seed_from_u64(3);
            let penalties = [
                Penalty::NONE,
                Penalty {
                    regularizer: Regularizer::L2,
                    lambda: 0.1,
                    alpha: 0.5,
                    l1_rule: L1Rule::Subgradient,
                },
                Penalty { regularizer: Regularizer::L1, lambda: 0.1, alpha: 0.5, l1_rule: L1Rule::Proximal },
                Penalty {
                    regularizer: Regularizer::ElasticNet,
                    lambda: 0.1,
                    alpha: 0.5,
                    l1_rule: L1Rule::Clip,
                },
            ];
            let idx: Vec<usize> = (0..batch).collect();
            for momentum in [0.0, 0.9] {
                for penalty in &penalties {
                    let params =
                        StepParams { lr: 0.01, momentum, penalty, n: batch as f64, scope: Scope::All };
                    // Warm-up: anything lazily set up happens here.
                    ws.train_step(&mut net, p.x_train.view(), p.y_train.view(), &idx, &params, None);
                    let before = ALLOCATIONS.load(Ordering::Relaxed);
                    for _ in 0..20 {
                        ws.train_step(&mut net, p.x_train.view(), p.y_train.view(), &idx, &params, None);
                        let dropout = Some(Dropout { keep: 0.8, rng: &mut rng });
                        ws.train_step(&mut net, p.x_train.view(), p.y_train.view(), &idx, &params, dropout);
                    }
                    let during = ALLOCATIONS.load(Ordering::Relaxed) - before;
                    assert_eq!(
                        during, 0,
                        "{kernel:?}, {hidden:?}, {penalty:?}, momentum {momentum}: {during} allocations in 40 steps"
                    );
                }
            }
        }
    }
}
