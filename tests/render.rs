//! `reglab render`: the window's pictures made without a display. The CPU
//! drawing is held to what egui's wgpu renderer draws of the very same
//! frames; the command's PNG is a real picture of the runs at twice the
//! window's size; its animation is an APNG whose frames are the run at the
//! epochs it names, in order; and bad flags are usage errors.

use std::process::{Command, Output};

fn reglab(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_reglab")).args(args).output().expect("the reglab binary runs")
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[cfg(not(feature = "gui"))]
#[test]
fn without_the_window_render_is_a_usage_error() {
    let dir = tempfile::tempdir().expect("a folder");
    let out = dir.path().join("error.png");
    let o = reglab(&["render", "--view", "error", "--out", out.to_str().expect("utf-8")]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("built without its window"), "{}", stderr(&o));
    assert!(!out.exists());
}

#[cfg(feature = "gui")]
mod window {
    use std::cell::RefCell;
    use std::collections::{BTreeMap, HashSet};
    use std::path::{Path, PathBuf};
    use std::rc::Rc;

    use egui_kittest::TestRenderer;
    use egui_kittest::wgpu::WgpuTestRenderer;
    use reglab::experiment::{Experiment, ViewKind};
    use reglab::gui::Theme;
    use reglab::gui::render::{Headless, Request, Target};

    use super::*;

    /// A short session on a two-input classification set, so that every view
    /// (the decision boundary and the contours too) has something to show.
    const SESSION: &str = r#"
    name = "Circle"
    seed = 3
    views = ["error", "boundary", "geometry"]

    [data]
    validation = 0.25

    [data.synthetic]
    kind = "circle"
    rows = 300

    [network]
    hidden = [6]
    activation = "tanh"

    [training]
    lr = 0.3
    batch = 32
    epochs = 30

    [[runs]]
    name = "none"

    [[runs]]
    name = "L1"
    reg = "l1"
    lambda = 0.02
    l1_rule = "proximal"

    [[runs]]
    name = "L2"
    reg = "l2"
    lambda = 0.02
    "#;

    fn session(dir: &Path, text: &str) -> PathBuf {
        let path = dir.join("session.toml");
        std::fs::write(&path, text).expect("the session is written");
        path
    }

    /// How far apart two pictures of the same size are.
    struct Difference {
        pixels: usize,
        /// Pixels not exactly the same.
        any: usize,
        /// Pixels with a channel more than 2 apart (beyond rounding), and more than 32 (visible).
        over_2: usize,
        over_32: usize,
        largest: u8,
    }

    impl std::fmt::Display for Difference {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            let share = |n: usize| 100.0 * n as f64 / self.pixels as f64;
            write!(
                f,
                "{} pixels: {:.3}% differ at all, {:.3}% by more than 2 of 255, {:.4}% by more than 32, the most {}",
                self.pixels,
                share(self.any),
                share(self.over_2),
                share(self.over_32),
                self.largest
            )
        }
    }

    fn difference(cpu: &egui::ColorImage, gpu: &image::RgbaImage) -> Difference {
        assert_eq!(cpu.size, [gpu.width() as usize, gpu.height() as usize], "one size");
        let mut d = Difference { pixels: cpu.pixels.len(), any: 0, over_2: 0, over_32: 0, largest: 0 };
        for (c, g) in cpu.pixels.iter().zip(gpu.pixels()) {
            let most = c.to_array().iter().zip(g.0).map(|(a, b)| a.abs_diff(b)).max().unwrap_or(0);
            d.any += usize::from(most > 0);
            d.over_2 += usize::from(most > 2);
            d.over_32 += usize::from(most > 32);
            d.largest = d.largest.max(most);
        }
        d
    }

    /// Draws the session, trained to the end, both on the CPU and with
    /// egui's wgpu renderer (on the CPU here too, through lavapipe), from
    /// the same frames and the same textures; saves both for a person to look at.
    fn both_ways(target: Target, theme: Theme, name: &str) -> Difference {
        let dir = tempfile::tempdir().expect("a folder");
        let request = Request {
            config: Some(session(dir.path(), SESSION)),
            target,
            size: egui::vec2(1280.0, 720.0),
            pixels_per_point: 2.0,
            theme,
            epoch: None,
            cancel: None,
        };
        let mut headless = Headless::open(&request, &mut |_| {}).expect("the session opens");
        let wgpu = Rc::new(RefCell::new(WgpuTestRenderer::new()));
        let fed = Rc::clone(&wgpu);
        headless.on_frame(move |_, output| {
            let mut delta = output.textures_delta.clone();
            fed.borrow_mut().handle_delta(&mut delta);
        });
        headless.train_to_end(&mut |_| {}).expect("it trains");
        headless.settle().expect("the picture settles");
        let cpu = headless.picture().expect("drawn on the CPU");
        let output = headless.output().expect("a frame");
        let gpu = wgpu.borrow_mut().render(headless.ctx(), output).expect("drawn with wgpu");
        let out = Path::new(env!("CARGO_TARGET_TMPDIR")).join("render");
        let _ = std::fs::create_dir_all(&out);
        let _ = gpu.save(out.join(format!("{name}-wgpu.png")));
        let raw: Vec<u8> = cpu.pixels.iter().flat_map(|c| c.to_array()).collect();
        if let Some(img) = image::RgbaImage::from_raw(cpu.size[0] as u32, cpu.size[1] as u32, raw) {
            let _ = img.save(out.join(format!("{name}-cpu.png")));
        }
        let d = difference(&cpu, &gpu);
        eprintln!("{name}: {d}");
        d
    }

    fn assert_close(d: &Difference, what: &str) {
        // Text and feathered edges may round one way on one renderer and the
        // other way on the other; nothing more.
        assert!(d.over_2 * 10_000 <= d.pixels, "{what}: {d}");
        assert!(d.over_32 * 100_000 <= d.pixels, "{what}: {d}");
    }

    #[test]
    fn the_cpu_draws_the_frames_as_egui_wgpu_does() {
        let window = both_ways(Target::Window, Theme::Dark, "window-dark");
        assert_close(&window, "the window");
        let boundary = both_ways(Target::View(ViewKind::Boundary), Theme::Light, "boundary-light");
        assert_close(&boundary, "the boundary view");
        let geometry = both_ways(Target::View(ViewKind::Geometry), Theme::HighContrast, "geometry-contrast");
        assert_close(&geometry, "the geometry view");
    }

    /// Pixels, not premultiplied, and size of a PNG file.
    fn decode(path: &Path) -> (Vec<u8>, u32, u32) {
        let file = std::fs::File::open(path).expect("the picture exists");
        let mut reader = png::Decoder::new(std::io::BufReader::new(file)).read_info().expect("a PNG");
        let mut buf = vec![0; reader.output_buffer_size().expect("a size")];
        let info = reader.next_frame(&mut buf).expect("its pixels");
        assert_eq!(info.color_type, png::ColorType::Rgba);
        buf.truncate(info.buffer_size());
        (buf, info.width, info.height)
    }

    /// The runs' colours of the test session, as the window gives them.
    fn run_colors() -> Vec<[u8; 3]> {
        let exp = Experiment::from_toml(SESSION).expect("the session reads");
        reglab::workbench::colors::run_colors(&exp.runs, &BTreeMap::new())
    }

    /// Pixels within a small distance of `color`.
    fn count_near(rgba: &[u8], color: [u8; 3]) -> usize {
        rgba.chunks_exact(4).filter(|p| (0..3).all(|i| p[i].abs_diff(color[i]) <= 12)).count()
    }

    #[test]
    fn a_png_is_the_window_at_twice_its_size_with_every_run_drawn() {
        let dir = tempfile::tempdir().expect("a folder");
        let config = session(dir.path(), SESSION);
        let window = dir.path().join("window.png");
        let o = reglab(&[
            "render",
            "--config",
            config.to_str().expect("utf-8"),
            "--view",
            "window",
            "--size",
            "1280x720",
            "--out",
            window.to_str().expect("utf-8"),
        ]);
        assert!(o.status.success(), "{}", stderr(&o));
        let stdout = String::from_utf8_lossy(&o.stdout);
        assert!(stdout.contains("at epoch 30, 2560×1440 pixels"), "{stdout}");
        let (rgba, w, h) = decode(&window);
        assert_eq!((w, h), (2560, 1440));
        let colours: HashSet<&[u8]> = rgba.chunks_exact(4).collect();
        assert!(colours.len() > 200, "only {} colours", colours.len());
        for c in run_colors() {
            assert!(count_near(&rgba, c) > 200, "the run colour {c:?} is missing");
        }

        let error = dir.path().join("error.png");
        let o = reglab(&[
            "render",
            "--config",
            config.to_str().expect("utf-8"),
            "--view",
            "error",
            "--theme",
            "light",
            "--out",
            error.to_str().expect("utf-8"),
        ]);
        assert!(o.status.success(), "{}", stderr(&o));
        let (rgba, w, h) = decode(&error);
        // The view's tile: the window less its toolbar, status bar and key.
        assert!((2000..=2560).contains(&w) && (800..1440).contains(&h), "{w}×{h}");
        // A light theme: mostly light pixels.
        let light = rgba.chunks_exact(4).filter(|p| p[0] > 200 && p[1] > 200 && p[2] > 200).count();
        assert!(light * 2 > rgba.len() / 4, "{light} light pixels of {}", rgba.len() / 4);
        for c in run_colors() {
            assert!(count_near(&rgba, c) > 100, "the run colour {c:?} is missing");
        }
    }

    /// A frame as a viewer shows it (RGBA), and its delay as a fraction of a second.
    type Frame = (Vec<u8>, (u16, u16));

    /// The frames of an APNG composed as a viewer shows them, and its size.
    fn frames(path: &Path) -> (Vec<Frame>, u32, u32) {
        let file = std::fs::File::open(path).expect("the animation exists");
        let mut reader = png::Decoder::new(std::io::BufReader::new(file)).read_info().expect("a PNG");
        let actl = reader.info().animation_control.expect("an animated PNG");
        let (w, h) = reader.info().size();
        let mut canvas = vec![0u8; (w * h * 4) as usize];
        let mut buf = vec![0; reader.output_buffer_size().expect("a size")];
        let mut out = Vec::new();
        for _ in 0..actl.num_frames {
            let info = reader.next_frame(&mut buf).expect("a frame");
            let fc = *reader.info().frame_control.as_ref().expect("its frame control");
            assert_eq!(fc.blend_op, png::BlendOp::Source);
            assert_eq!(fc.dispose_op, png::DisposeOp::None);
            for row in 0..info.height {
                let from = (row * info.width * 4) as usize;
                let to = (((fc.y_offset + row) * w + fc.x_offset) * 4) as usize;
                let len = (info.width * 4) as usize;
                canvas[to..to + len].copy_from_slice(&buf[from..from + len]);
            }
            out.push((canvas.clone(), (fc.delay_num, fc.delay_den)));
        }
        (out, w, h)
    }

    #[test]
    fn an_animation_is_an_apng_of_the_run_at_its_epochs_in_order() {
        let dir = tempfile::tempdir().expect("a folder");
        let config = session(dir.path(), SESSION);
        let config = config.to_str().expect("utf-8");
        let anim = dir.path().join("error-anim.png");
        let o = reglab(&[
            "render",
            "--config",
            config,
            "--view",
            "error",
            "--animate",
            "--fps",
            "10",
            "--frames",
            "4",
            "--out",
            anim.to_str().expect("utf-8"),
        ]);
        assert!(o.status.success(), "{}", stderr(&o));
        let stdout = String::from_utf8_lossy(&o.stdout);
        assert!(stdout.contains("4 frames from epoch 0 to 30 at 10 fps"), "{stdout}");
        let (frames, w, h) = frames(&anim);
        assert_eq!(frames.len(), 4);
        let delays: Vec<(u16, u16)> = frames.iter().map(|f| f.1).collect();
        assert_eq!(delays, vec![(1, 10), (1, 10), (1, 10), (2, 1)], "the last frame is held");
        // Each frame is the picture of the run paused at its epoch, and
        // no other: the stills at the four epochs, one by one.
        let epochs = [0, 10, 20, 30];
        let mut stills = Vec::new();
        for epoch in epochs {
            let still = dir.path().join(format!("error-{epoch}.png"));
            let o = reglab(&[
                "render",
                "--config",
                config,
                "--view",
                "error",
                "--epoch",
                &epoch.to_string(),
                "--out",
                still.to_str().expect("utf-8"),
            ]);
            assert!(o.status.success(), "{}", stderr(&o));
            let (rgba, sw, sh) = decode(&still);
            assert_eq!((sw, sh), (w, h), "epoch {epoch}");
            stills.push(rgba);
        }
        // Pixels more than 2 of 255 apart: text may round one way in one
        // picture and the other way in another, as its glyphs sit elsewhere
        // in the font atlas.
        let apart = |a: &[u8], b: &[u8]| {
            a.chunks_exact(4)
                .zip(b.chunks_exact(4))
                .filter(|(p, q)| p.iter().zip(*q).any(|(x, y)| x.abs_diff(*y) > 2))
                .count()
        };
        for (k, (frame, _)) in frames.iter().enumerate() {
            let distances: Vec<usize> = stills.iter().map(|s| apart(frame, s)).collect();
            assert_eq!(distances[k], 0, "frame {k} is not the picture at epoch {}: {distances:?}", epochs[k]);
            for (j, d) in distances.iter().enumerate() {
                assert!(j == k || *d > 1000, "frame {k} looks like epoch {} too: {distances:?}", epochs[j]);
            }
        }
        assert_ne!(frames[0].0, frames[3].0, "the run moves");
    }

    #[test]
    fn bad_requests_are_usage_errors_and_a_missing_folder_a_failure() {
        let dir = tempfile::tempdir().expect("a folder");
        let config = session(dir.path(), SESSION);
        let config = config.to_str().expect("utf-8");
        let out = dir.path().join("x.png");
        let out = out.to_str().expect("utf-8");
        let cases: [(&[&str], i32, &str); 6] = [
            (&["--view", "errors"], 2, "expected one of window, formula, error"),
            (&["--size", "1280"], 2, "WIDTHxHEIGHT"),
            (&["--scale", "9"], 2, "--scale must be"),
            (&["--fps", "10"], 2, "--animate"),
            (&["--config", "/nonexistent/session.toml"], 2, "cannot read the experiment file"),
            (&["--out", "/nonexistent/folder/x.png"], 1, "does not exist"),
        ];
        for (args, code, says) in cases {
            let mut all = vec!["render", "--out", out];
            if !args.contains(&"--config") {
                all.extend(["--config", config]);
            }
            if args.contains(&"--out") {
                all.drain(1..3);
            }
            all.extend(args);
            let o = reglab(&all);
            assert_eq!(o.status.code(), Some(code), "{args:?}: {}", stderr(&o));
            assert!(stderr(&o).contains(says), "{args:?}: {}", stderr(&o));
        }
        // A view that has nothing to show for the data: regression has no accuracy.
        let regression = SESSION.replace("kind = \"circle\"", "kind = \"sparse-regression\"");
        let config = session(dir.path(), &regression);
        let o = reglab(&[
            "render",
            "--config",
            config.to_str().expect("utf-8"),
            "--view",
            "accuracy",
            "--out",
            out,
        ]);
        assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
        assert!(stderr(&o).contains("classification only"), "{}", stderr(&o));
        assert!(!Path::new(out).exists());
    }
}
