-- Rollup and key rows are updated in place at every ingest: leave room on each page so that the
-- updates stay HOT (heap-only, no index write). Storage parameter only: no rewrite, applies to pages
-- written from now on.
ALTER TABLE daily_spend SET (fillfactor = 70);
ALTER TABLE daily_dim_spend SET (fillfactor = 70);
ALTER TABLE daily_tag_spend SET (fillfactor = 70);
ALTER TABLE virtual_keys SET (fillfactor = 70);
