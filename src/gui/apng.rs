//! Animated PNG (APNG) files, written with the `png` crate: the first frame
//! whole, then each frame as the rectangle that changed since the one
//! before (replacing those pixels), so that a view whose curves grow in one
//! corner does not store the whole picture again every frame. Browsers,
//! presentation programs that show images through a browser engine, and
//! most image viewers play them; others show the first frame.

use std::io::Write;

/// Why an animation could not be written.
#[derive(Debug, thiserror::Error)]
pub enum ApngError {
    #[error("cannot encode the animation: {0}")]
    Encode(#[from] png::EncodingError),
    #[error("a frame of {got} bytes in an animation of {width}×{height} RGBA pixels ({want} bytes)")]
    FrameSize { got: usize, want: usize, width: usize, height: usize },
    #[error("the animation was announced with {planned} frames and {written} were written")]
    FrameCount { planned: u32, written: u32 },
    #[error("an animation of {width}×{height} pixels cannot be written (1 to 2³¹ − 1 pixels a side)")]
    Size { width: usize, height: usize },
}

/// How long a frame stays: `numerator / denominator` seconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Delay {
    pub numerator: u16,
    pub denominator: u16,
}

impl Delay {
    /// One frame of an animation at `fps` frames a second.
    pub fn per_frame(fps: u16) -> Delay {
        Delay { numerator: 1, denominator: fps.max(1) }
    }

    pub fn seconds(seconds: u16) -> Delay {
        Delay { numerator: seconds, denominator: 1 }
    }
}

/// An APNG being written: the number of frames is announced first (the
/// format puts it in the header), then each frame is added whole.
pub struct Apng<W: Write> {
    writer: png::Writer<W>,
    width: usize,
    height: usize,
    /// The last frame added, RGBA, to find what changed.
    previous: Vec<u8>,
    planned: u32,
    written: u32,
}

impl<W: Write> Apng<W> {
    /// An animation of `frames` frames of `width`×`height` RGBA pixels that plays forever.
    pub fn new(out: W, width: usize, height: usize, frames: u32) -> Result<Apng<W>, ApngError> {
        let side = |v: usize| u32::try_from(v).ok().filter(|v| (1..=i32::MAX as u32).contains(v));
        let (Some(w), Some(h)) = (side(width), side(height)) else {
            return Err(ApngError::Size { width, height });
        };
        let mut encoder = png::Encoder::new(out, w, h);
        encoder.set_color(png::ColorType::Rgba);
        encoder.set_depth(png::BitDepth::Eight);
        // A third smaller than Fast, for a few milliseconds more a frame.
        encoder.set_compression(png::Compression::Balanced);
        encoder.set_animated(frames.max(1), 0)?;
        let writer = encoder.write_header()?;
        Ok(Apng { writer, width, height, previous: Vec::new(), planned: frames.max(1), written: 0 })
    }

    /// Adds the next frame (`width`×`height` RGBA pixels, not
    /// premultiplied), shown for `delay`.
    pub fn push(&mut self, rgba: &[u8], delay: Delay) -> Result<(), ApngError> {
        let want = self.width * self.height * 4;
        if rgba.len() != want {
            return Err(ApngError::FrameSize {
                got: rgba.len(),
                want,
                width: self.width,
                height: self.height,
            });
        }
        if self.written >= self.planned {
            return Err(ApngError::FrameCount { planned: self.planned, written: self.written + 1 });
        }
        self.writer.set_frame_delay(delay.numerator, delay.denominator)?;
        let (x, y, w, h) = if self.previous.is_empty() {
            (0, 0, self.width, self.height)
        } else {
            // Nothing changed: one pixel written again keeps the frame (and its delay).
            changed(&self.previous, rgba, self.width, self.height).unwrap_or((0, 0, 1, 1))
        };
        // The position first goes back to 0 so that any size fits, then moves.
        self.writer.reset_frame_position()?;
        self.writer.set_frame_dimension(w as u32, h as u32)?;
        self.writer.set_frame_position(x as u32, y as u32)?;
        self.writer.set_blend_op(png::BlendOp::Source)?;
        self.writer.set_dispose_op(png::DisposeOp::None)?;
        if (x, y, w, h) == (0, 0, self.width, self.height) {
            self.writer.write_image_data(rgba)?;
        } else {
            let mut part = Vec::with_capacity(w * h * 4);
            for row in y..y + h {
                let start = (row * self.width + x) * 4;
                part.extend_from_slice(&rgba[start..start + w * 4]);
            }
            self.writer.write_image_data(&part)?;
        }
        self.previous.clear();
        self.previous.extend_from_slice(rgba);
        self.written += 1;
        Ok(())
    }

    /// Frames added so far.
    pub fn written(&self) -> u32 {
        self.written
    }

    /// Ends the file; every announced frame must have been added.
    pub fn finish(self) -> Result<(), ApngError> {
        if self.written != self.planned {
            return Err(ApngError::FrameCount { planned: self.planned, written: self.written });
        }
        self.writer.finish()?;
        Ok(())
    }
}

/// The smallest rectangle (x, y, width, height) holding every pixel that
/// differs between two RGBA pictures; `None` when they are the same.
fn changed(a: &[u8], b: &[u8], width: usize, height: usize) -> Option<(usize, usize, usize, usize)> {
    let row = |y: usize| y * width * 4..(y + 1) * width * 4;
    let y0 = (0..height).find(|&y| a[row(y)] != b[row(y)])?;
    let y1 = (y0..height).rev().find(|&y| a[row(y)] != b[row(y)]).unwrap_or(y0);
    let (mut x0, mut x1) = (width, 0);
    for y in y0..=y1 {
        let (ra, rb) = (&a[row(y)], &b[row(y)]);
        if let Some(first) = (0..width).find(|&x| ra[x * 4..x * 4 + 4] != rb[x * 4..x * 4 + 4]) {
            let last = (first..width).rev().find(|&x| ra[x * 4..x * 4 + 4] != rb[x * 4..x * 4 + 4]);
            x0 = x0.min(first);
            x1 = x1.max(last.unwrap_or(first));
        }
    }
    Some((x0, y0, x1 - x0 + 1, y1 - y0 + 1))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A 4×3 picture, all grey but the pixels listed.
    fn picture(marks: &[(usize, usize, u8)]) -> Vec<u8> {
        let mut p = vec![128u8; 4 * 3 * 4];
        for &(x, y, v) in marks {
            p[(y * 4 + x) * 4..(y * 4 + x) * 4 + 4].copy_from_slice(&[v, 0, 0, 255]);
        }
        p
    }

    #[test]
    fn only_what_changed_is_stored_and_the_frames_decode_in_order() {
        let frames = [
            picture(&[]),
            picture(&[(1, 1, 10)]),
            picture(&[(1, 1, 10), (3, 2, 20)]),
            picture(&[(1, 1, 10), (3, 2, 20)]),
        ];
        assert_eq!(changed(&frames[0], &frames[1], 4, 3), Some((1, 1, 1, 1)));
        assert_eq!(changed(&frames[0], &frames[2], 4, 3), Some((1, 1, 3, 2)));
        assert_eq!(changed(&frames[2], &frames[3], 4, 3), None);
        let mut bytes = Vec::new();
        let mut apng = Apng::new(&mut bytes, 4, 3, 4).expect("a header");
        for (k, f) in frames.iter().enumerate() {
            let delay = if k == 3 { Delay::seconds(2) } else { Delay::per_frame(15) };
            apng.push(f, delay).expect("a frame");
        }
        apng.finish().expect("the end");

        let decoder = png::Decoder::new(std::io::Cursor::new(bytes));
        let mut reader = decoder.read_info().expect("it decodes");
        let actl = reader.info().animation_control.expect("animated");
        assert_eq!(actl.num_frames, 4);
        // Compose the frames as a viewer does, and compare each with what was added.
        let mut canvas = vec![0u8; 4 * 3 * 4];
        let mut buf = vec![0u8; reader.output_buffer_size().expect("a size")];
        for (k, want) in frames.iter().enumerate() {
            let info = reader.next_frame(&mut buf).expect("a frame");
            let fc = *reader.info().frame_control.as_ref().expect("a frame control");
            assert_eq!(fc.sequence_number as usize > 0, k > 0);
            for row in 0..info.height as usize {
                for col in 0..info.width as usize {
                    let (x, y) = (fc.x_offset as usize + col, fc.y_offset as usize + row);
                    let src = (row * info.width as usize + col) * 4;
                    canvas[(y * 4 + x) * 4..(y * 4 + x) * 4 + 4].copy_from_slice(&buf[src..src + 4]);
                }
            }
            assert_eq!(&canvas, want, "frame {k}");
            let last = (fc.delay_num, fc.delay_den);
            assert_eq!(last, if k == 3 { (2, 1) } else { (1, 15) });
        }
    }

    #[test]
    fn frames_must_match_the_size_and_the_count_announced() {
        let mut bytes = Vec::new();
        let mut apng = Apng::new(&mut bytes, 4, 3, 2).expect("a header");
        assert!(matches!(apng.push(&[0; 5], Delay::per_frame(10)), Err(ApngError::FrameSize { .. })));
        apng.push(&picture(&[]), Delay::per_frame(10)).expect("a frame");
        assert!(matches!(apng.finish(), Err(ApngError::FrameCount { planned: 2, written: 1 })));
        assert!(matches!(Apng::new(Vec::new(), 0, 3, 2), Err(ApngError::Size { .. })));
    }
}
