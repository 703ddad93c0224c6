# Quiz Bank — build, run and test.
#   make run    serve every route group on 127.0.0.1:8000 (SQLite file, memory limits, console mail)
#   make test   install what the tests need, then run every test
#   make build  one static Lambda bootstrap (and zip) per function under build/
#   make lint   gofmt and go vet

FUNCTIONS := auth quiz explain adminconfig
BIN       := $(CURDIR)/.bin
GOFLAGS_LAMBDA := -tags lambda.norpc -trimpath -ldflags='-s -w'
export PATH := $(BIN):$(PATH)

.PHONY: run test test-deps build lint bench clean $(addprefix build-,$(FUNCTIONS)) \
	build-AuthFunction build-QuizFunction build-ExplainFunction build-AdminConfigFunction

run:
	go run ./local serve

test: test-deps
	go vet ./...
	go test -count=1 -timeout 30m ./...

# Installs redis-server and nginx (Debian packages, when missing and
# running as root) and the pinned mailpit and Lambda RIE into .bin/.
test-deps:
	bash .ci/deps.sh

bench:
	go test -run '^$$' -bench . -benchmem ./...

build: $(addprefix build-,$(FUNCTIONS))

$(addprefix build-,$(FUNCTIONS)): build-%:
	mkdir -p build/$*
	CGO_ENABLED=0 GOOS=linux GOARCH=amd64 go build $(GOFLAGS_LAMBDA) -o build/$*/bootstrap ./functions/$*/lambda
	cd build/$* && rm -f function.zip && zip -q function.zip bootstrap
	@ls -l build/$*/bootstrap build/$*/function.zip

# AWS SAM (BuildMethod: makefile) calls build-<LogicalId> with ARTIFACTS_DIR set.
sam_build = CGO_ENABLED=0 GOOS=linux GOARCH=amd64 go build $(GOFLAGS_LAMBDA) -o $(ARTIFACTS_DIR)/bootstrap ./functions/$(1)/lambda

build-AuthFunction:
	$(call sam_build,auth)
build-QuizFunction:
	$(call sam_build,quiz)
build-ExplainFunction:
	$(call sam_build,explain)
build-AdminConfigFunction:
	$(call sam_build,adminconfig)

lint:
	@out=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi
	go vet ./...

clean:
	rm -rf build
