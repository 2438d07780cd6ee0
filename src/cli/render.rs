//! `reglab render`: the window (or one of its views) after training a
//! session, as a PNG at two pixels per point, or as an animated PNG of the
//! view over the run, drawn headless with the window's own drawing code.

use std::path::{Path, PathBuf};

use anyhow::anyhow;
use clap::{Args, ValueEnum};

use super::{CliError, usage};
use crate::experiment::{Experiment, ViewKind};

#[derive(Debug, Args)]
pub struct RenderArgs {
    /// A session or experiment file (TOML), opened as the window opens it
    /// (default: the window's default comparison).
    #[arg(long, value_name = "FILE.toml")]
    pub config: Option<PathBuf>,
    /// What to draw: `window`, or one view alone (maximised, cut out of the
    /// window): formula, error, accuracy, histograms, layers, sparsity,
    /// norms, importance, boundary, path, network, geometry.
    #[arg(long, default_value = "window", value_name = "NAME", value_parser = parse_view)]
    pub view: String,
    /// The window's size in points, WIDTHxHEIGHT; a view is its tile in a
    /// window of this size.
    #[arg(long, default_value = "1280x720", value_name = "WxH", value_parser = parse_size)]
    pub size: Size,
    /// Pixels per point: 2 draws a 1280x720 window as 2560×1440 pixels.
    #[arg(long, default_value_t = 2.0)]
    pub scale: f32,
    /// The window's colours.
    #[arg(long, value_enum, default_value_t = ThemeArg::Dark)]
    pub theme: ThemeArg,
    /// Train to this epoch and pause there (default: train to the end);
    /// with --animate, the animation ends there.
    #[arg(long)]
    pub epoch: Option<usize>,
    /// The picture to write: a PNG, or with --animate an animated PNG (APNG).
    #[arg(long, value_name = "FILE.png")]
    pub out: PathBuf,
    /// An animation of the run: the window paused at epochs spread evenly
    /// from 0 to the end, the last frame held for two seconds.
    #[arg(long)]
    pub animate: bool,
    /// Frames per second of the animation.
    #[arg(long, default_value_t = 15, requires = "animate")]
    pub fps: u16,
    /// Frames of the animation at most (one per epoch when the run is shorter).
    #[arg(long, default_value_t = 300, requires = "animate")]
    pub frames: usize,
    /// No progress bar and no summary.
    #[arg(short, long)]
    pub quiet: bool,
}

/// A size in points.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Size {
    pub width: f32,
    pub height: f32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ThemeArg {
    Dark,
    Light,
    HighContrast,
}

/// Sides of the window, in points: large enough for its panels, small
/// enough that a picture fits in memory at the largest scale.
const SIDE: std::ops::RangeInclusive<f32> = 200.0..=8192.0;
const SCALE: std::ops::RangeInclusive<f32> = 0.5..=4.0;

fn parse_size(text: &str) -> Result<Size, String> {
    let bad = || format!("expected WIDTHxHEIGHT in points, such as 1280x720, found {text:?}");
    let (w, h) = text.split_once(['x', 'X', '×']).ok_or_else(bad)?;
    let side = |s: &str| s.trim().parse::<u32>().map_err(|_| bad()).map(|v| v as f32);
    let (width, height) = (side(w)?, side(h)?);
    if !SIDE.contains(&width) || !SIDE.contains(&height) {
        return Err(format!("each side must be {} to {} points, found {text}", SIDE.start(), SIDE.end()));
    }
    Ok(Size { width, height })
}

fn parse_view(text: &str) -> Result<String, String> {
    let names: Vec<&str> = std::iter::once("window").chain(ViewKind::ALL.iter().map(|v| v.id())).collect();
    if names.contains(&text) {
        Ok(text.to_string())
    } else {
        Err(format!("expected one of {}, found {text:?}", names.join(", ")))
    }
}

/// `reglab render`.
pub fn render(a: &RenderArgs) -> Result<(), CliError> {
    if !a.scale.is_finite() || !SCALE.contains(&a.scale) {
        return Err(usage(anyhow!(
            "--scale must be {} to {}, found {}",
            SCALE.start(),
            SCALE.end(),
            a.scale
        )));
    }
    if a.animate && !(1..=100).contains(&a.fps) {
        return Err(usage(anyhow!("--fps must be 1 to 100, found {}", a.fps)));
    }
    if a.animate && a.frames < 2 {
        return Err(usage(anyhow!("--frames must be at least 2, found {}", a.frames)));
    }
    // A file that cannot be read is said before anything loads or trains.
    if let Some(path) = &a.config {
        Experiment::load(path).map_err(usage)?;
    }
    check_folder(&a.out)?;
    draw(a)
}

/// The folder of the picture must exist: found out before training, not after.
fn check_folder(out: &Path) -> Result<(), CliError> {
    let dir = out.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new("."));
    if dir.is_dir() {
        Ok(())
    } else {
        Err(super::failure(anyhow!("{}: the folder {} does not exist", out.display(), dir.display())))
    }
}

#[cfg(not(feature = "gui"))]
fn draw(_a: &RenderArgs) -> Result<(), CliError> {
    Err(usage(anyhow!(
        "this reglab was built without its window (the cargo feature `gui`), whose drawing code \
         `reglab render` uses; build it with the default features"
    )))
}

#[cfg(feature = "gui")]
fn draw(a: &RenderArgs) -> Result<(), CliError> {
    use crate::gui::Theme;
    use crate::gui::render::{Animation, Progress, RenderError, Request, Target, render_apng, render_png};

    let target =
        Target::parse(&a.view).ok_or_else(|| usage(anyhow!("--view: no view is called {}", a.view)))?;
    let request = Request {
        config: a.config.clone(),
        target,
        size: egui::vec2(a.size.width, a.size.height),
        pixels_per_point: a.scale,
        theme: match a.theme {
            ThemeArg::Dark => Theme::Dark,
            ThemeArg::Light => Theme::Light,
            ThemeArg::HighContrast => Theme::HighContrast,
        },
        epoch: a.epoch,
        cancel: None,
    };
    let bar = if a.quiet {
        indicatif::ProgressBar::hidden()
    } else {
        let pb = indicatif::ProgressBar::new(0);
        pb.set_style(
            indicatif::ProgressStyle::with_template(
                "{spinner} [{elapsed_precise}] {wide_bar} {pos}/{len} {msg}",
            )
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
        );
        pb
    };
    let mut progress = |p: Progress| match p {
        Progress::Setup => bar.set_message("loading the data and setting up the runs"),
        Progress::Training { epoch, epochs } => {
            bar.set_length(epochs as u64);
            bar.set_position(epoch as u64);
            bar.set_message("epochs");
        }
        Progress::Frame { frame, frames, epoch } => {
            bar.set_length(frames as u64);
            bar.set_position(frame as u64);
            bar.set_message(format!("frames (epoch {epoch})"));
        }
    };
    let started = std::time::Instant::now();
    let animation = Animation { fps: a.fps, max_frames: a.frames, ..Animation::default() };
    let result = if a.animate {
        render_apng(&request, &animation, &a.out, &mut progress)
    } else {
        render_png(&request, &a.out, &mut progress)
    };
    bar.finish_and_clear();
    let rendered = result.map_err(|e| match e {
        // A view that does not apply to the session's data is a choice to make again.
        RenderError::NothingToShow { .. } => usage(e),
        e => super::failure(e),
    })?;
    for run in &rendered.failed_runs {
        crate::errln!("reglab: run {run}; the picture shows it as the window does");
    }
    if rendered.refit_frames > 0 {
        crate::errln!(
            "reglab: in {} frame(s) the view's tile had another size than in the first (the toolbar or \
             the key above the views wrapped otherwise); they are drawn from the top left, cut or \
             filled out. A wider --size keeps the toolbar on one line.",
            rendered.refit_frames
        );
    }
    if !a.quiet {
        let what = match target {
            Target::Window => "the window".to_string(),
            Target::View(v) => format!("the {} view", v.id()),
        };
        let seconds = started.elapsed().as_secs_f64();
        let (w, h) = (rendered.width, rendered.height);
        // A closed standard output only loses the summary: the file is written.
        let _ = match rendered.epochs.as_slice() {
            [epoch] if !a.animate => {
                crate::outln!("{}: {what} at epoch {epoch}, {w}×{h} pixels ({seconds:.1} s)", a.out.display())
            }
            epochs => crate::outln!(
                "{}: {what}, {} frames from epoch {} to {} at {} fps, {w}×{h} pixels ({seconds:.1} s)",
                a.out.display(),
                epochs.len(),
                epochs.first().copied().unwrap_or(0),
                epochs.last().copied().unwrap_or(0),
                a.fps
            ),
        };
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_and_views_are_read_or_refused_with_what_was_expected() {
        assert_eq!(parse_size("1280x720"), Ok(Size { width: 1280.0, height: 720.0 }));
        assert_eq!(parse_size("800×600"), Ok(Size { width: 800.0, height: 600.0 }));
        assert!(parse_size("1280").unwrap_err().contains("WIDTHxHEIGHT"));
        assert!(parse_size("10x720").unwrap_err().contains("200 to 8192"));
        assert_eq!(parse_view("histograms"), Ok("histograms".into()));
        assert!(parse_view("errors").unwrap_err().contains("window, formula, error"));
    }
}
