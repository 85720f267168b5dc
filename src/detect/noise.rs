//! Noise model for counts: negative binomial with an estimated overdispersion.
//!
//! A count `x` with expectation `m` has variance `m + alpha * m^2`: Poisson noise plus a
//! multiplicative part (`alpha` = squared coefficient of variation) that covers bursty human
//! activity and baseline error. The deviation is the signed square root of the negative
//! binomial deviance, which is close to a standard normal quantile even for tiny `m`; so
//! 3 reports where 0.1 are normal and 300 where 60 are normal land on the same scale.

/// Signed deviance residual of `x` against expectation `m` (> 0) under a negative binomial
/// with overdispersion `alpha` (Poisson when `alpha` is 0).
pub fn deviation(x: f64, m: f64, alpha: f64) -> f64 {
    if m <= 0.0 {
        return 0.0;
    }
    let x = x.max(0.0);
    let d = if alpha <= 1e-12 {
        if x == 0.0 {
            2.0 * m
        } else {
            2.0 * (x * (x / m).ln() - (x - m))
        }
    } else {
        let k = 1.0 / alpha;
        let tail = (x + k) * ((x - m) / (m + k)).ln_1p();
        if x == 0.0 {
            2.0 * k * (m / k).ln_1p()
        } else {
            2.0 * (x * (x / m).ln() - tail)
        }
    };
    d.max(0.0).sqrt().copysign(x - m)
}

/// Log-likelihood ratio of `x` between expectations `rho * m` and `m` under a negative
/// binomial with overdispersion `alpha` (Poisson when `alpha` is 0): the increment of a CUSUM
/// that looks for the rate of a series to have been multiplied by `rho`.
pub fn shift_llr(x: f64, m: f64, alpha: f64, rho: f64) -> f64 {
    if m <= 0.0 {
        return 0.0;
    }
    let x = x.max(0.0);
    if alpha <= 1e-12 {
        x * rho.ln() - m * (rho - 1.0)
    } else {
        let k = 1.0 / alpha;
        x * rho.ln() - (x + k) * (m * (rho - 1.0) / (m + k)).ln_1p()
    }
}

/// What one more report adds to [`shift_llr`] (which is linear in the count): the evidence one
/// missing report, or one "works again for me" report, gives against the shifted rate.
pub fn report_llr(m: f64, alpha: f64, rho: f64) -> f64 {
    if m <= 0.0 {
        return 0.0;
    }
    if alpha <= 1e-12 {
        rho.ln()
    } else {
        rho.ln() - (m * (rho - 1.0) / (m + 1.0 / alpha)).ln_1p()
    }
}

/// Maps a deviation onto [0, 1): 0 at or below the baseline, 0.5 at `threshold`, → 1 beyond.
pub fn anomaly_score(z: f64, threshold: f64) -> f64 {
    if z <= 0.0 {
        return 0.0;
    }
    let z2 = z * z;
    z2 / (z2 + threshold * threshold)
}

/// Exponentially weighted moment estimate of `alpha`:
/// `sum((x - m)^2 - m) / sum(m^2)`, residuals clipped at `CLIP` standard deviations so one
/// burst cannot inflate it, shrunk towards a prior worth `prior_n` observations.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Dispersion {
    excess: f64,
    m2: f64,
    n: f64,
}

const CLIP: f64 = 4.0;
/// Upper bound on `alpha` (a coefficient of variation of 200 %): beyond it the count carries
/// no information anyway, and an unbounded estimate could blind the detector.
const MAX_ALPHA: f64 = 4.0;

impl Dispersion {
    pub(crate) fn alpha(&self, prior: f64, prior_n: f64) -> f64 {
        if self.n <= 0.0 || self.m2 <= 0.0 {
            return prior;
        }
        let per_obs = self.m2 / self.n;
        let a = (self.excess + prior * prior_n * per_obs) / (self.m2 + prior_n * per_obs);
        a.clamp(0.0, MAX_ALPHA)
    }

    pub(crate) fn observe(&mut self, x: f64, m: f64, alpha: f64, decay: f64) {
        if m <= 0.0 {
            return;
        }
        let lim = CLIP * (m + alpha * m * m).sqrt();
        let r = (x - m).clamp(-lim, lim);
        // Poisson noise is taken off as the (clipped) count, not its expectation: for x ~ Poisson(l)
        // E[(x - m)^2 - x] = (l - m)^2, the squared error of the baseline, which is what alpha is
        // for, whereas E[(x - m)^2 - m] adds (l - m) once more. That first-order term is nothing for
        // a busy series, but divided by m^2 it is everything for a sparse one: a baseline 0.02 that
        // should be 0.03 read as alpha 25 (capped at 4), and 20 reports where 1 was usual scored 5.
        self.excess = decay * self.excess + (r * r - (m + r));
        self.m2 = decay * self.m2 + m * m;
        self.n = decay * self.n + 1.0;
    }
}

/// Peaks-over-threshold calibration of a statistic's upper tail. Real series are burstier
/// than any count model (news, bots, paydays), so the model's 1-in-a-million deviation may
/// happen daily. Exceedances of a threshold `u` are declustered into episodes (runs
/// declustering: an episode ends after `run` buckets at or below `u`) and each episode's
/// peak excess is modelled as exponential (the generalised Pareto limit with shape 0):
/// `P(peak > z) = p_u * exp(-(z - u) / beta)` per bucket, with the episode rate `p_u` and the
/// mean excess `beta` tracked with exponential forgetting. Counting episodes, not buckets,
/// makes the budget one of *alarms*: a burst that lasts three hours is one event, not 36.
/// Episodes are tracked above 2, 4, 8, 16 and 32, and the fit uses the highest threshold that
/// still has `min_episodes` of them, so a tail is fitted where it is rather than extrapolated
/// from the bulk (which matters for a CUSUM, whose values sit far above 2 for hours). At
/// `u = 2` a prior taken from the standard normal keeps a new series sensible. The level whose
/// episode rate is the false-alarm budget is the series' own bar.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Tail {
    n: f64,
    exceed: [f64; TAIL_LEVELS],
    excess: [f64; TAIL_LEVELS],
    /// Peak of the open episode at each threshold (0 when none is open).
    peak: [f64; TAIL_LEVELS],
    /// Buckets at or below the threshold since the open episode's last exceedance.
    below: [u32; TAIL_LEVELS],
}

/// Standard normal: P(Z > 2) and the mean excess E[Z - 2 | Z > 2].
const NORMAL_P: f64 = 0.02275;
const NORMAL_EXCESS: f64 = 0.3729;
/// Lowest tail threshold: 2, low enough that a few days of data give a stable estimate; the
/// exponential tail then errs on the safe side for light tails (+0.6 for a normal).
pub(crate) const TAIL_U: f64 = 2.0;
const TAIL_LEVELS: usize = 5;

fn tail_u(j: usize) -> f64 {
    TAIL_U * f64::from(1u32 << j)
}

impl Tail {
    /// Observes one bucket's statistic; `run` buckets at or below a threshold close an
    /// episode (0: every bucket above the threshold counts on its own).
    pub(crate) fn observe(&mut self, z: f64, decay: f64, run: u32) {
        self.n = decay * self.n + 1.0;
        for j in 0..TAIL_LEVELS {
            self.exceed[j] *= decay;
            self.excess[j] *= decay;
            let u = tail_u(j);
            if run == 0 {
                // every bucket is its own episode
                if z > u {
                    self.exceed[j] += 1.0;
                    self.excess[j] += z - u;
                }
            } else if z > u {
                self.peak[j] = self.peak[j].max(z);
                self.below[j] = 0;
            } else if self.peak[j] > 0.0 {
                self.below[j] += 1;
                if self.below[j] >= run {
                    self.exceed[j] += 1.0;
                    self.excess[j] += self.peak[j] - u;
                    self.peak[j] = 0.0;
                }
            }
        }
    }

    /// Statistic whose episodes exceed it with probability `rate` per bucket; `prior_n`
    /// buckets of standard normal prior; a threshold above 2 is used once it has `min_episodes`
    /// episodes. Without a prior (`prior_n` = 0) the level is infinite until some threshold
    /// has `min_episodes` episodes: no bar is better than a guessed one.
    pub(crate) fn level(&self, rate: f64, prior_n: f64, min_episodes: f64) -> f64 {
        let n = self.n + prior_n;
        let Some(j) = (0..TAIL_LEVELS)
            .rev()
            .find(|&j| self.exceed[j] >= min_episodes || (j == 0 && prior_n > 0.0))
        else {
            return f64::INFINITY;
        };
        let (exceed, excess) = if j == 0 {
            (
                self.exceed[0] + prior_n * NORMAL_P,
                self.excess[0] + prior_n * NORMAL_P * NORMAL_EXCESS,
            )
        } else {
            (self.exceed[j], self.excess[j])
        };
        let p = exceed / n;
        let beta = excess / exceed;
        tail_u(j) + beta * (p / rate).max(1.0).ln()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn sparse_and_busy_deviations_share_a_scale() {
        let sparse = deviation(3.0, 0.1, 0.0);
        let busy = deviation(300.0, 60.0, 0.05);
        assert!(sparse > 3.0 && sparse < 4.5, "{sparse}");
        assert!(busy > 7.0, "{busy}");
        assert!(deviation(60.0, 60.0, 0.05).abs() < 1e-9);
        assert!(deviation(0.0, 5.0, 0.0) < -2.0);
    }

    #[test]
    fn overdispersion_lowers_the_deviation() {
        assert!(deviation(100.0, 50.0, 0.2) < deviation(100.0, 50.0, 0.0));
        // tiny alpha behaves like Poisson
        assert!((deviation(100.0, 50.0, 1e-9) - deviation(100.0, 50.0, 0.0)).abs() < 1e-3);
    }

    #[test]
    fn dispersion_estimate_recovers_alpha() {
        // x alternates m(1 ± 0.3): (x - m)^2 = 0.09 m^2, so alpha ≈ 0.09 - 1/m
        let mut d = Dispersion::default();
        for i in 0..5000 {
            let x = if i % 2 == 0 { 130.0 } else { 70.0 };
            d.observe(x, 100.0, 0.05, 0.999);
        }
        let a = d.alpha(0.05, 10.0);
        assert!((a - 0.08).abs() < 0.005, "{a}");
        assert_eq!(Dispersion::default().alpha(0.05, 10.0), 0.05);
    }

    #[test]
    fn tail_level_matches_the_normal_prior_and_rises_for_bursty_series() {
        let t = Tail::default();
        let normal = t.level(1.0 / 40_320.0, 100.0, f64::INFINITY);
        assert!((normal - 4.56).abs() < 0.05, "{normal}");
        let mut bursty = Tail::default();
        for i in 0..20_000 {
            bursty.observe(if i % 20 == 0 { 6.0 } else { 0.5 }, 1.0, 0);
        }
        assert!(bursty.level(1.0 / 40_320.0, 100.0, 60.0) > 15.0);
    }

    #[test]
    fn shift_llr_favours_the_shifted_rate_only_above_the_break_even() {
        // Poisson, rho = 5: break-even at (5 - 1) / ln 5 = 2.49 times the baseline
        assert!(shift_llr(2.0, 1.0, 0.0, 5.0) < 0.0);
        assert!(shift_llr(3.0, 1.0, 0.0, 5.0) > 0.0);
        // overdispersion shrinks the evidence of a busy bucket
        assert!(shift_llr(500.0, 100.0, 0.1, 5.0) < shift_llr(500.0, 100.0, 0.0, 5.0));
        assert_eq!(shift_llr(3.0, 0.0, 0.0, 5.0), 0.0);
    }

    #[test]
    fn one_report_adds_the_slope_of_the_shift_llr() {
        for (m, a) in [(0.05, 0.0), (3.0, 0.05), (400.0, 0.2)] {
            let step = shift_llr(8.0, m, a, 2.0) - shift_llr(7.0, m, a, 2.0);
            assert!((report_llr(m, a, 2.0) - step).abs() < 1e-9, "{m} {a}");
        }
        assert_eq!(report_llr(0.0, 0.05, 2.0), 0.0);
    }

    #[test]
    fn declustered_tail_counts_a_long_burst_once() {
        // a 36-bucket burst every 2000 buckets: one episode each, not 36 exceedances
        let (mut per_bucket, mut episodes) = (Tail::default(), Tail::default());
        for i in 0..40_000 {
            let z = if i % 2000 < 36 { 6.0 } else { 0.5 };
            per_bucket.observe(z, 1.0, 0);
            episodes.observe(z, 1.0, 12);
        }
        let rate = 1.0 / 100_000.0;
        assert!(episodes.level(rate, 0.0, 5.0) < per_bucket.level(rate, 0.0, 5.0));
        assert_eq!(Tail::default().level(rate, 0.0, 5.0), f64::INFINITY);
    }

    proptest! {
        #[test]
        fn deviation_is_monotone_in_the_count(m in 0.01f64..1e4, a in 0.0f64..2.0, x in 0.0f64..1e4, dx in 0.001f64..100.0) {
            prop_assert!(deviation(x + dx, m, a) >= deviation(x, m, a) - 1e-9);
        }

        #[test]
        fn score_is_a_probability_like_number(z in -50.0f64..50.0) {
            let s = anomaly_score(z, 5.0);
            prop_assert!((0.0..1.0).contains(&s));
        }
    }
}
