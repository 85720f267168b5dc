//! Detector throughput: bucket updates per second on one core.

use criterion::{BatchSize, Criterion, Throughput, criterion_group, criterion_main};
use downtally::detect::{Detector, DetectorConfig};
use downtally::simulate::{SimSpec, simulate_counts};
use std::hint::black_box;

const MONDAY: i64 = 1_704_067_200;

fn updates(c: &mut Criterion) {
    let mut group = c.benchmark_group("detector");
    for peak in [0.2, 5.0, 200.0] {
        // three weeks of history, then one simulated day of minute buckets per iteration
        let counts = simulate_counts(&SimSpec::quiet(MONDAY, 22, peak, 1));
        let (history, day) = counts.split_at(21 * 1440);
        let mut warm = Detector::new(DetectorConfig::default(), 60).unwrap();
        for &(at, n) in history {
            warm.update(at, f64::from(n)).unwrap();
        }
        group.throughput(Throughput::Elements(day.len() as u64));
        group.bench_function(format!("update_1440_minutes_peak_{peak}"), |b| {
            b.iter_batched_ref(
                || warm.clone(),
                |d| {
                    for &(at, n) in day {
                        black_box(d.update(at, f64::from(n)).unwrap());
                    }
                },
                BatchSize::SmallInput,
            )
        });
    }
    group.finish();
}

criterion_group!(benches, updates);
criterion_main!(benches);
