package explain

import (
	"context"
	"encoding/json"
	"net/http"
	"testing"

	"github.com/aws/aws-lambda-go/events"
	"github.com/awslabs/aws-lambda-go-api-proxy/httpadapter"
)

// TestBehindTheLambdaAdapter sends API Gateway HTTP API (payload 2.0)
// events through the adapter cloudfn uses, over d.Handler(Register) alone.
func TestBehindTheLambdaAdapter(t *testing.T) {
	f := newFixture(t, true)
	h, router := f.env.Deps.Handler(Register)
	if got := router.Patterns(); len(got) != 2 || got[0] != "POST "+path || got[1] != "POST "+aliasURL {
		t.Fatalf("patterns = %v", got)
	}
	adapter := httpadapter.NewV2(h)
	event := func(p, body string) events.APIGatewayV2HTTPRequest {
		return events.APIGatewayV2HTTPRequest{
			Version:  "2.0",
			RouteKey: "POST " + p,
			RawPath:  p,
			Headers: map[string]string{
				"content-type":  "application/json",
				"authorization": "Bearer " + f.env.Token(f.admin),
			},
			Body: body,
			RequestContext: events.APIGatewayV2HTTPRequestContext{
				HTTP: events.APIGatewayV2HTTPRequestContextHTTPDescription{
					Method: http.MethodPost, Path: p, Protocol: "HTTP/1.1", SourceIP: "203.0.113.9",
				},
			},
		}
	}
	cases := []struct {
		path, body string
		status     int
		check      func(map[string]any) bool
	}{
		{path, `{"content":"1+1=?","answer":"2"}`, 200, func(b map[string]any) bool {
			d, _ := b["data"].(map[string]any)
			return b["status"] == "success" && d["provider"] == "dashscope" && d["model"] == "qwen-max"
		}},
		{aliasURL, `{}`, 400, func(b map[string]any) bool { return b["message"] == msgMissingQuestion }},
	}
	for _, tc := range cases {
		resp, err := adapter.ProxyWithContext(context.Background(), event(tc.path, tc.body))
		if err != nil {
			t.Fatal(err)
		}
		var body map[string]any
		if err := json.Unmarshal([]byte(resp.Body), &body); err != nil {
			t.Fatalf("%s: body %q: %v", tc.path, resp.Body, err)
		}
		if resp.StatusCode != tc.status || !tc.check(body) {
			t.Errorf("%s: %d %s", tc.path, resp.StatusCode, resp.Body)
		}
	}
	if f.chat.Calls() != 1 {
		t.Errorf("provider calls = %d, want 1", f.chat.Calls())
	}
}
