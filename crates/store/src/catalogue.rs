//! Each backend's model catalogue as its provider last listed it, with the time read; a failed
//! refresh keeps the last good list and records why it failed.

use crate::tables::CatalogueTable;
#[cfg(test)]
use crate::Store;

use crate::StoreError;
use rusqlite::params;
use switchyard_domain::catalogue::ListedModel;

/// A backend's cached model list.
#[derive(Debug, Clone, PartialEq)]
pub struct CatalogueRow {
    pub backend_id: String,
    pub models: Vec<ListedModel>,
    /// When `models` was read (Unix ms); `None` if no fetch ever succeeded.
    pub fetched_at_ms: Option<i64>,
    /// The last attempt, good or not (Unix ms).
    pub tried_at_ms: i64,
    /// Why the last attempt failed; `None` after a good one.
    pub error: Option<String>,
}

impl CatalogueTable {
    /// Keeps a fresh list (clearing any earlier error).
    pub fn save_catalogue(
        &self,
        backend_id: &str,
        models: &[ListedModel],
        at_ms: i64,
    ) -> Result<(), StoreError> {
        let json = serde_json::to_string(models).map_err(|e| StoreError::Corrupt(e.to_string()))?;
        self.db.with(|c| {
            c.execute(
                "INSERT INTO model_catalogue (backend_id, models, fetched_at_ms, tried_at_ms, error)
                 VALUES (?1, ?2, ?3, ?3, NULL)
                 ON CONFLICT (backend_id) DO UPDATE SET models = excluded.models,
                   fetched_at_ms = excluded.fetched_at_ms, tried_at_ms = excluded.tried_at_ms,
                   error = NULL",
                params![backend_id, json, at_ms],
            )?;
            Ok(())
        })
    }

    /// Records a failed refresh; the last good list stays.
    pub fn save_catalogue_error(
        &self,
        backend_id: &str,
        error: &str,
        at_ms: i64,
    ) -> Result<(), StoreError> {
        self.db.with(|c| {
            c.execute(
                "INSERT INTO model_catalogue (backend_id, models, fetched_at_ms, tried_at_ms, error)
                 VALUES (?1, '[]', NULL, ?2, ?3)
                 ON CONFLICT (backend_id) DO UPDATE SET tried_at_ms = excluded.tried_at_ms,
                   error = excluded.error",
                params![backend_id, at_ms, error],
            )?;
            Ok(())
        })
    }

    /// A backend's catalogue, if one was ever tried.
    pub fn catalogue(&self, backend_id: &str) -> Result<Option<CatalogueRow>, StoreError> {
        Ok(self
            .catalogues_where("WHERE backend_id = ?1", params![backend_id])?
            .pop())
    }

    /// Every backend's catalogue.
    pub fn catalogues(&self) -> Result<Vec<CatalogueRow>, StoreError> {
        self.catalogues_where("", params![])
    }

    fn catalogues_where(
        &self,
        filter: &str,
        args: &[&dyn rusqlite::ToSql],
    ) -> Result<Vec<CatalogueRow>, StoreError> {
        self.db.with(|c| {
            let sql = format!(
                "SELECT backend_id, models, fetched_at_ms, tried_at_ms, error FROM model_catalogue {filter}"
            );
            let mut s = c.prepare(&sql)?;
            let rows = s.query_map(args, |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, Option<i64>>(2)?,
                    r.get::<_, i64>(3)?,
                    r.get::<_, Option<String>>(4)?,
                ))
            })?;
            let mut out = Vec::new();
            for row in rows {
                let (backend_id, models, fetched_at_ms, tried_at_ms, error) = row?;
                let models = serde_json::from_str(&models)
                    .map_err(|e| StoreError::Corrupt(format!("model catalogue of {backend_id}: {e}")))?;
                out.push(CatalogueRow {
                    backend_id,
                    models,
                    fetched_at_ms,
                    tried_at_ms,
                    error,
                });
            }
            Ok(out)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use switchyard_domain::{BackendDraft, BackendKind};

    fn model(id: &str) -> ListedModel {
        ListedModel {
            id: id.into(),
            name: None,
            context_tokens: Some(8192),
            output_tokens: None,
            listed_price: None,
        }
    }

    #[test]
    fn a_failed_refresh_keeps_the_last_good_list_and_a_delete_takes_it_away() {
        let s = Store::open_in_memory().unwrap();
        let draft = BackendDraft {
            name: "A".into(),
            kind: BackendKind::OpenAi,
            base_url: "https://api.openai.com/v1".into(),
            default_model: "gpt-4.1-mini".into(),
        };
        s.backends().insert_backend("a", &draft, true).unwrap();
        assert_eq!(s.catalogue().catalogue("a").unwrap(), None);
        s.catalogue()
            .save_catalogue_error("a", "HTTP 500", 5)
            .unwrap();
        let row = s.catalogue().catalogue("a").unwrap().unwrap();
        assert_eq!(
            (row.models.len(), row.fetched_at_ms, row.tried_at_ms),
            (0, None, 5)
        );
        s.catalogue()
            .save_catalogue("a", &[model("m1"), model("m2")], 10)
            .unwrap();
        s.catalogue()
            .save_catalogue_error("a", "HTTP 503", 20)
            .unwrap();
        let row = s.catalogue().catalogue("a").unwrap().unwrap();
        assert_eq!(row.models, [model("m1"), model("m2")]);
        assert_eq!((row.fetched_at_ms, row.tried_at_ms), (Some(10), 20));
        assert_eq!(row.error.as_deref(), Some("HTTP 503"));
        s.catalogue()
            .save_catalogue("a", &[model("m3")], 30)
            .unwrap();
        assert_eq!(s.catalogue().catalogues().unwrap()[0].error, None);
        s.backends().delete_backend("a").unwrap();
        assert!(s.catalogue().catalogues().unwrap().is_empty());
    }
}
