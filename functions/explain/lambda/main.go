// Command lambda is the explain route group as an AWS Lambda function
// (the bootstrap of the provided.al2023 runtime).
package main

import (
	"quizbank/functions/explain"
	"quizbank/shared/cloudfn"
)

func main() { cloudfn.Main("explain", explain.Register) }
