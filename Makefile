# paydesk: `make run` serves it, `make test` checks everything. Both set up what they need.
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := run
# Byte-compiled files make every later start several seconds faster.
unexport PYTHONDONTWRITEBYTECODE

PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
UV_VERSION := 0.13.8
SHARED := ../shared
HOST ?= 127.0.0.1
PORT ?= 8000

PY_STAMP := $(VENV)/.installed
NPM_STAMP := frontend/node_modules/.installed
WEB_STAMP := frontend/dist/.built
# The portal's generated types (src/portal/gql) come from schema.graphql, so it is a source too.
FRONTEND_SOURCES := $(shell find frontend/src frontend/*.html frontend/*.ts frontend/tsconfig.json -path frontend/src/portal/gql -prune -o -type f -print 2>/dev/null) schema.graphql

# The parts of the API spine built so far; each issue adds its own.
# The parts of spine-extensions.graphql built so far (issue 17: the event feed and webhooks).
CONTRACT_EXTENSIONS := JSON,Event,EventConnection,EventEdge,WebhookEndpoint,DeliveryStatus,WebhookDelivery,WebhookDeliveryConnection,WebhookDeliveryEdge,CreateWebhookEndpointInput,UpdateWebhookEndpointInput,DeleteWebhookEndpointInput,RotateWebhookSecretInput,RedeliverEventInput,WebhookEndpointPayload,RedeliverEventPayload,Query.events,Query.webhookEndpoints,Mutation.createWebhookEndpoint,Mutation.updateWebhookEndpoint,Mutation.deleteWebhookEndpoint,Mutation.rotateWebhookSecret,Mutation.redeliverEvent,ErrorCode,Customer.number,CreateCustomerInput.number,Product.number,Gateway.number,InvoiceTemplate.number
CONTRACT := Node,Long,Money,MoneyInput,PageInfo,Viewer,Account,User,Role,Customer.id,Customer.createdAt,Customer.firstName,Customer.lastName,Customer.email,Customer.phone,Customer.addresses,Customer.comments,CustomerConnection,CustomerEdge,Address,Comment,CommentConnection,CommentEdge,UserError,ErrorCode,CreateCustomerInput,UpdateCustomerInput,AddAddressInput,AddCommentInput,CustomerPayload,AddressPayload,CommentPayload,Query.node,Query.viewer,Query.customer,Query.customers,Mutation.createCustomer,Mutation.updateCustomer,Mutation.addAddress,Mutation.addComment,PaymentMethod,PaymentMethodType,PaymentMethodStatus,Gateway,GatewayResultCode,CardInput,TokenizeCardInput,CardTokenizationLink,LinkStatus,CreateCardTokenizationLinkInput,PaymentMethodPayload,CardTokenizationLinkPayload,Query.gateways,Mutation.tokenizeCard,Mutation.createCardTokenizationLink,Customer.paymentMethods,Customer.defaultPaymentMethod,Customer.cardTokenizationLinks,Product,Offer,OfferLine,OfferLineInput,LineKind,BillingUnit,Transaction,TransactionLine,TransactionStatus,TransactionOrigin,TransactionConnection,TransactionEdge,Invoice,InvoiceConnection,InvoiceEdge,InvoiceTemplate,Coupon,CouponRedemption,CreateProductInput,SaveOfferInput,LogTransactionInput,ChargeNowInput,CreateCouponInput,ProductPayload,OfferPayload,TransactionPayload,CouponPayload,Query.products,Query.offers,Query.transaction,Query.transactions,Query.invoiceTemplates,Mutation.createProduct,Mutation.saveOffer,Mutation.logTransaction,Mutation.chargeNow,Mutation.createCoupon,Customer.transactions,Customer.invoices,Customer.couponsUsed,Refund,RefundStatus,RefundTransactionInput,VoidTransactionInput,WriteOffTransactionInput,MarkTransactionPaidInput,ResendInvoiceInput,InvoicePayload,Mutation.refundTransaction,Mutation.voidTransaction,Mutation.writeOffTransaction,Mutation.markTransactionPaid,Mutation.resendInvoice,Subscription,SubscriptionStatus,PauseSubscriptionInput,ResumeSubscriptionInput,CancelSubscriptionInput,UpdateSubscriptionInput,SubscriptionPayload,Mutation.pauseSubscription,Mutation.resumeSubscription,Mutation.cancelSubscription,Mutation.updateSubscription,Customer.subscriptions,PaymentRequest,PaymentRequestStatus,PaymentRequestConnection,PaymentRequestEdge,CreatePaymentRequestInput,PaymentRequestPayload,Query.paymentRequest,Mutation.createPaymentRequest,Customer.paymentRequests

.PHONY: run test setup system-packages check lint format typecheck contract schema schema-check frontend-check pytest e2e migrate bench fuzz clean

setup: $(PY_STAMP) $(WEB_STAMP)

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)

$(PY_STAMP): requirements/dev.txt pyproject.toml | $(BIN)/python
	$(BIN)/uv pip sync --quiet --python $(BIN)/python --compile-bytecode requirements/dev.txt
	$(BIN)/uv pip install --quiet --python $(BIN)/python --no-deps --editable .
	touch $@

$(NPM_STAMP): frontend/package.json frontend/package-lock.json
	cd frontend && npm ci --no-audit --no-fund --loglevel=error
	touch $@

$(WEB_STAMP): $(NPM_STAMP) $(FRONTEND_SOURCES)
	cd frontend && npm run --silent build
	touch $@

system-packages:
	scripts/system-packages.sh

migrate: $(PY_STAMP)
	$(BIN)/paydesk migrate

run: setup migrate
	@if [ ! -f var/.demo-seeded ]; then $(BIN)/paydesk seed-demo && touch var/.demo-seeded; fi
	@echo ""
	@echo "  paydesk    http://$(HOST):$(PORT)/"
	@echo "  GraphiQL   http://$(HOST):$(PORT)/graphql"
	@echo "  sign in    owner@demo.paydesk.test / paydesk-demo"
	@echo "  API key    Api-Appid app_demo / Api-Key pdk_demo_development_only (demo only; docs/classic-api.md)"
	@echo ""
	$(BIN)/paydesk serve --host $(HOST) --port $(PORT)

format: $(PY_STAMP)
	$(BIN)/ruff format backend tests bench
	$(BIN)/ruff check --fix backend tests bench

lint: $(PY_STAMP)
	$(BIN)/ruff format --check backend tests bench
	$(BIN)/ruff check backend tests bench

typecheck: $(PY_STAMP)
	$(BIN)/mypy

contract: $(PY_STAMP)
	$(BIN)/python $(SHARED)/tools/check_contract.py schema.graphql --only $(CONTRACT)
	$(BIN)/python $(SHARED)/tools/check_contract.py schema.graphql --extensions --only $(CONTRACT_EXTENSIONS)

schema: $(PY_STAMP)
	$(BIN)/paydesk export-schema > schema.graphql

schema-check: $(PY_STAMP)
	@$(BIN)/paydesk export-schema | diff -u schema.graphql - || { echo "schema.graphql is stale: run make schema" >&2; exit 1; }

check: lint typecheck contract schema-check

# The portal's types against schema.graphql (a schema change that breaks it fails here) and its unit tests.
frontend-check: $(NPM_STAMP)
	cd frontend && npm run --silent typecheck
	cd frontend && npx vitest run

pytest: setup system-packages
	$(BIN)/pytest

test: setup system-packages check frontend-check pytest

# Only the browser tests (the portal and GraphiQL in Debian's Chromium); screenshots in test-output/e2e/.
e2e: setup system-packages
	$(BIN)/pytest -m e2e

# Every hot path against its raw baseline in one run (bench/run.py, under 15 minutes on SQLite):
# customer details and list, chargeNow, the billing run; writes bench/RESULTS.md.
# BENCH_POSTGRESQL=1 measures PostgreSQL too; BENCH_SECONDS is customer_details.py --seconds.
BENCH_SECONDS ?= 20
BENCH_INSTALLMENTS ?= 1000,10000
bench: $(PY_STAMP)
	$(BIN)/python bench/run.py --details-seconds $(BENCH_SECONDS) --installments $(BENCH_INSTALLMENTS) \
		$(if $(BENCH_POSTGRESQL),--postgresql)

# Schemathesis against /graphql of a real paydesk with an API key, for FUZZ_SECONDS (not part of make test):
# fails on any 5xx, any internal error in the server's log, or a response slower than FUZZ_SLOW seconds.
FUZZ_SECONDS ?= 120
fuzz: setup
	FUZZ_SECONDS=$(FUZZ_SECONDS) $(BIN)/python scripts/fuzz.py

clean:
	rm -rf $(VENV) frontend/node_modules frontend/dist frontend/src/portal/gql .mypy_cache .ruff_cache .pytest_cache test-output
