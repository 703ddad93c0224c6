-- Quiz group: private tags in their own tables (not in user_progress),
-- the content version the question cache checks, and the indexes the
-- hot paths need (list by subject, exam pages, exam lists).

CREATE TABLE user_tags (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id    INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    name       TEXT NOT NULL,
    created_at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP,
    UNIQUE (user_id, name)
);

CREATE TABLE user_question_tags (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id     INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    tag_id      INTEGER NOT NULL REFERENCES user_tags(id) ON DELETE CASCADE,
    question_id INTEGER NOT NULL REFERENCES questions(id) ON DELETE CASCADE,
    created_at  TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP,
    UNIQUE (tag_id, question_id)
);
CREATE INDEX idx_user_question_tags_user_question ON user_question_tags(user_id, question_id);
CREATE INDEX idx_user_question_tags_question ON user_question_tags(question_id);

-- One row; admin writes to subjects or questions bump it so every
-- process drops its cached question pages.
CREATE TABLE quiz_content_version (
    id      INTEGER PRIMARY KEY CHECK (id = 1),
    version INTEGER NOT NULL DEFAULT 0
);
INSERT INTO quiz_content_version (id, version) VALUES (1, 0);

CREATE INDEX idx_exams_user_id ON exams(user_id, id);
CREATE INDEX idx_exam_questions_exam_order ON exam_questions(exam_id, order_index);
