//! `downtally simulate`: seeded, reproducible report traffic for one service.
//!
//! The rate follows a daily curve (quiet at night, busy from morning to evening), lower
//! weekends and a steady weekly growth; counts are Poisson. The day and the weekend are those of
//! the service's time zone (`zone`, UTC by default): people keep a routine fixed in local time, so
//! when clocks change the morning rise moves by an hour in UTC. Injected outages multiply the
//! rate by a factor for a while, with their own mix of problem kinds and regions. The same
//! spec and seed give the same counts and reports on every machine (a hand-written
//! xoshiro256++ generator, no dependency on a library's sampling algorithms).
//!
//! [`simulate_counts`] gives per-bucket counts (for replay and tests); [`simulate_reports`]
//! gives the individual reports behind exactly those counts (for a backfill into a store).
//! `run` writes the CSV mode; the server's `--backfill` mode, which writes into a store,
//! consumes [`simulate_reports`] and lives with the store code.

use std::io::Write as _;
use std::path::PathBuf;

use anyhow::{Context, bail};
use chrono::{DateTime, NaiveDateTime, Offset, TimeZone};
use chrono_tz::Tz;

/// Problem kinds a simulated report can carry.
pub const PROBLEMS: [&str; 8] = [
    "login",
    "balance",
    "sms_verification",
    "payments",
    "card",
    "mobile_app",
    "website",
    "other",
];

/// Everyday mix of problem kinds (same order as [`PROBLEMS`]).
const NORMAL_MIX: [f64; 8] = [0.20, 0.10, 0.08, 0.15, 0.10, 0.17, 0.10, 0.10];

/// Relative rate per hour of the (local) day, peak 1.0: night trough, morning rise, evening tail.
const DAY_CURVE: [f64; 24] = [
    0.20, 0.12, 0.08, 0.06, 0.06, 0.10, 0.25, 0.55, 0.85, 0.95, 1.00, 1.00, 0.95, 0.95, 0.90, 0.90,
    0.90, 0.88, 0.82, 0.75, 0.65, 0.52, 0.40, 0.28,
];

/// An injected outage.
#[derive(Debug, Clone, PartialEq)]
pub struct SimOutage {
    /// Start, epoch seconds.
    pub at: i64,
    pub minutes: u32,
    /// Rate multiplier during the outage (5.0 = five times the normal rate).
    pub factor: f64,
    /// Problem kinds of the extra reports with weights; empty = the everyday mix.
    pub problems: Vec<(&'static str, f64)>,
    /// Regions of the extra reports (uniform); empty = the everyday regions.
    pub regions: Vec<String>,
}

/// What to simulate.
#[derive(Debug, Clone, PartialEq)]
pub struct SimSpec {
    /// First bucket start, epoch seconds.
    pub start: i64,
    pub buckets: u32,
    pub step_secs: i64,
    /// Reports a minute at the weekday daily peak, at `start`.
    pub peak_per_minute: f64,
    /// Rate on Saturdays and Sundays relative to weekdays.
    pub weekend_factor: f64,
    /// Compound growth per week (0.2 = +20 % a week).
    pub growth_per_week: f64,
    /// Regions of everyday reports (uniform); empty = no region.
    pub regions: Vec<String>,
    /// Share of reports that carry a region.
    pub located_share: f64,
    pub outages: Vec<SimOutage>,
    pub seed: u64,
    /// The zone whose wall-clock time the daily curve and the weekend follow.
    pub zone: Tz,
}

impl SimSpec {
    /// A quiet service: 60-second buckets from `start` for `days`, no outage.
    pub fn quiet(start: i64, days: u32, peak_per_minute: f64, seed: u64) -> Self {
        Self {
            start,
            buckets: days * 1440,
            step_secs: 60,
            peak_per_minute,
            weekend_factor: 0.7,
            growth_per_week: 0.0,
            regions: Vec::new(),
            located_share: 0.7,
            outages: Vec::new(),
            seed,
            zone: Tz::UTC,
        }
    }

    /// Expected everyday reports a minute at time `t` (without outages).
    pub fn normal_rate(&self, t: i64) -> f64 {
        let weeks = (t - self.start) as f64 / 604_800.0;
        // The routine runs on local wall-clock time: UTC plus the zone's offset at `t`.
        let t = t + utc_offset(self.zone, t);
        let day_secs = t.rem_euclid(86_400) as f64;
        let h = (day_secs / 3600.0).floor() as usize % 24;
        let frac = day_secs / 3600.0 - h as f64;
        let curve = DAY_CURVE[h] + (DAY_CURVE[(h + 1) % 24] - DAY_CURVE[h]) * frac;
        // 1970-01-01 was a Thursday (weekday 3 counting from Monday = 0).
        let weekday = (t.div_euclid(86_400) + 3).rem_euclid(7); // 0 = Monday
        let weekend = if weekday >= 5 {
            self.weekend_factor
        } else {
            1.0
        };
        self.peak_per_minute * curve * weekend * (1.0 + self.growth_per_week).powf(weeks)
    }

    /// The outage active at `t`, if any.
    fn outage_at(&self, t: i64) -> Option<&SimOutage> {
        self.outages
            .iter()
            .find(|o| t >= o.at && t < o.at + i64::from(o.minutes) * 60)
    }

    fn bucket_rates(&self, i: u32) -> (i64, f64, f64) {
        let at = self.start + i64::from(i) * self.step_secs;
        let mid = at + self.step_secs / 2;
        let base = self.normal_rate(mid) * self.step_secs as f64 / 60.0;
        let extra = self
            .outage_at(mid)
            .map_or(0.0, |o| base * (o.factor - 1.0).max(0.0));
        (at, base, extra)
    }
}

/// Seconds `zone` is ahead of UTC at `t`.
fn utc_offset(zone: Tz, t: i64) -> i64 {
    if zone == Tz::UTC {
        return 0;
    }
    DateTime::from_timestamp(t, 0).map_or(0, |d| {
        i64::from(
            zone.offset_from_utc_datetime(&d.naive_utc())
                .fix()
                .local_minus_utc(),
        )
    })
}

/// Per-bucket counts `(bucket start, reports)`.
pub fn simulate_counts(spec: &SimSpec) -> Vec<(i64, u32)> {
    let mut rng = Xoshiro::new(spec.seed);
    (0..spec.buckets)
        .map(|i| {
            let (at, base, extra) = spec.bucket_rates(i);
            (at, rng.poisson(base) + rng.poisson(extra))
        })
        .collect()
}

/// One simulated report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SimReport {
    /// Epoch seconds.
    pub at: i64,
    /// One of [`PROBLEMS`].
    pub problem: &'static str,
    pub region: Option<String>,
}

/// The reports behind [`simulate_counts`] (same spec, same per-bucket totals), in time order.
pub fn simulate_reports(spec: &SimSpec) -> impl Iterator<Item = SimReport> + '_ {
    let mut counts = Xoshiro::new(spec.seed);
    let mut detail = Xoshiro::new(spec.seed ^ 0x9E37_79B9_7F4A_7C15);
    (0..spec.buckets).flat_map(move |i| {
        let (at, base, extra) = spec.bucket_rates(i);
        let (n_base, n_extra) = (counts.poisson(base), counts.poisson(extra));
        let outage = spec.outage_at(at + spec.step_secs / 2);
        let mut reports: Vec<SimReport> = (0..n_base + n_extra)
            .map(|k| {
                let from_outage = k >= n_base;
                let problem = match outage {
                    Some(o) if from_outage && !o.problems.is_empty() => {
                        detail.weighted(&o.problems)
                    }
                    _ => PROBLEMS[detail.index_by(&NORMAL_MIX)],
                };
                let regions = match outage {
                    Some(o) if from_outage && !o.regions.is_empty() => &o.regions,
                    _ => &spec.regions,
                };
                let region = (!regions.is_empty() && detail.uniform() < spec.located_share)
                    .then(|| regions[detail.below(regions.len())].clone());
                let offset = detail.below(spec.step_secs.max(1) as usize) as i64;
                SimReport {
                    at: at + offset,
                    problem,
                    region,
                }
            })
            .collect();
        reports.sort_by_key(|r| r.at);
        reports
    })
}

/// xoshiro256++ seeded through splitmix64: small, fast, and stable across platforms.
#[derive(Debug, Clone)]
struct Xoshiro([u64; 4]);

impl Xoshiro {
    fn new(seed: u64) -> Self {
        let mut x = seed;
        let mut next = || {
            x = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
            let mut z = x;
            z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
            z ^ (z >> 31)
        };
        Self([next(), next(), next(), next()])
    }

    fn next_u64(&mut self) -> u64 {
        let s = &mut self.0;
        let out = s[0].wrapping_add(s[3]).rotate_left(23).wrapping_add(s[0]);
        let t = s[1] << 17;
        s[2] ^= s[0];
        s[3] ^= s[1];
        s[1] ^= s[2];
        s[0] ^= s[3];
        s[2] ^= t;
        s[3] = s[3].rotate_left(45);
        out
    }

    /// Uniform in [0, 1).
    fn uniform(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
    }

    fn below(&mut self, n: usize) -> usize {
        ((self.uniform() * n as f64) as usize).min(n.saturating_sub(1))
    }

    fn index_by(&mut self, weights: &[f64]) -> usize {
        let mut u = self.uniform() * weights.iter().sum::<f64>();
        for (i, w) in weights.iter().enumerate() {
            if u < *w {
                return i;
            }
            u -= w;
        }
        weights.len() - 1
    }

    fn weighted(&mut self, items: &[(&'static str, f64)]) -> &'static str {
        let weights: Vec<f64> = items.iter().map(|(_, w)| *w).collect();
        items[self.index_by(&weights)].0
    }

    /// Poisson sample: multiplication method for small means, PTRS (Hörmann 1993) otherwise.
    fn poisson(&mut self, lambda: f64) -> u32 {
        if lambda.is_nan() || lambda <= 0.0 {
            return 0;
        }
        if lambda < 10.0 {
            let limit = (-lambda).exp();
            let (mut k, mut p) = (0u32, self.uniform());
            while p > limit {
                k += 1;
                p *= self.uniform();
            }
            return k;
        }
        let (slam, loglam) = (lambda.sqrt(), lambda.ln());
        let b = 0.931 + 2.53 * slam;
        let a = -0.059 + 0.02483 * b;
        let inv_alpha = 1.1239 + 1.1328 / (b - 3.4);
        let v_r = 0.9277 - 3.6224 / (b - 2.0);
        loop {
            let u = self.uniform() - 0.5;
            let v = self.uniform();
            let us = 0.5 - u.abs();
            let k = ((2.0 * a / us + b) * u + lambda + 0.43).floor();
            if us >= 0.07 && v <= v_r {
                return k as u32;
            }
            if k < 0.0 || (us < 0.013 && v > us) {
                continue;
            }
            if (v * inv_alpha / (a / (us * us) + b)).ln() <= -lambda + k * loglam - ln_factorial(k)
            {
                return k as u32;
            }
        }
    }
}

/// ln(k!) for a non-negative integer-valued `k`: exact below 20, Stirling's series above.
fn ln_factorial(k: f64) -> f64 {
    if k < 20.0 {
        return (2..=k as u32).map(|i| f64::from(i).ln()).sum();
    }
    let k1 = k + 1.0;
    (k1 - 0.5) * k1.ln() - k1 + 0.5 * (2.0 * std::f64::consts::PI).ln() + 1.0 / (12.0 * k1)
        - 1.0 / (360.0 * k1.powi(3))
}

/// Arguments of `downtally simulate`.
#[derive(Debug, Clone, clap::Args)]
pub struct SimulateArgs {
    /// Write per-bucket counts as CSV (`timestamp,value`) to this file.
    #[arg(long)]
    pub csv: Option<PathBuf>,
    /// First bucket, UTC `YYYY-MM-DD HH:MM:SS` (default: Monday 2024-01-01 00:00:00).
    #[arg(long, default_value = "2024-01-01 00:00:00")]
    pub start: String,
    /// Days to simulate.
    #[arg(long, default_value_t = 56)]
    pub days: u32,
    /// Bucket length in seconds.
    #[arg(long, default_value_t = 60)]
    pub step_seconds: i64,
    /// Reports a minute at the weekday daily peak.
    #[arg(long, default_value_t = 5.0)]
    pub peak_per_minute: f64,
    /// Weekend rate relative to weekdays.
    #[arg(long, default_value_t = 0.7)]
    pub weekend_factor: f64,
    /// Compound growth of traffic per week (0.2 = +20 %).
    #[arg(long, default_value_t = 0.0)]
    pub growth_per_week: f64,
    /// Seed of the random generator.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Everyday regions, comma-separated region ids.
    #[arg(long, value_delimiter = ',')]
    pub regions: Vec<String>,
    /// Inject outages starting at these UTC times (repeat or comma-separate).
    #[arg(long, value_delimiter = ',')]
    pub outage_at: Vec<String>,
    /// Length of each injected outage in minutes.
    #[arg(long, default_value_t = 30)]
    pub outage_minutes: u32,
    /// Rate multiplier during an outage.
    #[arg(long, default_value_t = 5.0)]
    pub outage_factor: f64,
    /// Problem mix of outage reports, e.g. `login:0.6,mobile_app:0.4`.
    #[arg(long, value_delimiter = ',')]
    pub outage_problems: Vec<String>,
    /// Regions of outage reports, comma-separated region ids.
    #[arg(long, value_delimiter = ',')]
    pub outage_regions: Vec<String>,
    /// Time zone (IANA name, e.g. `Europe/Rome`) whose wall-clock time the daily curve and the
    /// weekend follow; times given on the command line stay UTC.
    #[arg(long, default_value = "UTC", value_parser = parse_zone)]
    pub zone: Tz,
}

impl SimulateArgs {
    /// The simulation these arguments describe.
    pub fn spec(&self) -> anyhow::Result<SimSpec> {
        if self.step_seconds <= 0 || self.peak_per_minute < 0.0 || self.outage_factor < 0.0 {
            bail!("--step-seconds must be > 0, --peak-per-minute and --outage-factor >= 0");
        }
        let problems = self
            .outage_problems
            .iter()
            .map(|p| parse_problem(p))
            .collect::<anyhow::Result<Vec<_>>>()?;
        let outages = self
            .outage_at
            .iter()
            .map(|t| {
                Ok(SimOutage {
                    at: parse_time(t)?,
                    minutes: self.outage_minutes,
                    factor: self.outage_factor,
                    problems: problems.clone(),
                    regions: self.outage_regions.clone(),
                })
            })
            .collect::<anyhow::Result<Vec<_>>>()?;
        let buckets = u64::from(self.days) * 86_400 / self.step_seconds as u64;
        Ok(SimSpec {
            start: parse_time(&self.start)?,
            buckets: u32::try_from(buckets).context("too many buckets")?,
            step_secs: self.step_seconds,
            peak_per_minute: self.peak_per_minute,
            weekend_factor: self.weekend_factor,
            growth_per_week: self.growth_per_week,
            regions: self.regions.clone(),
            located_share: 0.7,
            outages,
            seed: self.seed,
            zone: self.zone,
        })
    }
}

fn parse_time(s: &str) -> anyhow::Result<i64> {
    let t = NaiveDateTime::parse_from_str(s.trim(), "%Y-%m-%d %H:%M:%S")
        .with_context(|| format!("bad time {s:?}, expected YYYY-MM-DD HH:MM:SS"))?;
    Ok(t.and_utc().timestamp())
}

fn parse_zone(s: &str) -> anyhow::Result<Tz> {
    s.trim()
        .parse()
        .map_err(|_| anyhow::anyhow!("unknown time zone {s:?}; an IANA name such as Europe/Rome"))
}

fn parse_problem(s: &str) -> anyhow::Result<(&'static str, f64)> {
    let (name, weight) = s.split_once(':').unwrap_or((s, "1"));
    let problem = PROBLEMS
        .iter()
        .find(|p| **p == name.trim())
        .with_context(|| format!("unknown problem {name:?}; one of {}", PROBLEMS.join(", ")))?;
    let weight: f64 = weight
        .trim()
        .parse()
        .with_context(|| format!("bad weight in {s:?}"))?;
    if weight.is_nan() || weight < 0.0 {
        bail!("weight must be >= 0 in {s:?}");
    }
    Ok((problem, weight))
}

/// Runs the CSV mode.
pub fn run(args: &SimulateArgs) -> anyhow::Result<()> {
    let Some(path) = &args.csv else {
        bail!("choose an output: --csv FILE");
    };
    let spec = args.spec()?;
    let mut out = std::io::BufWriter::new(
        std::fs::File::create(path).with_context(|| format!("creating {}", path.display()))?,
    );
    writeln!(out, "timestamp,value")?;
    for (at, n) in simulate_counts(&spec) {
        let t = DateTime::from_timestamp(at, 0).context("time out of range")?;
        writeln!(out, "{},{n}", t.format("%Y-%m-%d %H:%M:%S"))?;
    }
    out.flush()
        .with_context(|| format!("writing {}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const MONDAY: i64 = 1_704_067_200; // 2024-01-01 00:00:00 UTC

    #[test]
    fn same_seed_same_counts_other_seed_other_counts() {
        let spec = SimSpec::quiet(MONDAY, 2, 5.0, 7);
        assert_eq!(simulate_counts(&spec), simulate_counts(&spec));
        let other = SimSpec {
            seed: 8,
            ..spec.clone()
        };
        assert_ne!(simulate_counts(&spec), simulate_counts(&other));
    }

    #[test]
    fn daily_weekly_shape_and_growth() {
        let flat = SimSpec::quiet(MONDAY, 14, 10.0, 1);
        let noon = MONDAY + 11 * 3600;
        assert!((flat.normal_rate(noon) - 10.0).abs() < 1e-9);
        let spec = SimSpec {
            growth_per_week: 0.2,
            ..flat
        };
        assert!(spec.normal_rate(MONDAY + 3 * 3600) < 1.0, "night is quiet");
        let saturday = noon + 5 * 86_400;
        assert!(spec.normal_rate(saturday) < 0.75 * spec.normal_rate(noon) * 1.2);
        assert!((spec.normal_rate(noon + 7 * 86_400) / spec.normal_rate(noon) - 1.2).abs() < 1e-9);
    }

    #[test]
    fn the_routine_follows_local_time_across_a_clock_change() {
        // Monday 2024-03-25 and Monday 2024-04-01, around Europe's change on Sunday 31 March.
        let before = 1_711_324_800;
        let after = before + 7 * 86_400;
        let rome = SimSpec {
            zone: Tz::Europe__Rome,
            ..SimSpec::quiet(before, 14, 10.0, 1)
        };
        // 10:00 local is 09:00 UTC in winter and 08:00 UTC in summer: the peak, either way.
        assert!((rome.normal_rate(before + 9 * 3600) - 10.0).abs() < 1e-9);
        assert!((rome.normal_rate(after + 8 * 3600) - 10.0).abs() < 1e-9);
        // 06:30 UTC is 07:30 local before the change, 08:30 after: the morning rise is an hour on.
        assert!(
            rome.normal_rate(after + 6 * 3600 + 1800)
                > rome.normal_rate(before + 6 * 3600 + 1800) * 1.25
        );
        // The weekend is local too: Sunday 23:30 UTC is already Monday in Rome, as busy as
        // Tuesday 23:30 UTC (Wednesday 01:30 in Rome), a weekday in both zones.
        let (sunday_late, tuesday_late) = (after - 1800, after + 2 * 86_400 - 1800);
        let utc = SimSpec::quiet(before, 14, 10.0, 1);
        let ratio = |spec: &SimSpec| spec.normal_rate(sunday_late) / spec.normal_rate(tuesday_late);
        assert!((ratio(&rome) - 1.0).abs() < 1e-9);
        assert!((ratio(&utc) - 0.7).abs() < 1e-9);
        // UTC stays what it was: the same counts for the same seed.
        assert_eq!(utc.zone, Tz::UTC);
        assert_eq!(
            simulate_counts(&utc),
            simulate_counts(&SimSpec {
                zone: Tz::UTC,
                ..utc.clone()
            })
        );
    }

    #[test]
    fn outage_multiplies_the_counts() {
        let mut spec = SimSpec::quiet(MONDAY, 1, 20.0, 3);
        let at = MONDAY + 11 * 3600;
        spec.outages.push(SimOutage {
            at,
            minutes: 30,
            factor: 5.0,
            problems: vec![],
            regions: vec![],
        });
        let counts = simulate_counts(&spec);
        let window = |from: i64| -> u32 {
            counts
                .iter()
                .filter(|(t, _)| (from..from + 1800).contains(t))
                .map(|(_, n)| n)
                .sum()
        };
        let ratio = f64::from(window(at)) / f64::from(window(at - 1800));
        assert!((4.0..6.0).contains(&ratio), "{ratio}");
    }

    #[test]
    fn reports_match_counts_and_carry_the_outage_mix() {
        let mut spec = SimSpec::quiet(MONDAY, 1, 3.0, 11);
        spec.regions = vec!["IT-25".into(), "IT-62".into()];
        let at = MONDAY + 10 * 3600;
        spec.outages.push(SimOutage {
            at,
            minutes: 60,
            factor: 10.0,
            problems: vec![("login", 1.0)],
            regions: vec!["IT-45".into()],
        });
        let reports: Vec<SimReport> = simulate_reports(&spec).collect();
        let total: u32 = simulate_counts(&spec).iter().map(|(_, n)| n).sum();
        assert_eq!(reports.len() as u32, total);
        assert!(reports.windows(2).all(|w| w[0].at <= w[1].at));
        let during: Vec<&SimReport> = reports
            .iter()
            .filter(|r| (at..at + 3600).contains(&r.at))
            .collect();
        let logins = during.iter().filter(|r| r.problem == "login").count();
        assert!(
            logins * 10 > during.len() * 8,
            "{logins} of {}",
            during.len()
        );
        assert!(during.iter().any(|r| r.region.as_deref() == Some("IT-45")));
        assert!(reports.iter().all(|r| PROBLEMS.contains(&r.problem)));
    }

    #[test]
    fn parses_cli_zones() {
        assert_eq!(parse_zone("Europe/Oslo").unwrap(), Tz::Europe__Oslo);
        assert!(parse_zone("Mars/Olympus").is_err());
    }

    #[test]
    fn parses_cli_problem_mix() {
        assert_eq!(parse_problem("login:0.6").unwrap(), ("login", 0.6));
        assert_eq!(parse_problem("card").unwrap(), ("card", 1.0));
        assert!(parse_problem("fax:1").is_err());
    }

    proptest! {
        #[test]
        fn poisson_mean_and_variance_match(lambda in 0.05f64..500.0, seed in 0u64..1000) {
            let mut rng = Xoshiro::new(seed);
            let n = 4000;
            let xs: Vec<f64> = (0..n).map(|_| f64::from(rng.poisson(lambda))).collect();
            let mean = xs.iter().sum::<f64>() / n as f64;
            let var = xs.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1) as f64;
            let se = (lambda / n as f64).sqrt();
            prop_assert!((mean - lambda).abs() < 5.0 * se, "mean {} vs {}", mean, lambda);
            prop_assert!((var / lambda - 1.0).abs() < 0.25, "var {} vs {}", var, lambda);
        }
    }
}
