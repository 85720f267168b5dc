//! The normal of each series ([`detect::NormalModel`]), learnt from the counter store's hourly
//! buckets and kept until the hour turns (it changes only when an hour closes). The monitor and the
//! pages each hold one of these over the same counters and settings, so they read the same numbers;
//! nothing of it is stored.

use crate::counts::buckets::HOUR;
use crate::counts::{CountError, CountStore, Counts, Dim, Resolution, from_first_report};
use crate::detect::{DetectorConfig, NormalModel};
use crate::domain::ServiceSlug;
use parking_lot::Mutex;
use std::collections::HashMap;
use std::sync::Arc;

/// Normals of series, computed on demand and kept for the hour.
#[derive(Clone)]
pub struct Normals {
    counts: Counts,
    config: DetectorConfig,
    kept: Arc<Mutex<HashMap<(ServiceSlug, Dim), Kept>>>,
}

struct Kept {
    /// Start of the hour the model was learnt in.
    hour: i64,
    model: Arc<NormalModel>,
}

impl Normals {
    /// Normals of the series in `counts`, learnt with the detector's settings `config`.
    pub fn new(counts: Counts, config: DetectorConfig) -> Self {
        Self {
            counts,
            config,
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
        let model = Arc::new(NormalModel::from_hourly(&hours, now, self.config));
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

#[cfg(test)]
mod tests {
    use super::*;
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
        let normals = Normals::new(counts, DetectorConfig::default());
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
}
