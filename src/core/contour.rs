//! Contour lines of a grid by marching squares.

/// A line segment between two points in grid coordinates `(column, row)`, fractional.
pub type Segment = ((f64, f64), (f64, f64));

/// Segments of the level set `value = level` of a row-major `rows x cols` grid. Cells with a
/// non-finite corner are skipped. Saddle cells are resolved by the cell's mean value.
pub fn contour_segments(values: &[f64], rows: usize, cols: usize, level: f64) -> Vec<Segment> {
    let mut out = Vec::new();
    if rows < 2 || cols < 2 || values.len() < rows * cols {
        return out;
    }
    let at = |r: usize, c: usize| values[r * cols + c];
    for r in 0..rows - 1 {
        for c in 0..cols - 1 {
            // Corners counter-clockwise from the top-left: (c,r) (c+1,r) (c+1,r+1) (c,r+1).
            let corners = [
                (c as f64, r as f64, at(r, c)),
                (c as f64 + 1.0, r as f64, at(r, c + 1)),
                (c as f64 + 1.0, r as f64 + 1.0, at(r + 1, c + 1)),
                (c as f64, r as f64 + 1.0, at(r + 1, c)),
            ];
            if corners.iter().any(|k| !k.2.is_finite()) {
                continue;
            }
            // Crossing points on each edge where the level is passed.
            let mut crossings = Vec::with_capacity(4);
            for e in 0..4 {
                let (x0, y0, v0) = corners[e];
                let (x1, y1, v1) = corners[(e + 1) % 4];
                if (v0 < level) != (v1 < level) {
                    let t = (level - v0) / (v1 - v0);
                    crossings.push((e, (x0 + t * (x1 - x0), y0 + t * (y1 - y0))));
                }
            }
            match crossings.len() {
                2 => out.push((crossings[0].1, crossings[1].1)),
                4 => {
                    let mean = corners.iter().map(|k| k.2).sum::<f64>() / 4.0;
                    let first_above = corners[0].2 >= level;
                    // Pair edges so the centre's side separates or joins the high corners.
                    if (mean >= level) == first_above {
                        out.push((crossings[0].1, crossings[1].1));
                        out.push((crossings[2].1, crossings[3].1));
                    } else {
                        out.push((crossings[0].1, crossings[3].1));
                        out.push((crossings[1].1, crossings[2].1));
                    }
                }
                _ => {}
            }
        }
    }
    out
}

/// The segments joined into polylines where they share an end (up to 1e-7 grid units: a
/// crossing computed from both cells of an edge may differ in its last bits), so a chart draws
/// a few hundred lines instead of thousands of segments. Every segment is in exactly one line.
pub fn chain(segments: &[Segment]) -> Vec<Vec<(f64, f64)>> {
    use std::collections::HashMap;
    let key = |p: (f64, f64)| ((p.0 * 1e7).round() as i64, (p.1 * 1e7).round() as i64);
    let mut at: HashMap<(i64, i64), Vec<usize>> = HashMap::with_capacity(segments.len() * 2);
    for (i, (a, b)) in segments.iter().enumerate() {
        at.entry(key(*a)).or_default().push(i);
        at.entry(key(*b)).or_default().push(i);
    }
    let mut used = vec![false; segments.len()];
    // The unused segment with an end at `p`, and its other end.
    let mut next = |p: (f64, f64), used: &mut Vec<bool>| -> Option<(f64, f64)> {
        let list = at.get_mut(&key(p))?;
        while let Some(i) = list.pop() {
            if !used[i] {
                used[i] = true;
                let (a, b) = segments[i];
                return Some(if key(a) == key(p) { b } else { a });
            }
        }
        None
    };
    let mut lines = Vec::new();
    for i in 0..segments.len() {
        if used[i] {
            continue;
        }
        used[i] = true;
        let (a, b) = segments[i];
        let mut forward = vec![a, b];
        while let Some(q) = next(*forward.last().unwrap_or(&b), &mut used) {
            forward.push(q);
        }
        let mut backward = Vec::new();
        let mut end = a;
        while let Some(q) = next(end, &mut used) {
            backward.push(q);
            end = q;
        }
        backward.reverse();
        backward.extend(forward);
        lines.push(backward);
    }
    lines
}

/// `count` levels evenly spaced strictly inside `(lo, hi)`.
pub fn even_levels(lo: f64, hi: f64, count: usize) -> Vec<f64> {
    (1..=count)
        .map(|i| lo + (hi - lo) * i as f64 / (count + 1) as f64)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chained_segments_keep_every_segment_once() {
        let n = 41;
        let values: Vec<f64> = (0..n * n)
            .map(|i| {
                let (r, c) = ((i / n) as f64, (i % n) as f64);
                ((r - 20.0).powi(2) + (c - 14.0).powi(2)).sqrt()
                    + ((r - 20.0).powi(2) + (c - 27.0).powi(2)).sqrt() * 0.8
            })
            .collect();
        let mut segs = Vec::new();
        for level in even_levels(12.0, 40.0, 6) {
            segs.extend(contour_segments(&values, n, n, level));
        }
        let lines = chain(&segs);
        // Closed level sets of a smooth function: a few lines, not hundreds of pieces.
        assert!(
            lines.len() <= 12,
            "{} lines from {} segments",
            lines.len(),
            segs.len()
        );
        let pieces: usize = lines.iter().map(|l| l.len() - 1).sum();
        assert_eq!(pieces, segs.len());
        // Each consecutive pair of a line is one of the segments.
        let close =
            |p: (f64, f64), q: (f64, f64)| (p.0 - q.0).abs() < 1e-6 && (p.1 - q.1).abs() < 1e-6;
        for l in &lines {
            for w in l.windows(2) {
                assert!(segs.iter().any(|&(a, b)| (close(a, w[0]) && close(b, w[1]))
                    || (close(a, w[1]) && close(b, w[0]))));
            }
        }
    }

    #[test]
    fn circle_contour_points_lie_on_the_circle() {
        let n = 41;
        let centre = 20.0;
        let values: Vec<f64> = (0..n * n)
            .map(|i| {
                let (r, c) = ((i / n) as f64, (i % n) as f64);
                ((r - centre).powi(2) + (c - centre).powi(2)).sqrt()
            })
            .collect();
        let segs = contour_segments(&values, n, n, 10.0);
        assert!(
            segs.len() > 40,
            "a closed curve of many segments: {}",
            segs.len()
        );
        for ((x0, y0), (x1, y1)) in segs {
            for (x, y) in [(x0, y0), (x1, y1)] {
                let radius = ((x - centre).powi(2) + (y - centre).powi(2)).sqrt();
                // Linear interpolation of a cone is exact along grid axes, close elsewhere.
                assert!((radius - 10.0).abs() < 0.1, "radius {radius}");
            }
        }
    }

    #[test]
    fn no_contour_outside_the_range_and_nan_cells_skipped() {
        let values = vec![1.0, 2.0, 3.0, f64::NAN];
        assert!(contour_segments(&values, 2, 2, 5.0).is_empty());
        assert!(contour_segments(&values, 2, 2, 1.5).is_empty());
        let values = vec![1.0, 2.0, 3.0, 4.0];
        assert_eq!(contour_segments(&values, 2, 2, 2.5).len(), 1);
        assert_eq!(even_levels(0.0, 1.0, 3), vec![0.25, 0.5, 0.75]);
    }
}
