package httpx

import (
	"bytes"
	"encoding/json"
	"log/slog"
	"net/http"
)

// M is a JSON object in a response body.
type M = map[string]any

// WriteJSON writes v as JSON with the given status. Non-ASCII text is
// written literally and HTML characters are not escaped, as the contract
// (api.md §0.1) asks.
func WriteJSON(w http.ResponseWriter, status int, v any) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		slog.Error("encode response", "err", err)
		buf.Reset()
		buf.WriteString(`{"status":"error","message":"服务器内部错误"}`)
		status = http.StatusInternalServerError
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
}

// Success writes HTTP 200 with "status":"success" added to fields, which
// carry the payload at the top level or under "data" as the endpoint's
// contract says.
func Success(w http.ResponseWriter, fields M) {
	body := make(M, len(fields)+1)
	for k, v := range fields {
		body[k] = v
	}
	body["status"] = "success"
	WriteJSON(w, http.StatusOK, body)
}

// Data writes {"status":"success","data":data}.
func Data(w http.ResponseWriter, data any) {
	Success(w, M{"data": data})
}

// Message writes {"status":"success","message":msg}.
func Message(w http.ResponseWriter, msg string) {
	Success(w, M{"message": msg})
}
