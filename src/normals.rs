//! The normal of each series ([`detect::NormalModel`]), learnt from the counter store's hourly
//! buckets and kept until the hour turns (it changes only when an hour closes). The monitor and the
//! pages each hold one of these over the same counters and settings, so they read the same numbers;
//! nothing of it is stored.
//!
//! Each series' seasonal profile is kept in the zone its people live in ([`series_zone`]), which the
//! monitor's detectors use too.

use crate::catalog::{LiveCatalog, Service};
use crate::counts::buckets::HOUR;
use crate::counts::{CountError, CountStore, Counts, Dim, Resolution, from_first_report};
use crate::detect::{DetectorConfig, NormalModel};
use crate::domain::{ServiceSlug, country_zone, region_zone};
use chrono_tz::Tz;
use parking_lot::Mutex;
use std::collections::HashMap;
use std::sync::Arc;

/// Normals of series, computed on demand and kept for the hour.
#[derive(Clone)]
pub struct Normals {
    counts: Counts,
    config: DetectorConfig,
    /// The services, for the zone of each series.
    catalog: LiveCatalog,
    kept: Arc<Mutex<HashMap<(ServiceSlug, Dim), Kept>>>,
}

struct Kept {
    /// Start of the hour the model was learnt in.
    hour: i64,
    model: Arc<NormalModel>,
}

impl Normals {
    /// Normals of the series in `counts` of the services in `catalog`, learnt with the detector's
    /// settings `config`.
    pub fn new(counts: Counts, config: DetectorConfig, catalog: impl Into<LiveCatalog>) -> Self {
        Self {
            counts,
            config,
            catalog: catalog.into(),
            kept: Arc::default(),
        }
    }

    /// The detector settings the normals are learnt with.
    pub fn config(&self) -> &DetectorConfig {
        &self.config
    }

    /// The normal of `service`'s series `dim` as of `now`: covers every hour the counters keep up to
    /// the one holding `now`. From the cache while the hour has not turned; else read (all the hourly
    /// buckets kept, about nine weeks) and learnt again.
    pub async fn model(
        &self,
        service: &ServiceSlug,
        dim: &Dim,
        now: i64,
    ) -> Result<Arc<NormalModel>, CountError> {
        let hour = Resolution::Hour.floor(now);
        let key = (service.clone(), dim.clone());
        if let Some(kept) = self.kept.lock().get(&key)
            && kept.hour == hour
        {
            return Ok(kept.model.clone());
        }
        let range = Resolution::Hour.window_ending_at(now, Resolution::Hour.retention() - HOUR);
        let counts = self
            .counts
            .series(service, dim, Resolution::Hour, range)
            .await?;
        let hours: Vec<(i64, f64)> = from_first_report(range, counts)
            .into_iter()
            .map(|(t, c)| (t, c as f64))
            .collect();
        let zone = series_zone(self.catalog.get(service.as_str()), dim);
        let model = Arc::new(NormalModel::from_hourly(&hours, now, self.config, zone));
        self.kept.lock().insert(
            key,
            Kept {
                hour,
                model: model.clone(),
            },
        );
        Ok(model)
    }
}

/// The zone whose wall-clock time a series' seasonal profile follows: a region's own zone for a
/// region's series (`domain::region_zone`: a US state's, else its country's), else the zone of the
/// service's main market (its first country, the zone its pages show times in); UTC for a service
/// not in the catalog.
pub fn series_zone(service: Option<&Service>, dim: &Dim) -> Tz {
    match (dim, service) {
        (Dim::Region(region), _) => region_zone(region.as_str()),
        (_, Some(service)) => service
            .countries
            .first()
            .map_or(Tz::UTC, |c| country_zone(c)),
        (_, None) => Tz::UTC,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::Catalog;
    use crate::counts::BucketCount;
    use crate::counts::buckets::DAY;

    #[tokio::test]
    async fn models_are_learnt_from_hourly_counters_and_kept_for_the_hour() {
        let counts = Counts::memory();
        let service = ServiceSlug::parse("monzo").unwrap();
        let now = 30 * DAY + 10 * 60;
        let buckets: Vec<BucketCount> = (0..30 * 24)
            .map(|h| BucketCount {
                service: service.clone(),
                dim: Dim::All,
                resolution: Resolution::Hour,
                start: h * HOUR,
                count: 40,
            })
            .collect();
        counts.replace_all(&buckets, now).await.unwrap();
        let catalog = Arc::new(Catalog::embedded().unwrap());
        let normals = Normals::new(counts, DetectorConfig::default(), catalog);
        let model = normals.model(&service, &Dim::All, now).await.unwrap();
        let n = model.normal(now - 600, 600).unwrap();
        assert!((n.expected - 40.0 / 6.0).abs() < 0.5, "{n:?}");
        let again = normals.model(&service, &Dim::All, now + 60).await.unwrap();
        assert!(Arc::ptr_eq(&model, &again), "kept within the hour");
        let next = normals
            .model(&service, &Dim::All, now + HOUR)
            .await
            .unwrap();
        assert!(!Arc::ptr_eq(&model, &next), "learnt again in the next hour");
        let none = normals
            .model(
                &service,
                &Dim::Problem(crate::domain::ProblemKind::Card),
                now,
            )
            .await
            .unwrap();
        assert_eq!(none.normal(now - 600, 600), None);
    }

    #[test]
    fn a_series_follows_its_market_or_its_region() {
        let catalog = Catalog::embedded().unwrap();
        let monzo = catalog.get("monzo");
        assert_eq!(series_zone(monzo, &Dim::All), Tz::Europe__London);
        let problem = Dim::Problem(crate::domain::ProblemKind::Card);
        assert_eq!(series_zone(monzo, &problem), Tz::Europe__London);
        let california = Dim::Region(crate::domain::RegionId::parse("US-CA").unwrap());
        assert_eq!(series_zone(monzo, &california), Tz::America__Los_Angeles);
        assert_eq!(series_zone(None, &Dim::All), Tz::UTC);
    }
}
