// Command lambda is the adminconfig route group as an AWS Lambda function
// (the bootstrap of the provided.al2023 runtime).
package main

import (
	"quizbank/functions/adminconfig"
	"quizbank/shared/cloudfn"
)

func main() { cloudfn.Main("adminconfig", adminconfig.Register) }
