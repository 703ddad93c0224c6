package llm

import (
	"context"
	"strings"
)

// Stream sends p with "stream": true and hands each piece of text to
// onDelta as it arrives; the Reply holds the whole trimmed text. An error
// from onDelta stops the stream and is returned as is; provider failures
// are an *Error. started reports whether onDelta was called at all, so a
// caller knows whether it may still answer with an ordinary error.
func (c *Client) Stream(ctx context.Context, s Settings, p Prompt, onDelta func(string) error) (r Reply, started bool, err error) {
	ctx, cancel := withTimeout(ctx, s)
	defer cancel()
	client := c.sdk(s)
	stream := client.Chat.Completions.NewStreaming(ctx, params(s, p))
	defer stream.Close()
	var text strings.Builder
	model := ""
	for stream.Next() {
		chunk := stream.Current()
		if chunk.Model != "" {
			model = chunk.Model
		}
		if chunk.Usage.TotalTokens > 0 {
			r.TotalTokens = chunk.Usage.TotalTokens
		}
		if len(chunk.Choices) == 0 {
			continue
		}
		delta := chunk.Choices[0].Delta.Content
		if delta == "" {
			continue
		}
		if text.Len() == 0 {
			// Leading blank lines would be trimmed from the stored text,
			// so they are not sent either.
			delta = strings.TrimLeft(delta, " \t\r\n")
			if delta == "" {
				continue
			}
		}
		text.WriteString(delta)
		started = true
		if err := onDelta(delta); err != nil {
			return Reply{}, true, err
		}
	}
	if err := stream.Err(); err != nil {
		return Reply{}, started, classify(ctx, err)
	}
	r.Text = strings.TrimSpace(text.String())
	if r.Text == "" {
		return Reply{}, started, &Error{Kind: Empty}
	}
	if model == "" {
		model = s.Model
	}
	r.Model = model
	return r, started, nil
}
