//! A bounded recorder of values at training steps: it keeps at most `capacity` samples by
//! doubling its stride and dropping every other sample when it fills up.

/// Samples of a value taken every `stride` steps, thinned to stay within `capacity`.
#[derive(Clone, Debug)]
pub struct Record<T> {
    /// Steps at which the samples were taken (multiples of `stride`, ascending).
    pub steps: Vec<u64>,
    /// The samples, aligned with `steps`.
    pub values: Vec<T>,
    stride: u64,
    capacity: usize,
}

impl<T> Record<T> {
    /// An empty record sampling every `stride` steps and keeping at most `capacity` samples.
    pub fn new(stride: u64, capacity: usize) -> Record<T> {
        Record {
            steps: Vec::new(),
            values: Vec::new(),
            stride: stride.max(1),
            capacity: capacity.max(2),
        }
    }

    /// Offers the value at `step`; it is kept if `step` is a multiple of the current stride.
    pub fn offer(&mut self, step: u64, value: impl FnOnce() -> T) {
        if !step.is_multiple_of(self.stride) {
            return;
        }
        self.steps.push(step);
        self.values.push(value());
        if self.steps.len() > self.capacity {
            self.stride *= 2;
            let stride = self.stride;
            let mut keep = self.steps.iter().map(|s| s.is_multiple_of(stride));
            self.values.retain(|_| keep.next().unwrap_or(false));
            self.steps.retain(|s| s.is_multiple_of(stride));
        }
    }

    /// Current sampling stride.
    pub fn stride(&self) -> u64 {
        self.stride
    }

    /// Number of samples kept.
    pub fn len(&self) -> usize {
        self.steps.len()
    }

    /// True if nothing was recorded.
    pub fn is_empty(&self) -> bool {
        self.steps.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stays_bounded_and_keeps_aligned_evenly_spaced_samples() {
        let mut r = Record::new(1, 10);
        for step in 0..1000u64 {
            r.offer(step, || step * 10);
        }
        assert!(r.len() <= 10 && r.len() >= 5, "len {}", r.len());
        assert_eq!(r.steps[0], 0);
        for (s, v) in r.steps.iter().zip(&r.values) {
            assert_eq!(*v, s * 10);
            assert!(s.is_multiple_of(r.stride()));
        }
        assert!(r.steps.windows(2).all(|w| w[1] - w[0] == r.stride()));
    }
}
