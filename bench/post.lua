-- wrk script: POST the file named by $BODY_FILE as JSON (with $AUTHORIZATION, if set).
local file = assert(io.open(os.getenv("BODY_FILE"), "rb"))
wrk.method = "POST"
wrk.body = file:read("*a")
wrk.headers["Content-Type"] = "application/json"
-- Credentials, when the benchmark sets them (both servers check them).
local authorization = os.getenv("AUTHORIZATION")
if authorization then wrk.headers["Authorization"] = authorization end
file:close()
