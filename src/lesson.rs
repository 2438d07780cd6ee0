//! Lesson files (TOML): a workshop as a sequence of steps. A step names a
//! preset or a session file (or neither: a caption on its own), a caption
//! shown in large type, the views to show large, the pace, and actions at
//! moments of its run ("at epoch 500 set L1's λ to 1", "train", "go on",
//! "maximise the network view"). A change of a run's setting becomes a
//! change the session replays at that epoch exactly, as a saved session's
//! do; the other actions happen when the run gets there.
//!
//! ```toml
//! title = "L1 and L2"
//! [[steps]]
//! title = "L1 finds the relevant inputs"
//! preset = 1                           # 0: the comparison the window opens with
//! caption = "Watch the network view: L1 prunes the noise inputs."
//! views = ["importance", "network"]
//! pace = "watch"                       # or "fastest", or epochs per second
//! actions = [{ at = "start", do = "train" }, { at = "end", do = "maximise", view = "network" }]
//! ```

use std::path::{Path, PathBuf};

use serde::Deserialize;
use toml::Spanned;

use crate::experiment::{Experiment, ViewKind};
use crate::train::{LiveChange, ScheduledChange};

/// A lesson, checked: every preset, session, view, run and action it names exists.
#[derive(Debug, Clone, PartialEq)]
pub struct Lesson {
    pub title: String,
    pub steps: Vec<Step>,
    /// The file it was read from (sessions are relative to its folder).
    pub path: PathBuf,
}

/// One step of a lesson.
#[derive(Debug, Clone, PartialEq)]
pub struct Step {
    pub title: String,
    pub caption: String,
    /// The experiment the step opens, if any, with the changes its actions
    /// schedule already in it.
    pub experiment: Option<Box<Experiment>>,
    pub views: Vec<ViewKind>,
    pub pace: Option<StepPace>,
    /// What happens during the step, other than changes of settings.
    pub cues: Vec<Cue>,
}

/// How fast a step's runs train.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum StepPace {
    Watch,
    Fastest,
    /// Epochs per second.
    Fixed(f64),
}

/// When an action happens in a step.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Moment {
    /// Once the step's runs are set up.
    Start,
    /// When the runs have trained this many epochs.
    Epoch(usize),
    /// When the runs have ended.
    End,
}

/// What happens at a moment of a step.
#[derive(Debug, Clone, PartialEq)]
pub struct Cue {
    pub at: Moment,
    pub action: LessonAction,
}

#[derive(Debug, Clone, PartialEq)]
pub enum LessonAction {
    Train,
    Pause,
    /// The same runs go on for as many epochs again.
    GoOn,
    Maximise(ViewKind),
    /// All the views again.
    Restore,
}

/// A lesson file that cannot be used: where, and what is wrong.
#[derive(Debug, thiserror::Error)]
pub enum LessonError {
    #[error("{path}: cannot read the lesson: {source}")]
    Io { path: String, source: std::io::Error },
    #[error("{path}: {message}")]
    Parse { path: String, message: String },
    #[error("{path}: line {line}: {message}")]
    Invalid { path: String, line: usize, message: String },
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct LessonFile {
    title: String,
    #[serde(default)]
    steps: Vec<Spanned<StepFile>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct StepFile {
    title: String,
    #[serde(default)]
    caption: String,
    preset: Option<Spanned<usize>>,
    session: Option<Spanned<PathBuf>>,
    #[serde(default)]
    views: Vec<Spanned<String>>,
    pace: Option<Spanned<toml::Value>>,
    #[serde(default)]
    actions: Vec<Spanned<ActionFile>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ActionFile {
    at: toml::Value,
    #[serde(rename = "do")]
    what: String,
    view: Option<String>,
    run: Option<String>,
    lambda: Option<f64>,
    lr: Option<f64>,
    alpha: Option<f64>,
    reg: Option<crate::nn::Regularizer>,
    l1_rule: Option<crate::nn::L1Rule>,
}

/// The ready-made lessons of `assets/lessons/`: (file name, TOML text).
pub const LESSONS: [(&str, &str); 1] = [("workshop.toml", include_str!("../assets/lessons/workshop.toml"))];

impl Lesson {
    pub fn load(path: &Path) -> Result<Lesson, LessonError> {
        let text = std::fs::read_to_string(path)
            .map_err(|source| LessonError::Io { path: path.display().to_string(), source })?;
        Lesson::from_toml(&text, path)
    }

    /// Reads a lesson; `path` names it in messages and anchors its sessions.
    pub fn from_toml(text: &str, path: &Path) -> Result<Lesson, LessonError> {
        let shown = path.display().to_string();
        let file: LessonFile = toml::from_str(text).map_err(|e| LessonError::Parse {
            path: shown.clone(),
            message: e.to_string().trim_end().to_string(),
        })?;
        let at = |span: std::ops::Range<usize>, message: String| LessonError::Invalid {
            path: shown.clone(),
            line: text[..span.start.min(text.len())].lines().count().max(1)
                + usize::from(text[..span.start.min(text.len())].ends_with('\n')),
            message,
        };
        if file.steps.is_empty() {
            return Err(LessonError::Parse {
                path: shown,
                message: "a lesson needs at least one [[steps]]".into(),
            });
        }
        let dir = path.parent().unwrap_or(Path::new("."));
        let mut steps = Vec::new();
        for (k, step) in file.steps.into_iter().enumerate() {
            let span = step.span();
            let step = step.into_inner();
            steps.push(check_step(step, dir, &|s, m| at(s, m)).map_err(|e| match e {
                StepError::At(err) => err,
                StepError::Step(message) => at(span.clone(), format!("step {}: {message}", k + 1)),
            })?);
        }
        Ok(Lesson { title: file.title, steps, path: path.to_path_buf() })
    }
}

enum StepError {
    At(LessonError),
    Step(String),
}

type Locate<'a> = dyn Fn(std::ops::Range<usize>, String) -> LessonError + 'a;

fn check_step(step: StepFile, dir: &Path, at: &Locate<'_>) -> Result<Step, StepError> {
    let fail = |span: std::ops::Range<usize>, m: String| StepError::At(at(span, m));
    let mut experiment = match (&step.preset, &step.session) {
        (Some(_), Some(_)) => {
            return Err(StepError::Step("names both a preset and a session; give one".into()));
        }
        (Some(p), None) if *p.get_ref() == 0 => Some(Box::new(crate::experiment::default_experiment())),
        (Some(p), None) => {
            let n = *p.get_ref();
            let exp = crate::experiment::preset(n.wrapping_sub(1))
                .ok_or_else(|| {
                    let count = crate::experiment::PRESETS.len();
                    fail(
                        p.span(),
                        format!(
                            "there is no preset {n}; the presets are 1 to {count} (0: the default comparison)"
                        ),
                    )
                })?
                .map_err(|e| fail(p.span(), e.to_string()))?;
            Some(Box::new(exp))
        }
        (None, Some(s)) => {
            let path = dir.join(s.get_ref());
            Some(Box::new(Experiment::load(&path).map_err(|e| fail(s.span(), e.to_string()))?))
        }
        (None, None) => None,
    };
    let views = step
        .views
        .iter()
        .map(|v| view_named(v.get_ref()).ok_or_else(|| fail(v.span(), unknown_view(v.get_ref()))))
        .collect::<Result<Vec<_>, _>>()?;
    let pace =
        step.pace.as_ref().map(|p| pace_of(p.get_ref()).ok_or_else(|| fail(p.span(), bad_pace(p.get_ref()))));
    let pace = pace.transpose()?;
    let mut cues = Vec::new();
    for a in &step.actions {
        let span = a.span();
        match check_action(a.get_ref(), experiment.as_deref_mut()) {
            Ok(Some(cue)) => cues.push(cue),
            Ok(None) => {}
            Err(m) => return Err(fail(span, m)),
        }
    }
    cues.sort_by_key(|c| c.at);
    Ok(Step { title: step.title, caption: step.caption, experiment, views, pace, cues })
}

fn view_named(name: &str) -> Option<ViewKind> {
    ViewKind::ALL.into_iter().find(|v| v.id() == name)
}

fn unknown_view(name: &str) -> String {
    let all: Vec<&str> = ViewKind::ALL.iter().map(|v| v.id()).collect();
    format!("unknown view '{name}'; the views are {}", all.join(", "))
}

fn pace_of(v: &toml::Value) -> Option<StepPace> {
    match v {
        toml::Value::String(s) if s == "watch" => Some(StepPace::Watch),
        toml::Value::String(s) if s == "fastest" => Some(StepPace::Fastest),
        toml::Value::Integer(n) if *n > 0 => Some(StepPace::Fixed(*n as f64)),
        toml::Value::Float(f) if f.is_finite() && *f > 0.0 => Some(StepPace::Fixed(*f)),
        _ => None,
    }
}

fn bad_pace(v: &toml::Value) -> String {
    format!("pace: expected \"watch\", \"fastest\" or epochs per second, found {v}")
}

fn moment_of(v: &toml::Value) -> Result<Moment, String> {
    match v {
        toml::Value::String(s) if s == "start" => Ok(Moment::Start),
        toml::Value::String(s) if s == "end" => Ok(Moment::End),
        toml::Value::Integer(n) if *n >= 0 => Ok(Moment::Epoch(*n as usize)),
        other => Err(format!("at: expected \"start\", \"end\" or an epoch, found {other}")),
    }
}

/// An action as a cue of the step, or (a change of a setting) as a change
/// the step's session replays at its epoch.
fn check_action(a: &ActionFile, experiment: Option<&mut Experiment>) -> Result<Option<Cue>, String> {
    let at = moment_of(&a.at)?;
    let action = match a.what.as_str() {
        "train" => LessonAction::Train,
        "pause" => LessonAction::Pause,
        "go-on" => LessonAction::GoOn,
        "restore" => LessonAction::Restore,
        "maximise" | "maximize" => {
            let name = a.view.as_deref().ok_or("maximise needs a view")?;
            LessonAction::Maximise(view_named(name).ok_or_else(|| unknown_view(name))?)
        }
        "set" => {
            schedule_change(a, at, experiment)?;
            return Ok(None);
        }
        other => {
            return Err(format!(
                "unknown action '{other}'; expected train, pause, go-on, maximise, restore or set"
            ));
        }
    };
    Ok(Some(Cue { at, action }))
}

fn schedule_change(a: &ActionFile, at: Moment, experiment: Option<&mut Experiment>) -> Result<(), String> {
    let exp = experiment.ok_or("set needs the step to open a preset or a session")?;
    let Moment::Epoch(epoch) = at else { return Err("set needs an epoch: at = 500".into()) };
    let run = a.run.as_deref().ok_or("set needs a run: run = \"L1\"")?;
    if !exp.runs.iter().any(|r| r.name == run) {
        let names: Vec<&str> = exp.runs.iter().map(|r| r.name.as_str()).collect();
        return Err(format!("the step has no run '{run}'; its runs are {}", names.join(", ")));
    }
    let changes: Vec<LiveChange> = [
        a.lambda.map(LiveChange::Lambda),
        a.lr.map(LiveChange::Lr),
        a.alpha.map(LiveChange::Alpha),
        a.reg.map(LiveChange::Regularizer),
        a.l1_rule.map(LiveChange::L1Rule),
    ]
    .into_iter()
    .flatten()
    .collect();
    if changes.is_empty() {
        return Err("set needs a setting: lambda, lr, alpha, reg or l1_rule".into());
    }
    for change in changes {
        exp.changes.push(ScheduledChange { run: run.to_string(), epoch, change });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(text: &str) -> Result<Lesson, LessonError> {
        Lesson::from_toml(text, Path::new("lesson.toml"))
    }

    #[test]
    fn the_shipped_lessons_read() {
        for (name, text) in LESSONS {
            let lesson = read(text).unwrap_or_else(|e| panic!("{name}: {e}"));
            assert!(lesson.steps.len() >= 8, "{name}");
        }
    }

    #[test]
    fn a_change_becomes_one_the_session_replays_at_its_epoch() {
        let lesson = read(
            "title = \"t\"\n[[steps]]\ntitle = \"s\"\npreset = 7\n\
             actions = [{ at = 100, do = \"set\", run = \"L1\", lambda = 1.0 }, { at = \"end\", do = \"maximise\", view = \"geometry\" }]\n",
        )
        .unwrap();
        let step = &lesson.steps[0];
        let exp = step.experiment.as_ref().unwrap();
        assert_eq!(
            exp.changes,
            vec![ScheduledChange { run: "L1".into(), epoch: 100, change: LiveChange::Lambda(1.0) }]
        );
        assert_eq!(
            step.cues,
            vec![Cue { at: Moment::End, action: LessonAction::Maximise(ViewKind::Geometry) }]
        );
    }

    #[test]
    fn every_kind_of_malformed_lesson_says_where_and_what() {
        let cases = [
            ("title = \"t\"\n[[steps]]\ntitle = \"a\"\npreset = 42\n", "line 4", "no preset 42"),
            (
                "title = \"t\"\n[[steps]]\ntitle = \"a\"\nviews = [\"errors\"]\n",
                "line 4",
                "unknown view 'errors'",
            ),
            (
                "title = \"t\"\n[[steps]]\ntitle = \"a\"\npreset = 1\nactions = [{ at = \"end\", do = \"dance\" }]\n",
                "line 5",
                "unknown action 'dance'",
            ),
            (
                "title = \"t\"\n[[steps]]\ntitle = \"a\"\npreset = 1\nactions = [{ at = 10, do = \"set\", run = \"L9\", lambda = 1.0 }]\n",
                "line 5",
                "no run 'L9'",
            ),
            (
                "title = \"t\"\n[[steps]]\ntitle = \"a\"\nactions = [{ at = 10, do = \"set\", run = \"L1\", lambda = 1.0 }]\n",
                "line 4",
                "set needs the step to open",
            ),
            ("title = \"t\"\n[[steps]]\ntitle = \"a\"\npace = \"slow\"\n", "line 4", "pace: expected"),
            (
                "title = \"t\"\n[[steps]]\ntitle = \"a\"\nsession = \"missing.toml\"\n",
                "line 4",
                "missing.toml",
            ),
            (
                "title = \"t\"\n[[steps]]\ntitle = \"a\"\npreset = 1\nsession = \"x.toml\"\n",
                "line 2",
                "both a preset and a session",
            ),
            ("title = \"t\"\n[[steps]]\ntitel = \"a\"\n", "line 3", "unknown field"),
            ("title = \"t\"\n", "", "at least one [[steps]]"),
            ("title = \"t\"\n[[steps]\n", "line 2", ""),
        ];
        for (text, line, what) in cases {
            let e = read(text).expect_err(text).to_string();
            assert!(e.starts_with("lesson.toml: "), "{e}");
            assert!(e.contains(line) && e.contains(what), "{text:?}: {e}");
        }
    }
}
