-- Core schema of Quiz Bank, following the original's tables
-- (../shared/spec/data-model.md) with the columns its code writes but never
-- created, and the compatibility notes applied. Timestamps are TEXT in UTC
-- ('YYYY-MM-DD HH:MM:SS') so that every driver returns them as strings.

CREATE TABLE users (
    id                    INTEGER PRIMARY KEY AUTOINCREMENT,
    username              TEXT NOT NULL UNIQUE,
    password_hash         TEXT,                       -- NULL: no password (WeChat / e-mail accounts)
    is_admin              INTEGER NOT NULL DEFAULT 0,
    is_locked             INTEGER NOT NULL DEFAULT 0,
    session_version       INTEGER NOT NULL DEFAULT 0,
    avatar                TEXT,
    contact               TEXT,
    college               TEXT,
    last_active           TEXT,
    is_subject_admin      INTEGER NOT NULL DEFAULT 0,
    is_notification_admin INTEGER NOT NULL DEFAULT 0,
    created_at            TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP,
    email                 TEXT,
    email_verified        INTEGER NOT NULL DEFAULT 0,
    email_verified_at     TEXT,
    has_password_set      INTEGER NOT NULL DEFAULT 0,
    openid                TEXT
);
CREATE UNIQUE INDEX idx_users_email_unique ON users(email) WHERE email IS NOT NULL;
CREATE UNIQUE INDEX idx_users_openid ON users(openid) WHERE openid IS NOT NULL;
CREATE TABLE email_verification_codes (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    email           TEXT NOT NULL,
    code            TEXT NOT NULL,                    -- SHA-256 of the code, hex
    code_type       TEXT NOT NULL CHECK (code_type IN ('bind', 'login', 'reset_password')),
    user_id         INTEGER REFERENCES users(id) ON DELETE CASCADE,
    is_used         INTEGER NOT NULL DEFAULT 0,
    failed_attempts INTEGER NOT NULL DEFAULT 0,
    expires_at      TEXT NOT NULL,
    created_at      TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP,
    used_at         TEXT
);
CREATE INDEX idx_email_codes_email ON email_verification_codes(email, code_type, is_used);
CREATE INDEX idx_email_codes_expires ON email_verification_codes(expires_at);
CREATE INDEX idx_email_codes_user ON email_verification_codes(user_id);

-- Server-side records of the scan-login, WeChat bind and temp-token flows
-- (data-model.md §3 compatibility note): not tied to a user row.
CREATE TABLE auth_ephemeral (
    key        TEXT PRIMARY KEY,
    kind       TEXT NOT NULL,
    data       TEXT NOT NULL,
    expires_at INTEGER NOT NULL,                      -- ms since epoch
    created_at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP
);
CREATE INDEX idx_auth_ephemeral_expires ON auth_ephemeral(expires_at);

CREATE TABLE subjects (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    name        TEXT NOT NULL UNIQUE,
    description TEXT,
    is_locked   INTEGER NOT NULL DEFAULT 0,
    created_at  TEXT DEFAULT CURRENT_TIMESTAMP
);

CREATE TABLE questions (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    subject_id  INTEGER REFERENCES subjects(id) ON DELETE SET NULL,
    content     TEXT NOT NULL,
    q_type      TEXT NOT NULL,
    options     TEXT NOT NULL DEFAULT '[]',
    answer      TEXT NOT NULL DEFAULT '',
    explanation TEXT NOT NULL DEFAULT '',
    difficulty  INTEGER NOT NULL DEFAULT 1,
    image_path  TEXT,
    created_at  TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP,
    tags        TEXT NOT NULL DEFAULT '',
    created_by  INTEGER REFERENCES users(id) ON DELETE SET NULL,
    updated_at  TEXT,
    updated_by  INTEGER REFERENCES users(id) ON DELETE SET NULL
);
CREATE INDEX idx_questions_subject ON questions(subject_id);
CREATE INDEX idx_questions_type ON questions(q_type);
CREATE INDEX idx_questions_subject_type ON questions(subject_id, q_type);

CREATE TABLE favorites (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id     INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    question_id INTEGER NOT NULL REFERENCES questions(id) ON DELETE CASCADE,
    created_at  TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP,
    UNIQUE (user_id, question_id)
);
CREATE INDEX idx_favorites_question ON favorites(question_id);

CREATE TABLE mistakes (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id     INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    question_id INTEGER NOT NULL REFERENCES questions(id) ON DELETE CASCADE,
    created_at  TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP,
    wrong_count INTEGER NOT NULL DEFAULT 1,
    updated_at  TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP,
    UNIQUE (user_id, question_id)
);
CREATE INDEX idx_mistakes_question ON mistakes(question_id);

CREATE TABLE user_answers (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id     INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    question_id INTEGER NOT NULL REFERENCES questions(id) ON DELETE CASCADE,
    user_answer TEXT,
    is_correct  INTEGER,
    created_at  TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP,
    UNIQUE (user_id, question_id)
);
CREATE INDEX idx_user_answers_user ON user_answers(user_id, created_at);
CREATE INDEX idx_user_answers_question ON user_answers(question_id);

CREATE TABLE user_progress (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id    INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    p_key      TEXT NOT NULL,
    data       TEXT NOT NULL,
    updated_at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP,
    created_at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP,
    UNIQUE (user_id, p_key)
);

CREATE TABLE exams (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id          INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    subject          TEXT,
    duration_minutes INTEGER NOT NULL,
    config_json      TEXT,
    total_score      REAL NOT NULL DEFAULT 0,
    status           TEXT NOT NULL DEFAULT 'ongoing',
    started_at       TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP,
    submitted_at     TEXT,
    is_late          INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX idx_exams_user_status ON exams(user_id, status);
CREATE INDEX idx_exams_submitted ON exams(submitted_at);

CREATE TABLE exam_questions (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    exam_id     INTEGER NOT NULL REFERENCES exams(id) ON DELETE CASCADE,
    question_id INTEGER NOT NULL,
    source      TEXT NOT NULL DEFAULT 'public',
    order_index INTEGER NOT NULL,
    score_val   REAL NOT NULL DEFAULT 1,
    user_answer TEXT,
    is_correct  INTEGER,
    answered_at TEXT,
    UNIQUE (exam_id, question_id)
);
CREATE INDEX idx_exam_questions_question ON exam_questions(question_id);

CREATE TABLE user_quiz_stats (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id        INTEGER NOT NULL UNIQUE REFERENCES users(id) ON DELETE CASCADE,
    total_answered INTEGER NOT NULL DEFAULT 0,
    last_reset_at  TEXT,
    updated_at     TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP
);

CREATE TABLE system_config (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    config_key   TEXT NOT NULL UNIQUE,
    config_value TEXT NOT NULL,
    description  TEXT,
    updated_at   TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP,
    updated_by   INTEGER REFERENCES users(id) ON DELETE SET NULL
);
INSERT INTO system_config (config_key, config_value, description) VALUES
    ('quiz_limit_enabled', '0', '是否启用答题次数限制'),
    ('quiz_limit_count', '100', '答题次数上限');

CREATE TABLE user_subjects (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id       INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    subject_id    INTEGER NOT NULL REFERENCES subjects(id) ON DELETE CASCADE,
    restricted_at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP,
    restricted_by INTEGER REFERENCES users(id) ON DELETE SET NULL,
    UNIQUE (user_id, subject_id)
);
CREATE INDEX idx_user_subjects_subject_id ON user_subjects(subject_id);

CREATE TABLE duplicate_check_records (
    id                   INTEGER PRIMARY KEY AUTOINCREMENT,
    subject_id           INTEGER NOT NULL REFERENCES subjects(id) ON DELETE CASCADE,
    total_pairs          INTEGER NOT NULL DEFAULT 0,
    duplicates_json      TEXT NOT NULL,
    similarity_threshold REAL NOT NULL DEFAULT 0.8,
    created_by           INTEGER REFERENCES users(id) ON DELETE SET NULL,
    created_at           TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP
);
CREATE INDEX idx_duplicate_check_subject ON duplicate_check_records(subject_id, created_at DESC);
