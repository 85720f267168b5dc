use super::{Db, StoreError, on_pool};
use sqlx::Row;

impl Db {
    /// The salt of a UTC day, shared by every app node: the first node to ask stores `candidate`,
    /// everyone then reads the stored one. Salts older than yesterday are deleted on the way.
    pub async fn day_salt(&self, day: i64, candidate: &[u8]) -> Result<Vec<u8>, StoreError> {
        on_pool!(self, p => {
            sqlx::query("INSERT INTO reporter_salts (day, salt) VALUES ($1, $2) ON CONFLICT (day) DO NOTHING")
                .bind(day)
                .bind(candidate)
                .execute(p)
                .await?;
            sqlx::query("DELETE FROM reporter_salts WHERE day < $1")
                .bind(day - 1)
                .execute(p)
                .await?;
            let row = sqlx::query("SELECT salt FROM reporter_salts WHERE day = $1")
                .bind(day)
                .fetch_one(p)
                .await?;
            Ok(row.try_get::<Vec<u8>, _>("salt")?)
        })
    }
}
