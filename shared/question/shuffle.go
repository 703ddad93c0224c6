package question

import (
	"hash/fnv"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
)

// ShuffleOptions reorders a choice question's options with a generator
// seeded by (user, question, seed), relabels them A, B, C… in the new
// order and translates the answer letters, so the same caller always sees
// the same order (saved progress stores the chosen letters) and the
// shuffled answer still grades. Other types come back unchanged.
func ShuffleOptions(q *Question, userID, seed int64) ([]Option, string) {
	if !IsChoice(q.QType) || len(q.Options) < 2 {
		return q.Options, q.Answer
	}
	order := make([]int, len(q.Options))
	for i := range order {
		order[i] = i
	}
	rng := rand.New(rand.NewPCG(uint64(userID)*1000000+uint64(q.ID), uint64(seed)))
	rng.Shuffle(len(order), func(i, j int) { order[i], order[j] = order[j], order[i] })

	correct := map[string]bool{}
	for _, r := range strings.ToUpper(q.Answer) {
		correct[string(r)] = true
	}
	out := make([]Option, len(order))
	var letters []string
	for newPos, oldPos := range order {
		old := q.Options[oldPos]
		key := Letter(newPos)
		out[newPos] = Option{Key: key, Value: old.Value}
		if correct[strings.ToUpper(old.Key)] {
			letters = append(letters, key)
		}
	}
	slices.Sort(letters)
	return out, strings.Join(letters, "")
}

// ShuffleIDs returns ids in an order fixed by seed: the same seed gives
// the same order, so a client can resume a shuffled session.
func ShuffleIDs(ids []int64, seed int64) []int64 {
	out := slices.Clone(ids)
	h := fnv.New64a()
	_, _ = h.Write([]byte(strconv.FormatInt(seed, 10)))
	rng := rand.New(rand.NewPCG(h.Sum64(), uint64(seed)))
	rng.Shuffle(len(out), func(i, j int) { out[i], out[j] = out[j], out[i] })
	return out
}
