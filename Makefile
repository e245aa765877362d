# The README's two commands: `make demo` (set up, run the main job on the bundled 2020
# tables) and `make test` (set up, install what the tests need, run lint and every test).
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
SEED   := examples/zhengzhou-hpf-2020.txt
OUT    := out

.PHONY: demo test setup libreoffice chromium bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[dev]'
	touch $(STAMP)

setup: $(STAMP)

demo: $(STAMP)
	rm -rf $(OUT)
	$(BIN)/xlsync import-text $(SEED) --store $(OUT)/store
	$(BIN)/xlsync plan --store $(OUT)/store || test $$? -eq 1
	$(BIN)/xlsync validate --store $(OUT)/store || test $$? -eq 1
	$(BIN)/xlsync export --store $(OUT)/store --out-dir $(OUT)/workbooks
	$(BIN)/xlsync consolidate --store $(OUT)/store -o $(OUT)/summary-2020.xlsx
	@echo "存储 (store): $(OUT)/store  工作簿 (workbooks): $(OUT)/workbooks  汇总 (summary): $(OUT)/summary-2020.xlsx"
	@echo "下一步 (next): 先把 xlsync 放到本 shell 的 PATH 上 (put xlsync on this shell's PATH), 再运行 README 的命令:"
	@echo "  . $(VENV)/bin/activate"
	@echo "  xlsync list --store $(OUT)/store"

# The workbook tests open files saved by LibreOffice Calc and read the pages it prints (with
# Chinese fonts, Carlito for Calibri's metrics, pdftotext): install what is missing.
libreoffice:
	@{ command -v soffice && command -v pdftotext && fc-list | grep -q "Noto Sans CJK" \
	   && ls /usr/lib/libreoffice/program/libswlo.so \
	   && fc-list | grep -q Carlito; } >/dev/null 2>&1 || { \
	  echo "make test: 将用 apt 安装 (installing with apt): LibreOffice Calc 和 Writer (and Writer), Noto CJK 字体 (fonts), Carlito 字体, poppler-utils (pdftotext)"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends \
	    libreoffice-calc-nogui libreoffice-writer-nogui fonts-noto-cjk fonts-crosextra-carlito poppler-utils >/dev/null; }
	@soffice --version

# The task pane test drives Debian's Chromium (Playwright cannot download its own browser here).
chromium:
	@command -v chromium >/dev/null 2>&1 || { \
	  echo "make test: 将用 apt 安装 (installing with apt): Chromium (for the task-pane test)"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends \
	    chromium >/dev/null; }
	@chromium --version

# The fault-injection tests (-m disk) mount a small tmpfs: as root they run with the rest; any
# other user runs them again in a user and mount namespace when the system allows one.
test: $(STAMP) libreoffice chromium
	$(BIN)/ruff check .
	XLWINGS_LICENSE_KEY=noncommercial $(BIN)/pytest -q
	@if [ "$$(id -u)" != 0 ] && unshare -rm true 2>/dev/null; then \
	  XLWINGS_LICENSE_KEY=noncommercial unshare -rm $(BIN)/pytest -q -m disk; fi

# `make bench` (100 and 1,000 projects) or `make bench BENCH=` (also 10,000): measure every job
# beside its floor, then rewrite README's Performance table from the results.
BENCH ?= --quick
bench: $(STAMP)
	$(BIN)/python bench/run.py $(BENCH) --json bench/results.json
	$(BIN)/python bench/report.py bench/results.json --write

clean:
	rm -rf $(VENV) $(OUT) .pytest_cache .ruff_cache .hypothesis
