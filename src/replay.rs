//! `downtally replay`: runs the server's detector over a CSV time series, strictly online.
//!
//! Input: header `timestamp,value` (UTC `YYYY-MM-DD HH:MM:SS`, optionally with fractional
//! seconds; value = reports in that bucket). Output: `timestamp,value,baseline,anomaly_score,
//! alert`, one row per input row in the same order, `alert` = 1 only on the row where a new
//! outage is declared. The decision at a row uses that row and earlier ones only, and the
//! output is a pure function of the input (same bytes in, same bytes out).
//!
//! A CSV holds counts only, not the networks they came from, so the breadth rule (an outage needs
//! reports from many networks; `DetectorConfig::min_networks`) is skipped here, as on the NAB kit
//! whose figures BENCHMARKS.md reports. Everything else is the server's detector as it runs.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::PathBuf;

use anyhow::{Context, bail};
use chrono::NaiveDateTime;

use crate::detect::{Detector, DetectorConfig, Event};

/// Arguments of `downtally replay`.
#[derive(Debug, Clone, clap::Args)]
pub struct ReplayArgs {
    /// CSV with header `timestamp,value`.
    #[arg(long)]
    pub input: PathBuf,
    /// Where to write `timestamp,value,baseline,anomaly_score,alert`.
    #[arg(long)]
    pub output: PathBuf,
    /// Bucket length in seconds; inferred as the most common gap between rows when absent.
    #[arg(long)]
    pub step_seconds: Option<i64>,
    /// JSON object overriding detector settings (field names of `DetectorConfig`);
    /// the server's defaults otherwise.
    #[arg(long)]
    pub config: Option<PathBuf>,
}

/// Reads, replays and writes as the arguments say.
pub fn run(args: &ReplayArgs) -> anyhow::Result<()> {
    let input = std::fs::read_to_string(&args.input)
        .with_context(|| format!("reading {}", args.input.display()))?;
    let cfg = match &args.config {
        Some(path) => {
            let text = std::fs::read_to_string(path)
                .with_context(|| format!("reading {}", path.display()))?;
            serde_json::from_str(&text).with_context(|| format!("parsing {}", path.display()))?
        }
        None => DetectorConfig::default(),
    };
    let output = replay(&input, args.step_seconds, cfg)
        .with_context(|| format!("replaying {}", args.input.display()))?;
    std::fs::write(&args.output, output)
        .with_context(|| format!("writing {}", args.output.display()))
}

struct Row<'a> {
    raw_time: &'a str,
    raw_value: &'a str,
    at: i64,
    value: f64,
}

/// Replays CSV text and returns the output CSV text.
pub fn replay(
    input: &str,
    step_seconds: Option<i64>,
    cfg: DetectorConfig,
) -> anyhow::Result<String> {
    let rows = parse(input)?;
    let step = match step_seconds {
        Some(s) => s,
        None => infer_step(&rows).context("cannot infer the step: give --step-seconds")?,
    };
    let mut detector = Detector::new(cfg, step)?;
    let mut out = String::with_capacity(input.len() * 2);
    out.push_str("timestamp,value,baseline,anomaly_score,alert\n");
    let mut last_baseline = 0.0;
    for row in &rows {
        // A row out of time order cannot be fed online; it is written as unscored.
        let (baseline, score, alert) = match detector.update(row.at, row.value) {
            Ok(u) => (
                u.baseline,
                u.anomaly_score,
                matches!(u.event, Some(Event::Started(_))),
            ),
            Err(_) => (last_baseline, 0.0, false),
        };
        last_baseline = baseline;
        writeln!(
            out,
            "{},{},{:.4},{:.6},{}",
            row.raw_time,
            row.raw_value,
            baseline,
            score,
            u8::from(alert)
        )?;
    }
    Ok(out)
}

fn parse(input: &str) -> anyhow::Result<Vec<Row<'_>>> {
    let mut lines = input.lines().enumerate();
    let header = lines.next().map(|(_, h)| h.trim()).unwrap_or_default();
    let names: Vec<&str> = header.split(',').map(str::trim).collect();
    let col = |name: &str| names.iter().position(|n| *n == name);
    let (Some(ti), Some(vi)) = (col("timestamp"), col("value")) else {
        bail!("the header must name the columns timestamp and value, got {header:?}");
    };
    let mut rows = Vec::new();
    for (n, line) in lines {
        if line.trim().is_empty() {
            continue;
        }
        let fields: Vec<&str> = line.split(',').map(str::trim).collect();
        let (Some(&raw_time), Some(&raw_value)) = (fields.get(ti), fields.get(vi)) else {
            bail!(
                "line {}: expected at least {} fields",
                n + 1,
                ti.max(vi) + 1
            );
        };
        let at = parse_time(raw_time)
            .with_context(|| format!("line {}: bad timestamp {raw_time:?}", n + 1))?;
        let value = if raw_value.is_empty() {
            f64::NAN
        } else {
            raw_value
                .parse()
                .with_context(|| format!("line {}: bad value {raw_value:?}", n + 1))?
        };
        rows.push(Row {
            raw_time,
            raw_value,
            at,
            value,
        });
    }
    Ok(rows)
}

fn parse_time(s: &str) -> anyhow::Result<i64> {
    let t = NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M:%S%.f")
        .or_else(|_| NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%S%.f"))?;
    Ok(t.and_utc().timestamp())
}

/// The most common positive gap between consecutive rows (the smallest one on a tie).
fn infer_step(rows: &[Row<'_>]) -> Option<i64> {
    let mut gaps: BTreeMap<i64, usize> = BTreeMap::new();
    for w in rows.windows(2) {
        let gap = w[1].at - w[0].at;
        if gap > 0 {
            *gaps.entry(gap).or_default() += 1;
        }
    }
    let best = gaps.values().copied().max()?;
    gaps.into_iter()
        .find(|&(_, n)| n == best)
        .map(|(gap, _)| gap)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn series(n: usize, spike_at: usize) -> String {
        let mut s = String::from("timestamp,value\n");
        for i in 0..n {
            let t = chrono::DateTime::from_timestamp(1_400_000_000 + 300 * i as i64, 0).unwrap();
            let v = if (spike_at..spike_at + 6).contains(&i) {
                400
            } else {
                40 + (i * 7 % 11)
            };
            writeln!(s, "{},{}", t.format("%Y-%m-%d %H:%M:%S"), v).unwrap();
        }
        s
    }

    #[test]
    fn writes_one_row_per_input_row_and_alerts_once() {
        let input = series(2000, 1500);
        let out = replay(&input, None, DetectorConfig::default()).unwrap();
        let lines: Vec<&str> = out.lines().collect();
        assert_eq!(lines[0], "timestamp,value,baseline,anomaly_score,alert");
        assert_eq!(lines.len(), 2001);
        let alerts: Vec<usize> = (1..lines.len())
            .filter(|&i| lines[i].ends_with(",1"))
            .collect();
        assert_eq!(alerts, vec![1501], "alert on the first spike row only");
        for line in &lines[1..] {
            let score: f64 = line.split(',').nth(3).unwrap().parse().unwrap();
            assert!((0.0..=1.0).contains(&score));
        }
        assert_eq!(
            out,
            replay(&input, Some(300), DetectorConfig::default()).unwrap()
        );
    }

    #[test]
    fn decisions_do_not_look_ahead() {
        let full = replay(&series(2000, 1500), None, DetectorConfig::default()).unwrap();
        let cut = replay(&series(1600, 1500), None, DetectorConfig::default()).unwrap();
        assert!(full.starts_with(&cut));
    }

    #[test]
    fn reports_bad_input_clearly() {
        let err = replay("time,count\n", None, DetectorConfig::default()).unwrap_err();
        assert!(err.to_string().contains("timestamp and value"));
        let err = replay(
            "timestamp,value\n2020-01-01 00:00:00,x\n",
            Some(60),
            DetectorConfig::default(),
        )
        .unwrap_err();
        assert!(format!("{err:#}").contains("line 2"));
        let err = replay(
            "timestamp,value\n2020-01-01 00:00:00,1\n",
            None,
            DetectorConfig::default(),
        )
        .unwrap_err();
        assert!(format!("{err:#}").contains("infer the step"));
    }

    #[test]
    fn infers_the_most_common_gap() {
        let input = "timestamp,value\n2020-01-01 00:00:00,1\n2020-01-01 00:05:00,1\n2020-01-01 00:10:00,1\n2020-01-01 00:30:00,1\n";
        assert_eq!(infer_step(&parse(input).unwrap()), Some(300));
    }
}
