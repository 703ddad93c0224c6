-- A few rows of every table the migration copies, including the awkward
-- ones: Werkzeug hashes, empty-string e-mails, local-time microsecond
-- timestamps, dangling references, duplicate answers, login records.
-- Passwords: admin = OldFlask123 (pbkdf2), scrypt_user = Scrypt-pass-9.
INSERT INTO users (id, username, password_hash, is_admin, email, email_verified, email_verified_at, has_password_set, created_at)
VALUES (1, 'admin', 'pbkdf2:sha256:600000$Xq3vT9sLmR2aPz7K$99c8e8a5da31b132d7fee9f174bcd62581780d76a2a08d14d89b16ee9eac093c', 1, 'admin@example.com', 1, '2024-03-01 20:15:30.123456', 1, '2024-01-05 08:00:00');
INSERT INTO users (id, username, password_hash, openid, avatar, has_password_set, email, created_at)
VALUES (2, '微信用户_abc123', '', 'oWx-abc123', 'https://thirdwx.qlogo.cn/a.png', 0, '', '2024-02-01 09:00:00');
INSERT INTO users (id, username, password_hash, has_password_set, created_at)
VALUES (3, 'scrypt_user', 'scrypt:32768:8:1$kT4mW8nQ2vB6xZ1c$2d186fe80dd27d5bf5a09921c0c9d7d71a75453f747a229dab0f988d029d36f58d221bb153cdde14b44d54d6debf0c0638aab2d7ed1f15e755533257d3ba3529', NULL, '2024-02-02 10:00:00');
INSERT INTO users (id, username, password_hash, is_locked, is_subject_admin, session_version, contact, college, email, last_active, created_at)
VALUES (4, '学生小王', 'pbkdf2:sha256:600000$abc$00ff', 1, 1, 3, 'QQ 12345', '计算机学院', NULL, '2024-05-02 03:04:05.654321', NULL);

INSERT INTO subjects (id, name, description, is_locked, created_at) VALUES (1, '计算机网络', '网络基础', 0, '2024-01-06 00:00:00');
INSERT INTO subjects (id, name, is_locked, created_at) VALUES (2, '操作系统', 1, '2024-01-07 00:00:00');
INSERT INTO subjects (id, name, created_at) VALUES (3, '空科目', NULL);

INSERT INTO questions (id, subject_id, content, q_type, options, answer, explanation, difficulty, image_path, tags, created_by, created_at)
VALUES (1, 1, 'HTTP 基于哪个传输层协议？', '选择题', '["A. UDP","B. FTP","C. TCP"]', 'C', '面向连接', 2, 'question_images/1712345678_4821_fig.png', 'network,protocol', 1, '2024-01-10 00:00:00');
INSERT INTO questions (id, subject_id, content, q_type, options, answer, explanation, image_path, created_by, updated_at)
VALUES (2, 1, '哪些是应用层协议？', '多选题', '[{"key":"A","value":"DNS"},{"key":"B","value":"SMTP"},{"key":"C","value":"IP"}]', 'AB', '', '["question_images/a.png","question_images/b.png"]', 1, '2024-04-01 12:00:00.500000');
INSERT INTO questions (id, subject_id, content, q_type, options, answer, image_path)
VALUES (3, 2, '进程是资源分配的基本单位。', '判断题', '[]', '正确', NULL);
INSERT INTO questions (id, subject_id, content, q_type, options, answer, explanation)
VALUES (4, 2, '中国的首都是__，最大城市是__。', '填空题', NULL, '北京;北平;;上海', NULL);
INSERT INTO questions (id, subject_id, content, q_type, answer, image_path, created_by, difficulty)
VALUES (5, NULL, '简述三次握手。', '问答题', 'SYN, SYN-ACK, ACK', '', 99, NULL);
INSERT INTO questions (id, subject_id, content, q_type, options, answer)
VALUES (6, 7, '计算 1+1。', '计算题', '[]', '2');

INSERT INTO favorites (id, user_id, question_id, created_at) VALUES (1, 1, 1, '2024-05-01 00:00:00');
INSERT INTO favorites (id, user_id, question_id, created_at) VALUES (2, 4, 3, '2024-05-01 00:01:00');
INSERT INTO favorites (id, user_id, question_id, created_at) VALUES (3, 4, 99, '2024-05-01 00:02:00');

INSERT INTO mistakes (id, user_id, question_id, created_at, wrong_count, updated_at) VALUES (1, 4, 4, '2024-04-20 00:00:00', 3, '2024-05-01 10:00:00');
INSERT INTO mistakes (id, user_id, question_id, created_at) VALUES (2, 1, 2, '2024-04-21 00:00:00');

INSERT INTO user_answers (id, user_id, question_id, user_answer, is_correct, created_at) VALUES (1, 4, 1, NULL, 0, '2024-04-01 00:00:00');
INSERT INTO user_answers (id, user_id, question_id, user_answer, is_correct, created_at) VALUES (2, 4, 1, NULL, 1, '2024-04-02 00:00:00');
INSERT INTO user_answers (id, user_id, question_id, user_answer, is_correct, created_at) VALUES (3, 1, 3, NULL, 1, '2024-04-03 00:00:00');

INSERT INTO user_progress (id, user_id, p_key, data, updated_at) VALUES (1, 1, 'web_login_session:s1', '{"sid":"s1","user_id":4}', '2024-05-01 00:00:00');
INSERT INTO user_progress (id, user_id, p_key, data, updated_at) VALUES (2, 1, 'wechat_temp_token:t1', '{"token":"t1","openid":"o1"}', '2024-05-01 00:00:00');
INSERT INTO user_progress (id, user_id, p_key, data, updated_at) VALUES (3, 4, 'question_tags_v1', '{"version":1,"tags":["难","  复习   重点 "],"bindings":{"4":["难","复习 重点"],"99":["难"]}}', '2024-05-01 00:00:00');
INSERT INTO user_progress (id, user_id, p_key, data, updated_at, created_at) VALUES (4, 4, 'quiz_progress_4_practice_计算机网络_all_all_q0_o0', '{"order":[1,2,6],"index":1}', '2024-05-02 00:00:00', '2024-05-01 00:00:00');
INSERT INTO user_progress (id, user_id, p_key, data, updated_at) VALUES (5, 4, 'user_profile_extra_v1', '{"signature":"好好学习"}', '2024-05-03 00:00:00');

INSERT INTO exams (id, user_id, subject, duration_minutes, config_json, total_score, status, started_at, submitted_at)
VALUES (1, 4, '计算机网络', 60, '{"subject":"计算机网络","duration":60,"types":{"选择题":1,"计算题":1},"scores":{"选择题":2,"计算题":2},"source":"public"}', 2, 'submitted', '2024-05-01 02:00:00', '2024-05-01 02:30:00');
INSERT INTO exams (id, user_id, subject, duration_minutes, config_json, total_score, status, started_at)
VALUES (2, 4, '我的题库', 30, '{"subject":"我的题库","duration":30,"types":{"选择题":1},"scores":{"选择题":1},"source":"user_bank","bank_id":7}', NULL, NULL, '2024-05-03 02:00:00');
INSERT INTO exams (id, user_id, subject, duration_minutes, started_at) VALUES (3, 99, 'all', 10, '2024-05-04 00:00:00');

INSERT INTO exam_questions (id, exam_id, question_id, order_index, score_val, user_answer, is_correct, answered_at) VALUES (1, 1, 1, 0, 2, 'C', 1, '2024-05-01 02:30:00');
INSERT INTO exam_questions (id, exam_id, question_id, order_index, score_val, user_answer, is_correct, answered_at) VALUES (2, 1, 6, 1, 2, '3', 0, '2024-05-01 02:30:00');
INSERT INTO exam_questions (id, exam_id, question_id, order_index, score_val) VALUES (3, 2, 501, 0, NULL);
INSERT INTO exam_questions (id, exam_id, question_id, order_index) VALUES (4, 3, 1, 0);

UPDATE system_config SET config_value = '50', updated_by = 1 WHERE config_key = 'quiz_limit_count';
INSERT INTO system_config (config_key, config_value, description, updated_by) VALUES ('mail_server', 'smtp.qq.com', 'SMTP服务器', 1);
INSERT INTO system_config (config_key, config_value, description, updated_by) VALUES ('mail_enabled', 'true', '', 1);
INSERT INTO system_config (config_key, config_value, description, updated_by) VALUES ('mail_password', 'smtp-secret-xyz', 'SMTP密码', 1);

INSERT INTO user_subjects (id, user_id, subject_id, restricted_at, restricted_by) VALUES (1, 4, 2, '2024-05-05 00:00:00', 1);
INSERT INTO user_subjects (id, user_id, subject_id, restricted_by) VALUES (2, 99, 1, 1);

INSERT INTO user_quiz_stats (id, user_id, total_answered, last_reset_at, updated_at) VALUES (1, 4, 37, '2024-04-30 09:00:00.250000', '2024-05-01 00:00:00');
INSERT INTO user_quiz_stats (id, user_id, total_answered) VALUES (2, 99, 5);
