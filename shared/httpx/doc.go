// Package httpx holds the HTTP plumbing every route group shares: the
// contract's response envelope, the one error type and its mapping to
// status codes, JSON request decoding with validation, the router that
// renders unknown routes and wrong methods in the framework error shape,
// and the middleware chain (request id, access log, panic recovery, CORS,
// body limit, gzip).
package httpx
