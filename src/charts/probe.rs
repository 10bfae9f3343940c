//! What a pointer reads off a drawn chart. Every chart that can be read returns a [`Probe`]:
//! the points it drew, at the backend pixels where they were drawn, each with the sentence a
//! readout shows for it ("step 120: loss 3.2e-3"), and for a landscape slice the map from
//! pixels to the plane. The page shows the reading under the pointer (or finger); the native
//! tests check that a reading is the value drawn at that pixel.

use std::ops::Range;

/// One readable point of a chart, in backend pixels.
#[derive(Clone, Debug, PartialEq)]
pub struct ProbePoint {
    /// Pixel column.
    pub x: f64,
    /// Pixel row (0 at the top).
    pub y: f64,
    /// What the readout says of it.
    pub text: String,
}

/// How far a pointer may be from a point and still read it.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Reach {
    /// Any pointer inside the plotting area reads the nearest point (curves: the step under
    /// the pointer).
    Plot,
    /// Only a pointer within this many backend pixels reads a point (scattered marks).
    Pixels(f64),
}

/// A landscape slice's plotting square and the plane coordinates at its edges.
#[derive(Clone, Debug, PartialEq)]
pub struct PlaneMap {
    /// Backend pixel columns of the square (end exclusive).
    pub x: Range<f64>,
    /// Backend pixel rows of the square (end exclusive), top first.
    pub y: Range<f64>,
    /// Plane coordinates `a` at the left and right edges.
    pub a: (f64, f64),
    /// Plane coordinates `b` at the bottom and top edges.
    pub b: (f64, f64),
}

impl PlaneMap {
    /// The plane point `(a, b)` at a pixel, if the pixel lies in the square.
    pub fn plane_at(&self, x: f64, y: f64) -> Option<(f64, f64)> {
        if !self.x.contains(&x) || !self.y.contains(&y) {
            return None;
        }
        let fx = (x - self.x.start) / (self.x.end - self.x.start);
        let fy = (y - self.y.start) / (self.y.end - self.y.start);
        Some((
            self.a.0 + fx * (self.a.1 - self.a.0),
            self.b.1 + fy * (self.b.0 - self.b.1),
        ))
    }
}

/// Everything a chart lets a pointer read.
#[derive(Clone, Debug, PartialEq)]
pub struct Probe {
    /// The plotting area, in backend pixels `(columns, rows)`.
    pub plot: (Range<f64>, Range<f64>),
    /// The readable points.
    pub points: Vec<ProbePoint>,
    /// How near the pointer must be.
    pub reach: Reach,
    /// For a landscape slice: its square on the plane.
    pub plane: Option<PlaneMap>,
}

impl Default for Probe {
    fn default() -> Probe {
        Probe::none()
    }
}

impl Probe {
    /// A chart with nothing to read.
    pub fn none() -> Probe {
        Probe {
            plot: (0.0..0.0, 0.0..0.0),
            points: Vec::new(),
            reach: Reach::Plot,
            plane: None,
        }
    }

    /// The probe of a plotting area with no points yet.
    pub fn on(plot: (Range<i32>, Range<i32>), reach: Reach) -> Probe {
        Probe {
            plot: (
                plot.0.start as f64..plot.0.end as f64,
                plot.1.start as f64..plot.1.end as f64,
            ),
            points: Vec::new(),
            reach,
            plane: None,
        }
    }

    /// True if the pixel lies in the plotting area.
    pub fn in_plot(&self, x: f64, y: f64) -> bool {
        self.plot.0.contains(&x) && self.plot.1.contains(&y)
    }

    /// Adds a readable point at pixel `(x, y)`.
    pub fn add(&mut self, (x, y): (i32, i32), text: String) {
        self.points.push(ProbePoint {
            x: x as f64,
            y: y as f64,
            text,
        });
    }

    /// The point a pointer at pixel `(x, y)` reads: the nearest one within reach. For
    /// [`Reach::Plot`] the pointer must be in the plotting area and the nearest point is
    /// measured mostly along x (a curve's step under the pointer), ties broken by y.
    pub fn nearest(&self, x: f64, y: f64) -> Option<&ProbePoint> {
        let score = |p: &ProbePoint| match self.reach {
            Reach::Plot => (p.x - x).abs() * 1e3 + (p.y - y).abs(),
            Reach::Pixels(_) => (p.x - x).hypot(p.y - y),
        };
        let within = |p: &ProbePoint| match self.reach {
            Reach::Plot => self.in_plot(x, y),
            Reach::Pixels(r) => (p.x - x).hypot(p.y - y) <= r,
        };
        self.points
            .iter()
            .filter(|p| within(p))
            .min_by(|a, b| score(a).total_cmp(&score(b)))
    }

    /// The same probe in pixels divided by `ratio` (backend pixels to CSS pixels).
    pub fn scaled(mut self, ratio: f64) -> Probe {
        let r = if ratio > 0.0 { ratio } else { 1.0 };
        let div = |v: &Range<f64>| v.start / r..v.end / r;
        self.plot = (div(&self.plot.0), div(&self.plot.1));
        for p in &mut self.points {
            p.x /= r;
            p.y /= r;
        }
        if let Reach::Pixels(d) = self.reach {
            self.reach = Reach::Pixels(d / r);
        }
        if let Some(m) = &mut self.plane {
            m.x = div(&m.x);
            m.y = div(&m.y);
        }
        self
    }
}

/// Indices of at most about `room` of `n` points spread evenly, always with the first and
/// the last (a curve of 10 000 steps is read at the pixels it spans, not at every step).
pub fn thinned(n: usize, room: usize) -> impl Iterator<Item = usize> {
    let stride = n.div_ceil(room.max(2)).max(1);
    (0..n)
        .filter(move |i| i % stride == 0 || i + 1 == n)
        .collect::<Vec<_>>()
        .into_iter()
}

/// The readout of a loss curve's point.
pub fn step_loss_text(curve: &str, step: f64, loss: f64) -> String {
    format!("{curve}: step {step:.0}, loss {}", sci_full(loss))
}

/// The readout of a slice at plane point `(a, b)` with the loss the heatmap shows there.
pub fn plane_text(a: f64, b: f64, loss: f64) -> String {
    format!("at ({a:.2}, {b:.2}) on this plane: loss {}", sci_full(loss))
}

/// A loss as the readouts write it: three significant digits (`3.21e-3`), "0" for zero.
pub fn sci_full(v: f64) -> String {
    if v == 0.0 {
        "0".into()
    } else if !v.is_finite() {
        format!("{v}")
    } else {
        format!("{v:.2e}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plane_map_inverts_pixel_to_plane() {
        let m = PlaneMap {
            x: 10.0..110.0,
            y: 20.0..120.0,
            a: (-1.0, 1.0),
            b: (-2.0, 2.0),
        };
        assert_eq!(m.plane_at(10.0, 20.0), Some((-1.0, 2.0)));
        let (a, b) = m.plane_at(60.0, 70.0).unwrap();
        assert!(a.abs() < 1e-12 && b.abs() < 1e-12);
        assert_eq!(m.plane_at(5.0, 70.0), None);
    }

    #[test]
    fn nearest_reads_the_step_under_the_pointer_and_respects_reach() {
        let mut p = Probe::on((0..100, 0..100), Reach::Plot);
        p.add((10, 90), "a".into());
        p.add((50, 10), "b".into());
        assert_eq!(p.nearest(45.0, 95.0).unwrap().text, "b");
        assert!(p.nearest(150.0, 50.0).is_none());
        p.reach = Reach::Pixels(5.0);
        assert_eq!(p.nearest(12.0, 88.0).unwrap().text, "a");
        assert!(p.nearest(30.0, 50.0).is_none());
    }

    #[test]
    fn thinned_keeps_the_ends() {
        let v: Vec<usize> = thinned(1001, 100).collect();
        assert_eq!(v[0], 0);
        assert_eq!(*v.last().unwrap(), 1000);
        assert!(v.len() <= 102, "{}", v.len());
        assert_eq!(thinned(3, 100).collect::<Vec<_>>(), vec![0, 1, 2]);
    }
}
