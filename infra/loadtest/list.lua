-- GET one page of 20 questions from a 500-question subject, as the
-- mini-program does. TOKEN (a Bearer JWT) comes from the environment.
local subject = os.getenv("SUBJECT") or "%E7%A7%91%E7%9B%AE07" -- 科目07
wrk.method = "GET"
wrk.path = "/api/quiz/questions?subject=" .. subject .. "&page=3&per_page=20"
wrk.headers["Authorization"] = "Bearer " .. (os.getenv("TOKEN") or "")
