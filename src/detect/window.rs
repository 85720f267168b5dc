//! The last few buckets (count and expectation), for short-window sums.

#[derive(Debug, Clone)]
pub(crate) struct Recent {
    counts: Vec<f32>,
    means: Vec<f32>,
    head: usize,
}

impl Recent {
    pub(crate) fn new(capacity: usize) -> Self {
        let capacity = capacity.max(1);
        Self {
            counts: vec![0.0; capacity],
            means: vec![0.0; capacity],
            head: 0,
        }
    }

    pub(crate) fn capacity(&self) -> usize {
        self.counts.len()
    }

    pub(crate) fn heap_bytes(&self) -> usize {
        (self.counts.capacity() + self.means.capacity()) * size_of::<f32>()
    }

    /// Appends a bucket; a missing bucket adds nothing to either sum.
    pub(crate) fn push(&mut self, count: Option<f64>, mean: f64) {
        self.head = (self.head + 1) % self.counts.len();
        let (c, m) = count.map_or((0.0, 0.0), |c| (c as f32, mean as f32));
        self.counts[self.head] = c;
        self.means[self.head] = m;
    }

    /// Sums of counts and expectations over the newest `n` buckets.
    pub(crate) fn sums(&self, n: usize) -> (f64, f64) {
        let len = self.counts.len();
        (0..n.min(len)).fold((0.0, 0.0), |(x, m), i| {
            let j = (self.head + len - i) % len;
            (x + f64::from(self.counts[j]), m + f64::from(self.means[j]))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sums_cover_the_newest_buckets_and_skip_missing_ones() {
        let mut r = Recent::new(3);
        r.push(Some(1.0), 0.5);
        r.push(Some(2.0), 0.5);
        r.push(None, 0.5);
        r.push(Some(4.0), 1.0);
        assert_eq!(r.sums(1), (4.0, 1.0));
        assert_eq!(r.sums(2), (4.0, 1.0));
        assert_eq!(r.sums(3), (6.0, 1.5));
        assert_eq!(r.sums(10), (6.0, 1.5));
    }
}
