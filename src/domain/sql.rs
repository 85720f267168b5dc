//! The domain types as SQL values: stored as text, and parsed again when read, so a row that does not
//! hold a valid value fails to decode instead of entering the program as an unchecked string.
//! Writers bind the text (`as_str()`, `code()`); readers decode the type.

use super::{ProblemKind, RegionId, ServiceSlug};
use sqlx::error::BoxDynError;
use sqlx::{Database, Decode, Type};

macro_rules! stored_as_text {
    ($ty:ty, $parse:path) => {
        impl<DB: Database> Type<DB> for $ty
        where
            str: Type<DB>,
        {
            fn type_info() -> DB::TypeInfo {
                <str as Type<DB>>::type_info()
            }

            fn compatible(ty: &DB::TypeInfo) -> bool {
                <str as Type<DB>>::compatible(ty)
            }
        }

        impl<'r, DB: Database> Decode<'r, DB> for $ty
        where
            &'r str: Decode<'r, DB>,
        {
            fn decode(value: DB::ValueRef<'r>) -> Result<Self, BoxDynError> {
                let text = <&'r str as Decode<'r, DB>>::decode(value)?;
                Ok($parse(text)?)
            }
        }

        impl std::str::FromStr for $ty {
            type Err = BoxDynError;

            fn from_str(text: &str) -> Result<Self, Self::Err> {
                Ok($parse(text)?)
            }
        }
    };
}

stored_as_text!(ServiceSlug, ServiceSlug::parse);
stored_as_text!(RegionId, RegionId::parse);
stored_as_text!(ProblemKind, ProblemKind::parse);
