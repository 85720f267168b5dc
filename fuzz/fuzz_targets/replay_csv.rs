//! `downtally replay`: the CSV reader and the detector over what it reads, on inputs of at most
//! 64 KiB. The first byte picks the step (`--step-seconds`, or none: inferred); the rest is the CSV.
//! Every output row repeats its input row's fields and carries a finite, non-negative baseline, a
//! score between 0 and 1 and an alert of 0 or 1.
#![no_main]

use downtally::detect::DetectorConfig;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&pick, csv)) = data.split_first() else {
        return;
    };
    if csv.len() > downtally_fuzz::MAX_INPUT {
        return;
    }
    let Ok(csv) = std::str::from_utf8(csv) else {
        return;
    };
    let step = match pick % 8 {
        0 => None,
        1 => Some(60),
        2 => Some(300),
        3 => Some(900),
        4 => Some(3_600),
        5 => Some(86_400),
        6 => Some(7),
        _ => Some(i64::from(pick) - 200),
    };
    let Ok(out) = downtally::replay::replay(csv, step, DetectorConfig::default()) else {
        return;
    };
    let rows: Vec<&str> = csv
        .lines()
        .skip(1)
        .filter(|l| !l.trim().is_empty())
        .collect();
    let mut lines = out.lines();
    assert_eq!(
        lines.next(),
        Some("timestamp,value,baseline,anomaly_score,alert")
    );
    let written: Vec<&str> = lines.collect();
    assert_eq!(written.len(), rows.len(), "one output row per input row");
    for line in written {
        let fields: Vec<&str> = line.rsplitn(4, ',').collect();
        let [alert, score, baseline, _input] = fields[..] else {
            panic!("short output row {line:?}");
        };
        let baseline: f64 = baseline.parse().expect("baseline is a number");
        let score: f64 = score.parse().expect("score is a number");
        assert!(
            baseline.is_finite() && baseline >= 0.0,
            "baseline {baseline} in {line:?}"
        );
        assert!((0.0..=1.0).contains(&score), "score {score} in {line:?}");
        assert!(alert == "0" || alert == "1", "alert {alert:?}");
    }
});
