//! Region lookup throughput on one core: `cargo bench --bench regions`.
//!
//! A realistic mix of report locations, 4,096 points in a fixed pseudo-random order:
//! 70 % around cities of the covered countries (the city point jittered by up to ±0.05°, ~5 km),
//! 20 % near regional and national borders (±0.02°), 10 % at sea (half near coasts, where the
//! coastal fallback searches the boundary index, half far out).

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use downtally::regions::RegionCatalog;

/// (lat, lon)
const CITIES: &[(f64, f64)] = &[
    (45.4642, 9.1900),    // Milan
    (41.9028, 12.4964),   // Rome
    (40.8518, 14.2681),   // Naples
    (45.0703, 7.6869),    // Turin
    (38.1157, 13.3615),   // Palermo
    (48.1351, 11.5820),   // Munich
    (52.5200, 13.4050),   // Berlin
    (53.5511, 9.9937),    // Hamburg
    (50.9375, 6.9603),    // Cologne
    (50.1109, 8.6821),    // Frankfurt
    (48.8566, 2.3522),    // Paris
    (45.7640, 4.8357),    // Lyon
    (43.2965, 5.3698),    // Marseille
    (43.6047, 1.4442),    // Toulouse
    (51.5074, -0.1278),   // London
    (53.4808, -2.2426),   // Manchester
    (52.4862, -1.8904),   // Birmingham
    (55.8642, -4.2518),   // Glasgow
    (55.9533, -3.1883),   // Edinburgh
    (51.4816, -3.1791),   // Cardiff
    (54.5973, -5.9301),   // Belfast
    (53.3498, -6.2603),   // Dublin
    (40.4168, -3.7038),   // Madrid
    (41.3874, 2.1686),    // Barcelona
    (37.3891, -5.9845),   // Seville
    (38.7223, -9.1393),   // Lisbon
    (41.1579, -8.6291),   // Porto
    (52.3676, 4.9041),    // Amsterdam
    (51.9244, 4.4777),    // Rotterdam
    (50.8503, 4.3517),    // Brussels
    (48.2082, 16.3738),   // Vienna
    (47.3769, 8.5417),    // Zurich
    (46.2044, 6.1432),    // Geneva
    (55.6761, 12.5683),   // Copenhagen
    (59.3293, 18.0686),   // Stockholm
    (57.7089, 11.9746),   // Gothenburg
    (59.9139, 10.7522),   // Oslo
    (60.3913, 5.3221),    // Bergen
    (60.1699, 24.9384),   // Helsinki
    (52.2297, 21.0122),   // Warsaw
    (50.0647, 19.9450),   // Krakow
    (50.0755, 14.4378),   // Prague
    (48.1486, 17.1077),   // Bratislava
    (47.4979, 19.0402),   // Budapest
    (44.4268, 26.1025),   // Bucharest
    (42.6977, 23.3219),   // Sofia
    (37.9838, 23.7275),   // Athens
    (45.8150, 15.9819),   // Zagreb
    (46.0569, 14.5058),   // Ljubljana
    (44.7866, 20.4489),   // Belgrade
    (56.9496, 24.1052),   // Riga
    (54.6872, 25.2797),   // Vilnius
    (59.4370, 24.7536),   // Tallinn
    (64.1466, -21.9426),  // Reykjavik
    (40.7128, -74.0060),  // New York
    (34.0522, -118.2437), // Los Angeles
    (41.8781, -87.6298),  // Chicago
    (29.7604, -95.3698),  // Houston
    (33.4484, -112.0740), // Phoenix
    (39.9526, -75.1652),  // Philadelphia
    (37.7749, -122.4194), // San Francisco
    (47.6062, -122.3321), // Seattle
    (25.7617, -80.1918),  // Miami
    (42.3601, -71.0589),  // Boston
    (38.9072, -77.0369),  // Washington
    (39.7392, -104.9903), // Denver
    (33.7490, -84.3880),  // Atlanta
    (21.3069, -157.8583), // Honolulu
    (61.2181, -149.9003), // Anchorage
];

/// Points on or near land borders between regions and countries.
const BORDERS: &[(f64, f64)] = &[
    (45.8400, 9.0200),    // Chiasso / Como (CH-TI, IT-25)
    (47.8200, 13.0000),   // Salzburg / Freilassing (AT-5, DE-BY)
    (40.7500, -74.0150),  // Hudson river (US-NY, US-NJ)
    (47.5800, 7.5900),    // Basel tripoint (CH-BS, DE-BW, FR-GES)
    (48.5700, 7.7900),    // Strasbourg / Kehl (FR-GES, DE-BW)
    (45.9500, 13.6350),   // Gorizia / Nova Gorica (IT-36, SI043)
    (51.4400, 5.6000),    // NL-NB / NL-LI / BE
    (52.4000, 13.2000),   // Berlin / Brandenburg
    (47.5000, 9.7400),    // Lindau: DE-BY, AT-8, DE-BW
    (49.0000, 8.2000),    // FR-GES / DE-RP / DE-BW
    (42.5000, 1.5000),    // Andorra
    (45.0000, -73.0000),  // US-VT / Canada
    (41.0000, -109.0500), // Four states near the WY/CO/UT corner
    (39.7200, -75.7900),  // DE / MD / PA
    (55.8000, -2.0300),   // England / Scotland (Berwick)
    (51.6000, -2.7000),   // England / Wales (Severn)
    (54.1000, -7.3000),   // Northern Ireland / Ireland
    (50.0000, 14.3000),   // Prague / Central Bohemia
    (48.0000, 17.1500),   // AT / SK / HU
    (59.0000, 11.6000),   // NO / SE
];

/// Sea points: the first half within a few kilometres of a coast, the second half far out.
const SEA: &[(f64, f64)] = &[
    (58.9700, 5.7331),   // Stavanger harbour
    (69.6492, 18.9553),  // Tromsø
    (41.9192, 8.7386),   // Ajaccio
    (43.6500, 7.3000),   // off Nice
    (38.0500, 13.4000),  // off Palermo
    (40.5000, -74.0000), // New York Bight
    (40.0000, -30.0000), // mid-Atlantic
    (40.0000, 12.0000),  // Tyrrhenian sea
    (56.0000, 3.0000),   // North Sea
    (35.0000, 18.0000),  // Ionian sea
    (30.0000, -60.0000), // Sargasso sea
    (55.7558, 37.6173),  // Moscow (uncovered)
];

/// A small deterministic generator, so every run measures the same points.
struct Lcg(u64);

impl Lcg {
    fn unit(&mut self) -> f64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        ((self.0 >> 11) as f64) / ((1u64 << 53) as f64) * 2.0 - 1.0
    }
}

fn points(n: usize) -> Vec<(f64, f64)> {
    let mut rng = Lcg(0x5eed);
    (0..n)
        .map(|i| {
            let pick = |set: &[(f64, f64)], rng: &mut Lcg| {
                let k = ((rng.unit() + 1.0) / 2.0 * set.len() as f64) as usize;
                set[k.min(set.len() - 1)]
            };
            match i % 10 {
                0..=6 => {
                    let (lat, lon) = pick(CITIES, &mut rng);
                    (lat + 0.05 * rng.unit(), lon + 0.05 * rng.unit())
                }
                7 | 8 => {
                    let (lat, lon) = pick(BORDERS, &mut rng);
                    (lat + 0.02 * rng.unit(), lon + 0.02 * rng.unit())
                }
                _ => {
                    let (lat, lon) = pick(SEA, &mut rng);
                    (lat + 0.01 * rng.unit(), lon + 0.01 * rng.unit())
                }
            }
        })
        .collect()
}

fn bench(c: &mut Criterion) {
    let catalog = RegionCatalog::embedded().expect("embedded catalog");
    let mix = points(4096);
    let located = mix
        .iter()
        .filter(|(lat, lon)| catalog.locate(*lat, *lon).is_some())
        .count();
    println!("mix: {} points, {located} located", mix.len());

    let mut group = c.benchmark_group("regions");
    group.throughput(Throughput::Elements(mix.len() as u64));
    group.bench_function("locate_mix", |b| {
        b.iter(|| {
            for &(lat, lon) in &mix {
                black_box(catalog.locate(black_box(lat), black_box(lon)));
            }
        })
    });
    for (name, set) in [
        ("locate_cities", CITIES),
        ("locate_borders", BORDERS),
        ("locate_sea", SEA),
    ] {
        group.throughput(Throughput::Elements(set.len() as u64));
        group.bench_function(name, |b| {
            b.iter(|| {
                for &(lat, lon) in set {
                    black_box(catalog.locate(black_box(lat), black_box(lon)));
                }
            })
        });
    }
    group.finish();

    let mut load = c.benchmark_group("regions_load");
    load.sample_size(10);
    load.bench_function("embedded", |b| {
        b.iter(|| RegionCatalog::embedded().unwrap())
    });
    load.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
