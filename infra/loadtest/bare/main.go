// Command bare is the load test's yardstick: a plain net/http server that
// answers every request with the same 6 KB JSON page, so the quiz
// server's figures can be read against what this machine's HTTP stack
// does with no work at all.
package main

import (
	"flag"
	"fmt"
	"log"
	"net/http"
	"strconv"
	"strings"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:18081", "listen address")
	flag.Parse()
	body := page(6 << 10)
	length := strconv.Itoa(len(body))
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		w.Header().Set("Content-Length", length)
		_, _ = w.Write(body)
	})
	log.Fatal(http.ListenAndServe(*addr, h))
}

// page builds a question-list-like JSON body of about size bytes.
func page(size int) []byte {
	var b strings.Builder
	b.WriteString(`{"data":{"page":1,"per_page":20,"questions":[`)
	for i := 0; b.Len() < size-64; i++ {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `{"id":%d,"content":"第 %d 题：题干文字","q_type":"选择题","options":[{"key":"A","value":"一"},{"key":"B","value":"二"}],"answer":"A","is_fav":0,"is_mistake":0}`, i+1, i+1)
	}
	b.WriteString(`],"total":500},"status":"success"}`)
	return []byte(b.String())
}
