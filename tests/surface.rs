//! The 3-D surface view's geometry (src/charts/surface.rs): what the page's WebGL view
//! uploads is the slice the heatmap shows, its trajectory lies on it, and the camera keeps
//! the whole surface on screen at every aspect and within its ranges.

use escape_dims::charts::surface::{
    box_corners, height, height_under, project, Camera, SurfaceMesh, HEIGHT,
};
use escape_dims::core::colormap::{heatmap_rgba, LogScale};
use escape_dims::core::network::Shape;
use escape_dims::core::objective::Objective;
use escape_dims::core::plane::Plane;
use escape_dims::core::slice::Slice;
use escape_dims::core::slice_view::FinishedSlice;
use escape_dims::core::task::{Task, TaskConfig};
use escape_dims::core::train::{TrainConfig, Trainer};

/// A slice at resolution `r` through a width-3 student trained 300 steps, with its path.
fn finished(r: usize) -> (FinishedSlice, Vec<f64>) {
    let task = std::sync::Arc::new(Task::generate(TaskConfig::default()));
    let shape = Shape::new(2, 3);
    let mut trainer = Trainer::new(task.clone(), 3, 4, TrainConfig::default());
    trainer.run(300);
    let end = trainer.network().params.clone();
    let plane = Plane::random(shape, &end, 7, false);
    let mut slice = Slice::new(plane, r, 1.0);
    slice.compute_all(&Objective::new(&task, 3));
    let done = FinishedSlice::new(slice, &trainer.trajectory.values, 300, None);
    (done, end)
}

#[test]
fn the_mesh_is_the_heatmap_raised_by_its_log_loss() {
    let r = 21;
    let (done, _) = finished(r);
    let mesh = SurfaceMesh::new(&done, (0.0, 0.0));
    assert_eq!(mesh.vertex_count(), r * r);
    assert_eq!(mesh.positions.len(), 3 * r * r);
    assert_eq!(mesh.colours.len(), 3 * r * r);
    assert_eq!(mesh.normals.len(), 3 * r * r);
    assert_eq!(mesh.indices.len(), 6 * (r - 1) * (r - 1));
    assert!(mesh.indices.iter().all(|&i| (i as usize) < r * r));
    let (lo, hi) = done.colour_range;
    let scale = LogScale::new(lo, hi);
    // The heatmap's image has row 0 at the top; the mesh's row 0 is at y = -1 (the bottom).
    let rgba = heatmap_rgba(&done.slice.values, r, r, &scale);
    for (row, col) in [(0, 0), (3, 17), (10, 10), (r - 1, r - 1)] {
        let v = row * r + col;
        let pixel = ((r - 1 - row) * r + col) * 4;
        for k in 0..3 {
            let c = (mesh.colours[3 * v + k] * 255.0).round() as u8;
            assert_eq!(c, rgba[pixel + k], "colour of grid point ({row}, {col})");
        }
        let z = mesh.positions[3 * v + 2];
        assert_eq!(z, height(&scale, done.slice.at(row, col)));
        assert!((0.0..=HEIGHT).contains(&z));
        let x = mesh.positions[3 * v];
        let y = mesh.positions[3 * v + 1];
        assert!((x - (-1.0 + 2.0 * col as f32 / (r - 1) as f32)).abs() < 1e-6);
        assert!((y - (-1.0 + 2.0 * row as f32 / (r - 1) as f32)).abs() < 1e-6);
    }
    // The lowest and highest losses of the grid span the whole height.
    let zs: Vec<f32> = mesh.positions.iter().skip(2).step_by(3).copied().collect();
    let (zmin, zmax) = zs
        .iter()
        .fold((f32::MAX, f32::MIN), |(a, b), &z| (a.min(z), b.max(z)));
    assert!(
        zmin.abs() < 1e-6 && (zmax - HEIGHT).abs() < 1e-6,
        "{zmin} {zmax}"
    );
    // Normals have unit length and point up.
    for n in mesh.normals.chunks(3) {
        let len = (n[0] * n[0] + n[1] * n[1] + n[2] * n[2]).sqrt();
        assert!((len - 1.0).abs() < 1e-5 && n[2] > 0.0);
    }
}

#[test]
fn the_trajectory_and_the_current_point_lie_on_the_surface() {
    let (done, end) = finished(31);
    let current = done.slice.plane.project(&end);
    let mesh = SurfaceMesh::new(&done, current);
    let scale = LogScale::new(done.colour_range.0, done.colour_range.1);
    assert!(
        mesh.path.len() >= 3 * done.path.len().min(10),
        "path resampled to dots"
    );
    let e = done.slice.extent;
    for dot in mesh.path.chunks(3) {
        let p = (dot[0] as f64 * e, dot[1] as f64 * e);
        assert!(done.contains(p));
        let under = height_under(&done, &scale, p);
        assert!(
            dot[2] > under && dot[2] - under < 0.02,
            "dot {dot:?} over {under}"
        );
    }
    // The slice goes through the end point: the current point is at the centre.
    let ball = mesh.current.expect("the centre is inside");
    assert!(ball[0].abs() < 1e-6 && ball[1].abs() < 1e-6);
    // At a grid point the surface's height is that point's.
    let centre = (done.slice.resolution - 1) / 2;
    assert_eq!(
        height_under(&done, &scale, (0.0, 0.0)),
        height(&scale, done.slice.at(centre, centre))
    );
    // A point outside the square has no ball.
    assert!(SurfaceMesh::new(&done, (1.5, 0.0)).current.is_none());
}

#[test]
fn the_camera_keeps_the_whole_surface_on_screen() {
    let corners = box_corners();
    let turns = [0.0f32, 0.7, 1.6, 3.1, 4.4, 5.9];
    for aspect in [1.0f32, 16.0 / 9.0, 0.46, 2.4] {
        for &yaw in &turns {
            for pitch in [0.05f32, 0.5, 1.0, 1.55] {
                let camera = Camera {
                    yaw,
                    pitch,
                    zoom: 1.0,
                };
                let m = camera.matrix(aspect);
                let mut reach: f32 = 0.0;
                for &c in &corners {
                    let p = project(&m, c);
                    assert!(
                        p[0].abs() <= 1.0 && p[1].abs() <= 1.0 && p[2].abs() <= 1.0,
                        "corner {c:?} at aspect {aspect}, yaw {yaw}, pitch {pitch}: {p:?}"
                    );
                    reach = reach.max(p[0].abs()).max(p[1].abs());
                }
                // ... and fills it: the box reaches the viewport's edge in one direction.
                assert!(
                    reach > 0.9,
                    "the box spans only {reach} at aspect {aspect}, yaw {yaw}, pitch {pitch}"
                );
            }
        }
    }
    // Turning moves the picture; zoom and tilt stay within their ranges.
    let a = project(&Camera::default().matrix(1.0), [1.0, 1.0, 0.0]);
    let b = project(
        &Camera::default().rotated(0.3, 0.0).matrix(1.0),
        [1.0, 1.0, 0.0],
    );
    assert!((a[0] - b[0]).abs() > 0.05);
    let c = Camera::default().zoomed(100.0).rotated(0.0, 10.0);
    assert_eq!(c.zoom, Camera::ZOOM_RANGE.1);
    assert_eq!(c.pitch, Camera::PITCH_RANGE.1);
    let d = Camera::default().zoomed(0.0).zoomed(f32::NAN);
    assert_eq!(d.zoom, Camera::default().zoom);
    assert_eq!(Camera::default().zoomed(1e-3).zoom, Camera::ZOOM_RANGE.0);
    // Zooming in makes the surface larger on screen.
    let wide = project(&Camera::default().zoomed(2.0).matrix(1.0), [1.0, 1.0, 0.0]);
    let centre = project(&Camera::default().matrix(1.0), [0.0, 0.0, HEIGHT / 2.0]);
    let span = |p: [f32; 3]| (p[0] - centre[0]).hypot(p[1] - centre[1]);
    assert!(span(wide) > 1.5 * span(a));
}

#[test]
fn the_current_point_sits_at_the_end_of_the_drawn_path() {
    let task = std::sync::Arc::new(Task::generate(TaskConfig::default()));
    let shape = Shape::new(2, 5);
    let mut trainer = Trainer::new(task.clone(), 5, 3, TrainConfig::default());
    trainer.run(2060);
    let end = trainer.network().params.clone();
    let mut path = trainer.trajectory.values.clone();
    path.push(end.clone());
    let plane = Plane::random(shape, &end, 3, false);
    let mut slice = Slice::new(plane, 51, 1.0);
    slice.compute_all(&Objective::new(&task, 5));
    let done = FinishedSlice::new(slice, &path, 2060, None);
    let mesh = SurfaceMesh::new(&done, done.slice.plane.project(&end));
    let ball = mesh.current.expect("inside");
    let n = mesh.path.len();
    let last = &mesh.path[n - 3..];
    assert!((ball[0] - last[0]).abs() < 1e-6 && (ball[1] - last[1]).abs() < 1e-6);
    assert!(ball[2] > last[2]);
}
