# The two commands that matter: `make run` (the whole system) and `make test` (the whole suite).

.PHONY: run test load demo token reset rebuild chaos fuzz test-unit test-integration test-e2e stop lint format typecheck bench compose-check contracts

run:            ## PostgreSQL, Kafka and the three services, in the foreground
	./deploy/run.sh

load:           ## load the 14 regions into a running regions service (make run does this)
	uv run --frozen python -m services.regions.programme_data.load

demo:           ## synthetic demo projects over all stages, through the APIs of a running system
	uv run --frozen python -m tools.demo

rebuild:        ## rebuild reporting's read models from offset 0 (as the owner; grants to the service's role)
	@bash -c 'source deploy/lib.sh && env $$(service_db_env reporting) $$(owner_db_env reporting) uv run --frozen python -m services.reporting.rebuild'

token:          ## a development bearer token: make token ROLE=ministry [REGION=jadebay]
	@uv run --frozen python -m shared.tokens --role "$(ROLE)" $(if $(REGION),--region "$(REGION)")

test:           ## lint, types and every test against the real PostgreSQL and Kafka
	./deploy/test.sh

chaos:          ## the fault suite, long: 3 rounds of every fault at 20 commands/s (a short round is in make test)
	ZR_FAULT_ROUNDS=3 ZR_FAULT_RATE=20 ZR_FAULT_SETTLE=10 ./deploy/test.sh tests/faults

fuzz:           ## the API fuzzing and the contracts' property test, long (on demand)
	ZR_FUZZ_EXAMPLES=100 ZR_PROPERTY_EXAMPLES=500 ./deploy/test.sh tests/integration/test_api_fuzz.py tests/integration/test_contract_property.py

test-unit:
	./deploy/test.sh -m unit

test-integration:
	./deploy/test.sh -m integration

test-e2e:
	./deploy/test.sh -m e2e

reset:          ## development only: stop PostgreSQL and Kafka and delete all their data
	./deploy/kafka.sh reset
	./deploy/postgres.sh reset

stop:           ## stop PostgreSQL and Kafka
	./deploy/kafka.sh stop
	./deploy/postgres.sh stop

lint:
	uv run --frozen ruff check . && uv run --frozen ruff format --check .

format:
	uv run --frozen ruff format . && uv run --frozen ruff check --fix .

typecheck:
	uv run --frozen mypy

bench:          ## benchmarks (on demand; figures go to docs/benchmarks.md)
	./deploy/postgres.sh start && ./deploy/kafka.sh start
	uv run --frozen python -m bench.relay_and_consumer
	uv run --frozen python -m bench.funding_commands
	uv run --frozen python -m bench.rebuild
	uv run --frozen python -m bench.verify_chain

contracts:      ## publish the event schemas and the AsyncAPI document (refuses breaking changes)
	uv run --frozen python -m shared.contracts

compose-check:  ## docker-compose.yml is valid (with a fresh set of secrets)
	./deploy/compose/secrets.sh > var/compose.env && docker-compose --env-file var/compose.env config -q
