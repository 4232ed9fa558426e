# minhchung — two commands do everything on a fresh Debian machine: `make demo` and `make test`.
# Each installs what is missing (Debian packages when run as root, the .venv) and is a no-op for the rest.

SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
APT_PACKAGES := tesseract-ocr tesseract-ocr-vie tesseract-ocr-script-viet poppler-utils fonts-liberation2 \
                python3-venv chromium rabbitmq-server iproute2
# OCR results are cached by page-image digest; demo, tests and benchmarks share one cache.
export MINHCHUNG_OCR_CACHE ?= $(CURDIR)/.cache/ocr

.PHONY: demo test lint system venv clean

system:
	@missing=$$(for p in $(APT_PACKAGES); do dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "ok installed" || echo $$p; done); \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "Đang cài các gói Debian: $$missing"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing >/dev/null; \
	  elif command -v sudo >/dev/null && sudo -n true 2>/dev/null; then \
	    sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing >/dev/null; \
	  else \
	    echo "Thiếu các gói Debian: $$missing (cài bằng quyền root; xem README, mục 'Without root')"; exit 1; \
	  fi; \
	fi

$(BIN)/.installed: pyproject.toml
	@$(MAKE) --no-print-directory system
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[dev]'
	touch $@

venv: $(BIN)/.installed

demo: system venv
	rm -rf demo-inbox demo-data
	$(BIN)/minhchung samples demo-inbox
	$(BIN)/minhchung --home demo-data ingest demo-inbox --unit-from-folder; rc=$$?; \
	  if [ $$rc -ne 0 ] && [ $$rc -ne 3 ]; then exit $$rc; fi
	$(BIN)/minhchung --home demo-data status
	$(BIN)/minhchung --home demo-data documents
	$(BIN)/minhchung --home demo-data export --format jsonl -o demo-data/export.jsonl --pdf demo-data/searchable
	$(BIN)/minhchung --home demo-data search "kê khai tài sản" --limit 5
	$(BIN)/minhchung --home demo-data search "chuyen doi vi tri cong tac" --type KH --limit 5
	$(BIN)/minhchung --home demo-data gaps --plan daklak-2024
	$(BIN)/minhchung --home demo-data gaps --format html -o demo-gaps.html
	$(BIN)/minhchung --home demo-data gaps --format xlsx -o demo-gaps.xlsx
	@echo "Dữ liệu xuất: demo-data/export.jsonl; PDF tìm kiếm được: demo-data/searchable/; báo cáo thiếu minh chứng: demo-gaps.html, demo-gaps.xlsx"
	@for u in thanhtra:inspector ratsoat:reviewer vanthu:clerk quantri:admin; do \
	  echo "$${u%%:*}-demo-2024" | $(BIN)/minhchung --home demo-data users add "$${u%%:*}" --role "$${u##*:}" \
	    --password-stdin --update >/dev/null || exit 1; \
	done
	@echo "Giao diện web: chạy '$(BIN)/minhchung --home demo-data serve' rồi mở http://127.0.0.1:8000/"
	@echo "Tài khoản thử (tên / mật khẩu): thanhtra / thanhtra-demo-2024 (Thanh tra viên), ratsoat / ratsoat-demo-2024 (Người rà soát),"
	@echo "  vanthu / vanthu-demo-2024 (Văn thư), quantri / quantri-demo-2024 (Quản trị)"

test: system venv
	$(BIN)/ruff check .
	$(BIN)/lint-imports
	$(BIN)/pytest -q

lint: venv
	$(BIN)/ruff check .
	$(BIN)/lint-imports

clean:
	rm -rf demo-inbox demo-data demo-gaps.html demo-gaps.xlsx test-artifacts .pytest_cache
