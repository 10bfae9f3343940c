//! The slice workers' job: a few rows of a landscape slice, sent with the plane as text.

use super::{validate, JobResult};
use crate::core::network::Shape;
use crate::core::objective::Objective;
use crate::core::plane::Plane;
use crate::core::slice::Slice;
use crate::core::task::Task;
use crate::settings::Settings;

/// Rows `first..end` of a landscape slice of a width-`width` student on the settings' task,
/// with the fast evaluator where the activation has one, as on the page.
#[derive(Clone, Debug, PartialEq)]
pub struct SliceRows {
    /// Student width.
    pub width: usize,
    /// Grid points per side.
    pub resolution: usize,
    /// Half-width of the grid in plane coordinates.
    pub extent: f64,
    /// First row.
    pub first: usize,
    /// One past the last row.
    pub end: usize,
    /// The plane (its axis labels are not sent).
    pub plane: Plane,
}

impl SliceRows {
    /// Computes the rows on `task`: exactly what the page's slice holds for them.
    pub fn run(&self, task: &Task) -> JobResult {
        let objective = Objective::new(task, self.width);
        let slice = Slice::new(self.plane.clone(), self.resolution, self.extent).fast();
        JobResult::SliceRows {
            first: self.first,
            values: slice.row_values(&objective, self.first..self.end),
        }
    }

    /// The job's fields as text: `WIDTH,RES,FIRST,END/EXTENT/CENTRE/U/V`.
    pub fn fields(&self) -> String {
        let SliceRows {
            width,
            resolution,
            extent,
            first,
            end,
            plane,
        } = self;
        format!(
            "{width},{resolution},{first},{end}/{extent:e}/{}/{}/{}",
            join_numbers(&plane.centre),
            join_numbers(&plane.u),
            join_numbers(&plane.v)
        )
    }

    /// Reads [`SliceRows::fields`] for a task of `settings`, refusing what the page would never
    /// send: a width or resolution outside the URL's ranges (`width`, `res`), an extent outside
    /// `extent`'s, rows outside the grid, or a plane whose vectors are not finite numbers, exactly
    /// one per parameter of the student.
    pub fn from_fields(fields: &str, settings: &Settings) -> Result<SliceRows, String> {
        let parts: Vec<&str> = fields.splitn(6, '/').collect();
        let [sizes, extent, centre, u, v] = parts.as_slice() else {
            return Err(format!("malformed slice job {}", validate::quote(fields)));
        };
        let sizes: Vec<&str> = sizes.split(',').collect();
        let [width, resolution, first, end] = sizes[..] else {
            return Err(format!(
                "malformed slice sizes {}",
                validate::quote(&sizes.join(","))
            ));
        };
        let width = validate::int_field("width", width)? as usize;
        let resolution = validate::int_field("res", resolution)? as usize;
        let end = validate::index_field("end", end, resolution)?;
        let first = validate::index_field("first", first, resolution)?;
        if first >= end {
            return Err(format!("slice rows {first}..{end} are empty"));
        }
        let extent = validate::float_field("extent", extent)?;
        let params = Shape::new(settings.input_dim as usize, width).num_params();
        Ok(SliceRows {
            width,
            resolution,
            extent,
            first,
            end,
            plane: Plane {
                centre: validate::vector("slice centre", centre, params)?,
                u: validate::vector("slice u", u, params)?,
                v: validate::vector("slice v", v, params)?,
                u_label: String::new(),
                v_label: String::new(),
            },
        })
    }
}

/// Numbers separated by spaces, each in the shortest form that reads back to the same bits.
pub(super) fn join_numbers(values: &[f64]) -> String {
    let texts: Vec<String> = values.iter().map(|v| format!("{v:e}")).collect();
    texts.join(" ")
}

/// Reads numbers written by [`join_numbers`].
pub(super) fn parse_numbers(text: &str) -> Result<Vec<f64>, String> {
    text.split_whitespace()
        .map(|x| {
            x.parse()
                .map_err(|_| format!("bad number {}", validate::quote(x)))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::super::{decode_job, decode_result, encode_job, handle_message, Job};
    use super::*;
    use crate::settings::Settings;

    #[test]
    fn slice_rows_from_a_worker_message_equal_the_page_slice() {
        let s = Settings {
            width: 5,
            ..Settings::default()
        };
        let task = Task::generate(s.task_config());
        let objective = Objective::new(&task, 5);
        let shape = objective.shape;
        let centre: Vec<f64> = (0..shape.num_params())
            .map(|i| (i as f64 * 0.37).sin())
            .collect();
        let plane = Plane::random(shape, &centre, 4, true);
        let mut page = Slice::new(plane.clone(), 11, 0.8).fast();
        page.compute_all(&objective);
        let job = Job::SliceRows(SliceRows {
            width: 5,
            resolution: 11,
            extent: 0.8,
            first: 3,
            end: 7,
            plane: Plane {
                u_label: String::new(),
                v_label: String::new(),
                ..plane
            },
        });
        let message = encode_job(&s, &job);
        assert_eq!(decode_job(&message), Ok((s.clone(), job)));
        let Ok(JobResult::SliceRows { first, values }) = decode_result(&handle_message(&message))
        else {
            panic!("a slice result");
        };
        assert_eq!(first, 3);
        let bits = |v: &[f64]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
        assert_eq!(bits(&values), bits(&page.values[33..77]));
        // A plane too short for the width, or a huge grid, is refused, not run.
        let short = message.replacen("slice;5,", "slice;50,", 1);
        assert!(handle_message(&short).starts_with("error;"));
        let huge = message.replacen(",11,3,7/", ",100000,3,7/", 1);
        assert!(handle_message(&huge).starts_with("error;"));
        let past_the_grid = message.replacen(",11,3,7/", ",11,3,12/", 1);
        assert!(handle_message(&past_the_grid).starts_with("error;"));
    }
}
