-- The explain group's tables: answers of the AI provider kept per stored
-- question and exact prompt, and the daily call counters that cap cost
-- across every process and Lambda instance.

CREATE TABLE ai_explain_cache (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    question_id    INTEGER NOT NULL REFERENCES questions(id) ON DELETE CASCADE,
    model          TEXT NOT NULL,
    prompt_version TEXT NOT NULL,
    prompt_hash    TEXT NOT NULL,                     -- SHA-256 of version, system and user message
    explain        TEXT NOT NULL,
    total_tokens   INTEGER NOT NULL DEFAULT 0,
    created_at     TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP,
    UNIQUE (question_id, model, prompt_hash)
);

CREATE TABLE ai_usage_daily (
    day   TEXT NOT NULL,                              -- YYYY-MM-DD in the configured TIMEZONE
    scope TEXT NOT NULL,                              -- 'total' or 'user:<id>'
    calls INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (day, scope)
);
