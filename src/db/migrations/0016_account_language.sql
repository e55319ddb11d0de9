-- The language a user chose for the app and the API's words (docs/i18n.md): one of the six UN
-- languages, or NULL to follow the browser's (Accept-Language).
ALTER TABLE account ADD COLUMN language TEXT
    CHECK (language IS NULL OR language IN ('en', 'fr', 'ar', 'zh', 'ru', 'es'));
