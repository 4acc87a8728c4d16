# Territorio Inteligente: two commands for a newcomer, `make up` and `make test`.
# Everything they do lives in plain bash under deploy/.
SHELL := /bin/bash
ARGS ?=

.PHONY: up down restart status logs test lock vendor-js help

help:
	@echo "make up       instala lo que falte, inicia el portal en http://127.0.0.1:5000 y carga la demo"
	@echo "make down     detiene los procesos del portal (no PostgreSQL ni Redis)"
	@echo "make restart  reinicia los procesos del portal"
	@echo "make status   estado de los servicios y del portal"
	@echo "make logs     registros del portal (.run/log/)"
	@echo "make test     shellcheck, ruff, mypy y las pruebas (ARGS=\"tests/deploy\" o ARGS=\"-k algo\")"
	@echo "make lock     regenera deploy/constraints.txt desde .venv"
	@echo "make vendor-js  copia de npm las bibliotecas de JavaScript (package.json) a assets/vendor"

up:
	@bash deploy/bootstrap.sh up

down:
	@bash deploy/bootstrap.sh down

restart:
	@bash deploy/bootstrap.sh restart

status:
	@bash deploy/bootstrap.sh status

logs:
	@bash deploy/bootstrap.sh logs

test:
	@bash deploy/test.sh $(ARGS)

lock:
	@bash deploy/lock.sh

vendor-js:
	@bash deploy/vendor-js.sh
