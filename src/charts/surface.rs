//! A landscape slice as a 3-D surface: the mesh (heights and colours from the same log colour
//! scale as the heatmap), the trajectory lying on it, the current point, and the camera that
//! looks at it. Pure Rust, so what the page's WebGL view draws can be checked natively; the
//! page only uploads these buffers ([`crate::web::surface_view`]).
//!
//! Coordinates: the plane's square maps to `x, y` in `[-1, 1]` (`x` along the first direction,
//! `y` along the second), the loss's log-scale position (0 at the colour range's low end, 1 at
//! its high end) to a height `z` in `[0, HEIGHT]`.

use crate::core::colormap::{viridis, LogScale};
use crate::core::slice_view::FinishedSlice;

/// Height of the surface's top (the colour range's high end) over its floor.
pub const HEIGHT: f32 = 0.9;

/// How far the trajectory is drawn above the surface, so that it is never hidden in it.
pub const LIFT: f32 = 0.012;

/// Points per unit of length the trajectory is resampled to (it is drawn as dots).
const PATH_DENSITY: f64 = 120.0;

/// The buffers of a surface view, ready for the GPU.
#[derive(Clone, Debug, Default)]
pub struct SurfaceMesh {
    /// Grid resolution (vertices per side).
    pub resolution: usize,
    /// Vertex positions, `x y z` per grid point, row-major with row 0 at `y = -1`.
    pub positions: Vec<f32>,
    /// Vertex normals, `x y z` per grid point (for shading).
    pub normals: Vec<f32>,
    /// Vertex colours, `r g b` in `[0, 1]` per grid point: the heatmap's colour of its loss.
    pub colours: Vec<f32>,
    /// Two triangles per grid cell, as vertex indices.
    pub indices: Vec<u32>,
    /// The trajectory inside the square, resampled and lying on the surface: `x y z` per dot.
    pub path: Vec<f32>,
    /// The current point on the surface, if it is inside the square.
    pub current: Option<[f32; 3]>,
}

/// Height of the loss `v` on `scale` (non-positive or undefined values lie on the floor).
pub fn height(scale: &LogScale, v: f64) -> f32 {
    if v.is_nan() {
        return 0.0;
    }
    scale.position(v) as f32 * HEIGHT
}

impl SurfaceMesh {
    /// The surface of `done`, with its trajectory and the current point at plane coordinates
    /// `current`.
    pub fn new(done: &FinishedSlice, current: (f64, f64)) -> SurfaceMesh {
        let s = &done.slice;
        let r = s.resolution.max(2);
        let (lo, hi) = done.colour_range;
        let scale = LogScale::new(lo, hi);
        let heights: Vec<f32> = s.values.iter().map(|&v| height(&scale, v)).collect();
        let coord = |i: usize| -1.0 + 2.0 * i as f32 / (r - 1) as f32;
        let mut mesh = SurfaceMesh {
            resolution: r,
            positions: Vec::with_capacity(r * r * 3),
            normals: Vec::with_capacity(r * r * 3),
            colours: Vec::with_capacity(r * r * 3),
            indices: Vec::with_capacity((r - 1) * (r - 1) * 6),
            ..SurfaceMesh::default()
        };
        let at = |row: usize, col: usize| heights[row * r + col];
        for row in 0..r {
            for col in 0..r {
                let v = s.values[row * r + col];
                mesh.positions
                    .extend_from_slice(&[coord(col), coord(row), at(row, col)]);
                // Central differences (one-sided at the edges) of the height field.
                let (c0, c1) = (col.saturating_sub(1), (col + 1).min(r - 1));
                let (r0, r1) = (row.saturating_sub(1), (row + 1).min(r - 1));
                let dx = (at(row, c1) - at(row, c0)) / (coord(c1) - coord(c0));
                let dy = (at(r1, col) - at(r0, col)) / (coord(r1) - coord(r0));
                let n = normalise([-dx, -dy, 1.0]);
                mesh.normals.extend_from_slice(&n);
                let rgb = if v.is_nan() {
                    [128, 128, 128]
                } else {
                    viridis(scale.position(v))
                };
                mesh.colours
                    .extend(rgb.iter().map(|&c| f32::from(c) / 255.0));
            }
        }
        for row in 0..r - 1 {
            for col in 0..r - 1 {
                let i = (row * r + col) as u32;
                let (right, up) = (i + 1, i + r as u32);
                mesh.indices
                    .extend_from_slice(&[i, right, up + 1, i, up + 1, up]);
            }
        }
        mesh.path = resampled_path(done, &scale);
        mesh.current = done
            .contains(current)
            .then(|| point_on(done, &scale, current, 2.0 * LIFT));
        mesh
    }

    /// Number of grid vertices.
    pub fn vertex_count(&self) -> usize {
        self.resolution * self.resolution
    }
}

/// The surface's height under plane point `p` (bilinear between the four grid points around
/// it), as drawn.
pub fn height_under(done: &FinishedSlice, scale: &LogScale, p: (f64, f64)) -> f32 {
    let s = &done.slice;
    let r = s.resolution.max(2);
    let grid =
        |x: f64| ((x + s.extent) / (2.0 * s.extent) * (r - 1) as f64).clamp(0.0, (r - 1) as f64);
    let (gx, gy) = (grid(p.0), grid(p.1));
    let (c0, r0) = (
        (gx.floor() as usize).min(r - 2),
        (gy.floor() as usize).min(r - 2),
    );
    let (fx, fy) = ((gx - c0 as f64) as f32, (gy - r0 as f64) as f32);
    let h = |row: usize, col: usize| height(scale, s.values[row * r + col]);
    let bottom = h(r0, c0) * (1.0 - fx) + h(r0, c0 + 1) * fx;
    let top = h(r0 + 1, c0) * (1.0 - fx) + h(r0 + 1, c0 + 1) * fx;
    bottom * (1.0 - fy) + top * fy
}

/// Plane point `p` on the surface, raised by `lift`, in view coordinates.
fn point_on(done: &FinishedSlice, scale: &LogScale, p: (f64, f64), lift: f32) -> [f32; 3] {
    let e = done.slice.extent;
    [
        (p.0 / e) as f32,
        (p.1 / e) as f32,
        height_under(done, scale, p) + lift,
    ]
}

/// The trajectory's stretches inside the square, resampled to evenly spaced dots lying on the
/// surface.
fn resampled_path(done: &FinishedSlice, scale: &LogScale) -> Vec<f32> {
    let e = done.slice.extent;
    let mut out = Vec::new();
    for pair in done.path.windows(2) {
        let (a, b) = (pair[0], pair[1]);
        let length = ((b.0 - a.0).hypot(b.1 - a.1)) / e;
        let n = ((length * PATH_DENSITY).ceil() as usize).clamp(1, 4000);
        for k in 0..n {
            let t = k as f64 / n as f64;
            let p = (a.0 + t * (b.0 - a.0), a.1 + t * (b.1 - a.1));
            if done.contains(p) {
                out.extend_from_slice(&point_on(done, scale, p, LIFT));
            }
        }
    }
    if let Some(&last) = done.path.last() {
        if done.contains(last) {
            out.extend_from_slice(&point_on(done, scale, last, LIFT));
        }
    }
    out
}

fn normalise(v: [f32; 3]) -> [f32; 3] {
    let n = (v[0] * v[0] + v[1] * v[1] + v[2] * v[2]).sqrt().max(1e-12);
    [v[0] / n, v[1] / n, v[2] / n]
}

/// How the surface is looked at: turned about the vertical axis, tilted, and zoomed.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Camera {
    /// Turn about the vertical axis, radians (0 looks along +y, from below the square).
    pub yaw: f32,
    /// Elevation above the floor's plane, radians (kept within [`Camera::PITCH_RANGE`]).
    pub pitch: f32,
    /// Zoom factor (1 frames the whole surface; kept within [`Camera::ZOOM_RANGE`]).
    pub zoom: f32,
}

impl Default for Camera {
    fn default() -> Camera {
        Camera {
            yaw: -0.6,
            pitch: 0.75,
            zoom: 1.0,
        }
    }
}

impl Camera {
    /// The elevations the camera may take: from just above the floor to straight down.
    pub const PITCH_RANGE: (f32, f32) = (0.05, 1.55);
    /// The zoom factors the camera may take.
    pub const ZOOM_RANGE: (f32, f32) = (0.5, 4.0);

    /// This camera turned by `yaw` and tilted by `pitch` radians, kept in range.
    pub fn rotated(self, yaw: f32, pitch: f32) -> Camera {
        let (lo, hi) = Camera::PITCH_RANGE;
        Camera {
            yaw: (self.yaw + yaw) % std::f32::consts::TAU,
            pitch: (self.pitch + pitch).clamp(lo, hi),
            ..self
        }
    }

    /// This camera with its zoom multiplied by `factor`, kept in range.
    pub fn zoomed(self, factor: f32) -> Camera {
        let (lo, hi) = Camera::ZOOM_RANGE;
        let factor = if factor.is_finite() && factor > 0.0 {
            factor
        } else {
            1.0
        };
        Camera {
            zoom: (self.zoom * factor).clamp(lo, hi),
            ..self
        }
    }

    /// Where the camera sits at `distance` from the middle of the surface, looking at it.
    pub fn eye_at(&self, distance: f32) -> [f32; 3] {
        let target = Self::target();
        [
            target[0] + distance * self.pitch.cos() * self.yaw.sin(),
            target[1] - distance * self.pitch.cos() * self.yaw.cos(),
            target[2] + distance * self.pitch.sin(),
        ]
    }

    /// The point looked at: the middle of the surface's box.
    pub fn target() -> [f32; 3] {
        [0.0, 0.0, HEIGHT / 2.0]
    }

    /// The model-view-projection matrix (column-major, as WebGL takes it) for a viewport of
    /// aspect ratio `aspect` (width over height): at zoom 1 the surface's box just fills the
    /// viewport, whatever the turn, tilt and aspect.
    pub fn matrix(&self, aspect: f32) -> [f32; 16] {
        let aspect = if aspect.is_finite() {
            aspect.clamp(0.05, 20.0)
        } else {
            1.0
        };
        self.view_projection(aspect, self.fit_distance(aspect) / self.zoom)
    }

    fn view_projection(&self, aspect: f32, distance: f32) -> [f32; 16] {
        let view = look_at(self.eye_at(distance), Self::target(), [0.0, 0.0, 1.0]);
        let projection = perspective(FIELD_OF_VIEW, aspect, 0.05, 40.0);
        multiply(&projection, &view)
    }

    /// The nearest distance at which every corner of the surface's box lies within
    /// [`FRAME_FILL`] of the viewport's edges (found by bisection: farther is smaller).
    fn fit_distance(&self, aspect: f32) -> f32 {
        let fits = |d: f32| {
            let m = self.view_projection(aspect, d);
            box_corners().iter().all(|&c| {
                let p = project(&m, c);
                p[0].abs() <= FRAME_FILL && p[1].abs() <= FRAME_FILL && p[2].abs() < 1.0
            })
        };
        let (mut near, mut far) = (0.3f32, 30.0f32);
        for _ in 0..30 {
            let mid = 0.5 * (near + far);
            if fits(mid) {
                far = mid;
            } else {
                near = mid;
            }
        }
        far
    }
}

/// Vertical field of view of the camera, radians.
const FIELD_OF_VIEW: f32 = 0.8;

/// How much of the viewport (in normalised device coordinates) the box fills at zoom 1.
pub const FRAME_FILL: f32 = 0.94;

/// The eight corners of the surface's box: the square from floor to [`HEIGHT`].
pub fn box_corners() -> [[f32; 3]; 8] {
    let mut out = [[0.0; 3]; 8];
    for (i, c) in out.iter_mut().enumerate() {
        *c = [
            if i & 1 == 0 { -1.0 } else { 1.0 },
            if i & 2 == 0 { -1.0 } else { 1.0 },
            if i & 4 == 0 { 0.0 } else { HEIGHT },
        ];
    }
    out
}

/// Applies the column-major matrix `m` to the point `p`: clip coordinates divided by `w`
/// (normalised device coordinates, in `[-1, 1]` on screen).
pub fn project(m: &[f32; 16], p: [f32; 3]) -> [f32; 3] {
    let c = |row: usize| m[row] * p[0] + m[4 + row] * p[1] + m[8 + row] * p[2] + m[12 + row];
    let w = c(3);
    [c(0) / w, c(1) / w, c(2) / w]
}

fn look_at(eye: [f32; 3], target: [f32; 3], up: [f32; 3]) -> [f32; 16] {
    let sub = |a: [f32; 3], b: [f32; 3]| [a[0] - b[0], a[1] - b[1], a[2] - b[2]];
    let cross = |a: [f32; 3], b: [f32; 3]| {
        [
            a[1] * b[2] - a[2] * b[1],
            a[2] * b[0] - a[0] * b[2],
            a[0] * b[1] - a[1] * b[0],
        ]
    };
    let dot = |a: [f32; 3], b: [f32; 3]| a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
    let f = normalise(sub(target, eye));
    let s = normalise(cross(f, up));
    let u = cross(s, f);
    [
        s[0],
        u[0],
        -f[0],
        0.0,
        s[1],
        u[1],
        -f[1],
        0.0,
        s[2],
        u[2],
        -f[2],
        0.0,
        -dot(s, eye),
        -dot(u, eye),
        dot(f, eye),
        1.0,
    ]
}

fn perspective(fov_y: f32, aspect: f32, near: f32, far: f32) -> [f32; 16] {
    let f = 1.0 / (fov_y / 2.0).tan();
    let mut m = [0.0; 16];
    m[0] = f / aspect;
    m[5] = f;
    m[10] = (far + near) / (near - far);
    m[11] = -1.0;
    m[14] = 2.0 * far * near / (near - far);
    m
}

fn multiply(a: &[f32; 16], b: &[f32; 16]) -> [f32; 16] {
    let mut m = [0.0; 16];
    for col in 0..4 {
        for row in 0..4 {
            m[col * 4 + row] = (0..4).map(|k| a[k * 4 + row] * b[col * 4 + k]).sum();
        }
    }
    m
}
