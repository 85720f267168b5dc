/// A reporter's position, rounded to 2 decimals (about 1 km) before anything stores it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Coordinates {
    lat: f64,
    lon: f64,
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum LocationError {
    #[error("latitude must be a number between -90 and 90")]
    Latitude,
    #[error("longitude must be a number between -180 and 180")]
    Longitude,
    #[error("latitude and longitude must be given together")]
    Incomplete,
}

fn round2(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

impl Coordinates {
    pub fn parse(lat: Option<f64>, lon: Option<f64>) -> Result<Option<Self>, LocationError> {
        match (lat, lon) {
            (None, None) => Ok(None),
            (Some(lat), Some(lon)) => {
                if !(lat.is_finite() && (-90.0..=90.0).contains(&lat)) {
                    return Err(LocationError::Latitude);
                }
                if !(lon.is_finite() && (-180.0..=180.0).contains(&lon)) {
                    return Err(LocationError::Longitude);
                }
                Ok(Some(Self {
                    lat: round2(lat),
                    lon: round2(lon),
                }))
            }
            _ => Err(LocationError::Incomplete),
        }
    }

    pub fn lat(&self) -> f64 {
        self.lat
    }

    pub fn lon(&self) -> f64 {
        self.lon
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn rounds_and_checks_ranges() {
        let c = Coordinates::parse(Some(45.4642), Some(9.1899))
            .unwrap()
            .unwrap();
        assert_eq!((c.lat(), c.lon()), (45.46, 9.19));
        assert_eq!(
            Coordinates::parse(Some(90.1), Some(0.0)),
            Err(LocationError::Latitude)
        );
        assert_eq!(
            Coordinates::parse(Some(0.0), Some(-180.5)),
            Err(LocationError::Longitude)
        );
        assert_eq!(
            Coordinates::parse(Some(f64::NAN), Some(0.0)),
            Err(LocationError::Latitude)
        );
        assert_eq!(
            Coordinates::parse(Some(1.0), None),
            Err(LocationError::Incomplete)
        );
        assert_eq!(Coordinates::parse(None, None), Ok(None));
    }

    proptest! {
        #[test]
        fn stored_points_are_in_range_and_on_the_grid(lat in -90.0f64..=90.0, lon in -180.0f64..=180.0) {
            let c = Coordinates::parse(Some(lat), Some(lon)).unwrap().unwrap();
            prop_assert!((-90.0..=90.0).contains(&c.lat()) && (-180.0..=180.0).contains(&c.lon()));
            prop_assert!((c.lat() - lat).abs() <= 0.005 + 1e-9 && (c.lon() - lon).abs() <= 0.005 + 1e-9);
            prop_assert!(((c.lat() * 100.0).round() - c.lat() * 100.0).abs() < 1e-6);
        }
    }
}
