package main

import (
	"quizbank/functions/adminconfig"
	"quizbank/functions/auth"
	"quizbank/functions/explain"
	"quizbank/functions/quiz"
	"quizbank/shared/platform"
)

// groups are every route group; serve mounts them all on one router.
var groups = []platform.Group{auth.Register, quiz.Register, explain.Register, adminconfig.Register}
