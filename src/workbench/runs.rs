//! Editing the runs: their list, their colours and their settings. λ, η,
//! the regularizer, the L1 rule and α reach a run that trains as a change
//! sent to the trainer, which owns the live settings; the run on screen
//! shows it as pending until the trainer confirms it. Other settings wait
//! for Reset.

use super::Workbench;
use crate::nn::{L1Rule, Regularizer};
use crate::train::live::Command;
use crate::train::{LiveChange, RunSpec, compact};

impl Workbench {
    /// An edit of run `i`. When committed, what changed of the live
    /// settings goes to the run on screen at once.
    pub(crate) fn set_run(&mut self, i: usize, spec: RunSpec, commit: bool) {
        let Some(slot) = self.settings.experiment.runs.get_mut(i) else { return };
        *slot = spec.clone();
        if !commit || self.stale() {
            return;
        }
        let Some(expected) = self.screen.runs.get(i).map(|r| r.expected()) else { return };
        for change in live_changes(&expected, &spec) {
            if self.send(Command::Change { run: i, change }) {
                if let Some(run) = self.screen.runs.get_mut(i) {
                    run.pending.push(change);
                }
            } else if let Some(slot) = self.settings.experiment.runs.get_mut(i) {
                // Not sent: the form shows what the run trains with.
                change_back(slot, &expected, change);
            }
        }
    }

    pub(crate) fn set_color(&mut self, i: usize, color: [u8; 3]) {
        let Some(name) = self.settings.experiment.runs.get(i).map(|r| r.name.clone()) else { return };
        self.settings.color_overrides.insert(name.clone(), color);
        // Colours apply at once; nothing to retrain.
        for run in self.screen.runs.iter_mut().filter(|r| r.name == name) {
            run.color = color;
        }
    }

    pub(crate) fn add_run(&mut self) {
        let spec = next_run(&self.settings.experiment.runs);
        self.settings.experiment.runs.push(spec);
    }

    pub(crate) fn duplicate_run(&mut self, i: usize) {
        let runs = &mut self.settings.experiment.runs;
        let Some(r) = runs.get(i).cloned() else { return };
        let names: Vec<&str> = runs.iter().map(|r| r.name.as_str()).collect();
        let name = (1..)
            .map(|k| if k == 1 { format!("{} copy", r.name) } else { format!("{} copy {k}", r.name) })
            .find(|n| !names.contains(&n.as_str()))
            .unwrap_or_default();
        runs.insert(i + 1, RunSpec { name, ..r });
    }

    pub(crate) fn remove_run(&mut self, i: usize) {
        let runs = &mut self.settings.experiment.runs;
        if i < runs.len() && runs.len() > 1 {
            let removed = runs.remove(i);
            self.notices.info(format!("Removed run '{}'; it goes at the next Reset.", removed.name));
        }
    }
}

/// The live settings that differ between what a run will train with and
/// the edit.
fn live_changes(expected: &RunSpec, edit: &RunSpec) -> Vec<LiveChange> {
    let mut changes = Vec::new();
    if edit.reg != expected.reg {
        changes.push(LiveChange::Regularizer(edit.reg));
    }
    if edit.lambda != expected.lambda {
        changes.push(LiveChange::Lambda(edit.lambda));
    }
    if edit.l1_rule != expected.l1_rule {
        changes.push(LiveChange::L1Rule(edit.l1_rule));
    }
    if edit.alpha != expected.alpha {
        changes.push(LiveChange::Alpha(edit.alpha));
    }
    if let Some(lr) = edit.lr
        && edit.lr != expected.lr
    {
        changes.push(LiveChange::Lr(lr));
    }
    changes
}

/// Puts back in `slot` the value of `change`'s setting that `expected` has.
fn change_back(slot: &mut RunSpec, expected: &RunSpec, change: LiveChange) {
    match change {
        LiveChange::Lambda(_) => slot.lambda = expected.lambda,
        LiveChange::Lr(_) => slot.lr = expected.lr,
        LiveChange::Regularizer(_) => slot.reg = expected.reg,
        LiveChange::L1Rule(_) => slot.l1_rule = expected.l1_rule,
        LiveChange::Alpha(_) => slot.alpha = expected.alpha,
    }
}

/// A new run that shows something beside `runs`: the first of L1
/// (proximal), L2, elastic net and dropout that none of them is, with the
/// largest λ already in use (0.1 when none is), named for what it is.
pub fn next_run(runs: &[RunSpec]) -> RunSpec {
    let lambda = runs.iter().filter(|r| r.reg != Regularizer::None).map(|r| r.lambda).fold(0.0, f64::max);
    let lambda = if lambda > 0.0 { lambda } else { 0.1 };
    let l1 = RunSpec { reg: Regularizer::L1, l1_rule: L1Rule::Proximal, lambda, ..RunSpec::default() };
    let has = |f: &dyn Fn(&RunSpec) -> bool| runs.iter().any(f);
    // The name is a label: λ = 1e308 must not take 309 digits.
    let shown = compact(lambda);
    let candidates = [
        (has(&|r| r.reg == Regularizer::L1), l1.clone(), format!("L1 λ={shown}")),
        (
            has(&|r| r.reg == Regularizer::L2 && r.dropout.is_none()),
            RunSpec { reg: Regularizer::L2, lambda, ..RunSpec::default() },
            format!("L2 λ={shown}"),
        ),
        (
            has(&|r| r.reg == Regularizer::ElasticNet),
            RunSpec { reg: Regularizer::ElasticNet, l1_rule: L1Rule::Proximal, lambda, ..RunSpec::default() },
            format!("elastic net λ={shown}"),
        ),
        (
            has(&|r| r.dropout.is_some()),
            RunSpec { dropout: Some(0.8), ..RunSpec::default() },
            "dropout p=0.8".to_string(),
        ),
    ];
    let (spec, name) = candidates
        .into_iter()
        .find(|(present, _, _)| !present)
        .map(|(_, spec, name)| (spec, name))
        .unwrap_or_else(|| {
            let lambda = 10.0 * lambda;
            (RunSpec { lambda, ..l1 }, format!("L1 λ={}", compact(lambda)))
        });
    let taken = |n: &str| runs.iter().any(|r| r.name == n);
    let name = (1..)
        .map(|k| if k == 1 { name.clone() } else { format!("{name} ({k})") })
        .find(|n| !taken(n))
        .unwrap_or(name);
    RunSpec { name, ..spec }
}
