// Command lambda is the auth route group as an AWS Lambda function
// (the bootstrap of the provided.al2023 runtime).
package main

import (
	"quizbank/functions/auth"
	"quizbank/shared/cloudfn"
)

func main() { cloudfn.Main("auth", auth.Register) }
