# Two commands: `make run` and `make test`. Everything else here serves them.
PYTHON ?= python3.11
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-$(shell sha1sum requirements.txt | cut -c1-12)
HOST   ?= 127.0.0.1:8000

.PHONY: run test install migrate demo lint check-test-services bench clean

$(STAMP): requirements.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements.txt
	rm -f $(VENV)/.installed-*
	touch $(STAMP)

install: $(STAMP)

migrate: install
	$(BIN)/python manage.py migrate --noinput

demo: migrate
	$(BIN)/python manage.py seed_demo --if-empty

## make run: install, migrate, load reference + demo data, serve on http://$(HOST)
run: demo
	$(BIN)/python manage.py runserver $(HOST)

## make test: the whole suite (browser tests need chromium, worker tests need Redis)
test: install check-test-services
	$(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/ruff check .
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# Browser and worker tests need Debian's chromium and a Redis server. As root on Debian they are
# installed and started here; otherwise this says what to install.
check-test-services:
	@command -v chromium >/dev/null || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-khmeros >/dev/null; \
	  else echo "The browser tests need Debian's chromium: sudo apt-get install chromium fonts-khmeros"; exit 1; fi; }
	@$(BIN)/python -c "import redis,os; redis.Redis.from_url(os.environ.get('TEST_REDIS_URL','redis://127.0.0.1:6379/15')).ping()" 2>/dev/null || { \
	  command -v redis-server >/dev/null || { \
	    if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	      apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server >/dev/null; \
	    else echo "The worker tests need Redis: sudo apt-get install redis-server"; exit 1; fi; }; \
	  redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no >/dev/null; sleep 1; }

lint: install
	$(BIN)/ruff check .

clean:
	rm -rf $(VENV) staticfiles db.sqlite3 test_*.sqlite3
