// Command lambda is the quiz route group as an AWS Lambda function
// (the bootstrap of the provided.al2023 runtime).
package main

import (
	"quizbank/functions/quiz"
	"quizbank/shared/cloudfn"
)

func main() { cloudfn.Main("quiz", quiz.Register) }
