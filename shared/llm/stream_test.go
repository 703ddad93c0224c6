package llm_test

import (
	"context"
	"errors"
	"net/http"
	"testing"

	"quizbank/shared/llm"
	"quizbank/shared/testkit"
)

func TestStreamPieces(t *testing.T) {
	srv := testkit.NewChatServer(t, "")
	srv.Handle(func(w http.ResponseWriter, r *http.Request) {
		testkit.WriteCompletionStream(w, "qwen-plus", "\n\n", "你", "好", "!  ")
	})
	var pieces []string
	r, started, err := llm.NewClient(nil).Stream(context.Background(), settings(srv.BaseURL),
		llm.Prompt{System: "s", User: "u"}, func(d string) error { pieces = append(pieces, d); return nil })
	if err != nil || !started {
		t.Fatalf("err = %v, started = %v", err, started)
	}
	if len(pieces) != 3 || pieces[0] != "你" || pieces[1] != "好" {
		t.Errorf("pieces = %q (leading blank lines are not sent)", pieces)
	}
	if r.Text != "你好!" || r.Model != "qwen-plus" {
		t.Errorf("reply = %+v", r)
	}
	if body := srv.Requests()[0].Body; body["stream"] != true || body["temperature"] != 0.2 {
		t.Errorf("request = %v", body)
	}
}

func TestStreamFailures(t *testing.T) {
	cases := []struct {
		name    string
		handler http.HandlerFunc
		kind    llm.Kind
		started bool
	}{
		{"401 before any piece", func(w http.ResponseWriter, r *http.Request) {
			testkit.WriteProviderError(w, 401, "invalid_api_key", "Incorrect API key provided")
		}, llm.Unauthorized, false},
		{"nothing but blanks", func(w http.ResponseWriter, r *http.Request) {
			testkit.WriteCompletionStream(w, "qwen-plus", " ", "\n")
		}, llm.Empty, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			srv := testkit.NewChatServer(t, "")
			srv.Handle(tc.handler)
			_, started, err := llm.NewClient(nil).Stream(context.Background(), settings(srv.BaseURL),
				llm.Prompt{System: "s", User: "u"}, func(string) error { return nil })
			var e *llm.Error
			if !errors.As(err, &e) || e.Kind != tc.kind || started != tc.started {
				t.Errorf("err = %v, started = %v; want %s, %v", err, started, tc.kind, tc.started)
			}
		})
	}
}

func TestStreamStopsWhenTheReaderFails(t *testing.T) {
	srv := testkit.NewChatServer(t, "")
	srv.Handle(func(w http.ResponseWriter, r *http.Request) {
		testkit.WriteCompletionStream(w, "qwen-plus", "一", "二", "三")
	})
	gone := errors.New("client gone")
	n := 0
	_, started, err := llm.NewClient(nil).Stream(context.Background(), settings(srv.BaseURL),
		llm.Prompt{System: "s", User: "u"}, func(string) error { n++; return gone })
	if !errors.Is(err, gone) || !started || n != 1 {
		t.Errorf("err = %v, started = %v, calls = %d", err, started, n)
	}
}
