//go:build tools

// Package deps pins the libraries the route groups are built on while
// they are being written, so that go mod tidy keeps them in go.mod.
package deps

import (
	_ "github.com/aws/aws-lambda-go/lambda"
	_ "github.com/awslabs/aws-lambda-go-api-proxy/httpadapter"
	_ "github.com/awslabs/goformation/v7"
	_ "github.com/go-playground/validator/v10"
	_ "github.com/golang-jwt/jwt/v5"
	_ "github.com/joho/godotenv"
	_ "github.com/klauspost/compress/gzhttp"
	_ "github.com/openai/openai-go/v3"
	_ "github.com/redis/go-redis/v9"
	_ "github.com/resend/resend-go/v2"
	_ "github.com/tursodatabase/libsql-client-go/libsql"
	_ "github.com/ulule/limiter/v3"
	_ "github.com/xuri/excelize/v2"
	_ "golang.org/x/crypto/argon2"
	_ "gopkg.in/natefinch/lumberjack.v2"
	_ "modernc.org/sqlite"
)
