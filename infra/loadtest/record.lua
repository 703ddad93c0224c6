-- POST record_result for a different question on every request, one in
-- three answers correct, like a student working through a bank.
local token = "Bearer " .. (os.getenv("TOKEN") or "")
local n = 0
request = function()
  n = n + 1
  local body = string.format('{"question_id":%d,"is_correct":%s}', 1 + (n * 7919) % 10000,
    (n % 3 == 0) and "true" or "false")
  return wrk.format("POST", "/api/quiz/record_result",
    {["Content-Type"] = "application/json", ["Authorization"] = token}, body)
end
