-- wrk: POST one valid Survey per request to a fresh random group, with the accessToken from the environment.
-- usage: TOKEN=... wrk -s bench/wrk-post-survey.lua http://127.0.0.1:PORT
local token = os.getenv("TOKEN")
local body = '{"actionType":"Survey","actionBody":{"title":"Q3 safety check: Pune Store 1","dueDate":24,' ..
  '"isAnonymous":false,"isSenderOnly":false,"acceptMultipleResponses":false,"questions":[' ..
  '{"title":"Is the fire exit at Pune Store 1 clear?","type":"SingleOption","options":[{"title":"Yes"},{"title":"No"}]},' ..
  '{"title":"How many staff in APAC were trained this quarter?","type":"Numeric"},' ..
  '{"title":"Confirm the contacts: +919812345678, +919798765432","type":"MultiOption","options":[{"title":"All correct"},{"title":"Some changed"}]},' ..
  '{"title":"Anything else Facilities team should know?","type":"Text"}]}}'
local headers = { ["Content-Type"] = "application/json", ["accessToken"] = token, ["applicationId"] = "bench" }
math.randomseed(1)
request = function()
  local group = string.format("%08x-%04x-4%03x-8%03x-%012x", math.random(0, 0x7fffffff), math.random(0, 0xffff),
    math.random(0, 0xfff), math.random(0, 0xfff), math.random(0, 0x7fffffff))
  return wrk.format("POST", "/v1/groups/" .. group .. "/actions", headers, body)
end
-- wrk itself reports any answer that is not 2xx/3xx ("Non-2xx or 3xx responses"); the script fails on it.
