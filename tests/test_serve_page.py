"""The query page of `kgbuild serve`: served with its vendored editor (no file from
elsewhere at run time), and driven in headless Chromium against a real server on the
seed build: a saved query run from the examples fills the table and the chart, and a
result link leads to a resource page whose links lead on."""
from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

pytest.importorskip("starlette")
pytest.importorskip("uvicorn")
from conftest import serving
from starlette.testclient import TestClient  # noqa: E402

from kgbuild.namespaces import base_iri  # noqa: E402

CHART_QUERY = "cq05-action-status-counts"      # a count per status: the last column is a number
LINK_QUERY = "cq01-actions-supporting-target"  # key actions: IRIs under the base
CHROMIUM_FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync",
                  "--window-size=1400,1000")


def served_path(iri: str) -> str:
    base = base_iri()
    return urlsplit(base).path + iri[len(base):]


# -- the page as served ------------------------------------------------------------------------

def test_the_page_loads_only_files_the_server_has(store_dir):
    from kgbuild.queries import catalog
    from kgbuild.serve import create_app
    client = TestClient(create_app(store_dir))
    page = client.get("/")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert f'data-base="{base_iri()}"' in page.text
    assert f'data-mount="{urlsplit(base_iri()).path}"' in page.text
    assets = re.findall(r'<(?:script|link)[^>]* (?:src|href)="([^"]+)"', page.text)
    assert "/static/codemirror/codemirror.js" in assets and "/static/query.js" in assets
    for asset in assets:
        assert asset.startswith("/static/"), asset   # nothing from another host: works offline
        reply = client.get(asset)
        assert reply.status_code == 200 and len(reply.content) > 500, asset
    assert "MIT License" in client.get("/static/codemirror/LICENSE").text
    assert client.get("/static/no-such-file.js").status_code == 404
    listed = {entry["name"]: entry["sparql"] for entry in client.get("/queries").json()}
    assert listed == {name: query.text for name, query in catalog().items()}


def test_the_page_files_are_in_the_wheel(tmp_path):
    """An installed package (not this source tree) must find the page and the editor."""
    import zipfile
    root = Path(__file__).parents[1]
    built = subprocess.run([sys.executable, "-m", "pip", "wheel", str(root), "--no-deps", "-q",
                            "-w", str(tmp_path)], capture_output=True, text=True)
    wheels = list(tmp_path.glob("kgbuild-*.whl"))
    if built.returncode != 0 or not wheels:
        pytest.skip(f"could not build a wheel here: {built.stderr.strip()[-300:]}")
    static = root / "src" / "kgbuild" / "static"
    expected = {"kgbuild/static/" + p.relative_to(static).as_posix() for p in static.rglob("*") if p.is_file()}
    with zipfile.ZipFile(wheels[0]) as wheel:
        packed = {name for name in wheel.namelist() if name.startswith("kgbuild/static/")}
    assert "kgbuild/static/codemirror/mode/sparql/sparql.js" in expected
    assert packed == expected


# -- in a browser ------------------------------------------------------------------------------

def _browser_paths() -> tuple[str, str] | str:
    """(chromium, chromedriver), or why the browser test cannot run here."""
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    driver = shutil.which("chromedriver")
    if not chromium or not driver:
        return ("no chromium and chromedriver on PATH (Debian packages chromium, chromium-driver; "
                "scripts/test installs them as root)")
    try:
        import selenium  # noqa: F401
    except ImportError:
        return "selenium is not installed (the test extra)"
    return chromium, driver


@pytest.fixture(scope="module")
def server(store_dir):
    with serving(store_dir) as address:
        yield address


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    found = _browser_paths()
    if isinstance(found, str):
        print(f"browser test skipped: {found}")
        pytest.skip(found)
    chromium, driver_path = found
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for flag in CHROMIUM_FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={tmp_path_factory.mktemp('chromium-profile')}")
    driver = webdriver.Chrome(options=options, service=Service(executable_path=driver_path))
    driver.set_page_load_timeout(60)
    try:
        yield driver
    finally:
        driver.quit()


def _run_example(browser, name: str):
    """Click `run` on the saved query NAME in the example list; wait for the row count."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait
    wait = WebDriverWait(browser, 60)
    form = wait.until(lambda b: b.find_element(By.CSS_SELECTOR, f'form[data-query="{name}"]'))
    form.find_element(By.CSS_SELECTOR, "button").click()
    status = wait.until(lambda b: re.fullmatch(r"(\d+) rows?", b.find_element(By.ID, "status").text))
    return int(status.group(1))


def test_a_saved_query_from_the_examples_gives_rows_and_a_chart(browser, server, store):
    from selenium.webdriver.common.by import By

    from kgbuild.queries import get, run
    expected = run(store, get(CHART_QUERY))
    from selenium.webdriver.support.ui import WebDriverWait
    browser.get(server + "/")
    WebDriverWait(browser, 30).until(lambda b: b.find_elements(By.CSS_SELECTOR, ".CodeMirror"),
                                     "the editor did not load")
    assert _run_example(browser, CHART_QUERY) == len(expected.rows) > 0
    header = [th.text for th in browser.find_elements(By.CSS_SELECTOR, "#results th")]
    assert header == expected.columns
    cells = browser.find_elements(By.CSS_SELECTOR, "#results tr:nth-child(2) td")
    assert [c.text for c in cells] == [str(term) for term in expected.rows[0]]
    bars = browser.find_elements(By.CSS_SELECTOR, "#chart svg rect")
    assert len(bars) == len(expected.rows)
    widths = [float(bar.get_attribute("width")) for bar in bars]
    counts = [int(str(row[-1])) for row in expected.rows]
    assert len(set(counts)) > 1
    for width, count in zip(widths, counts):   # bar lengths in proportion to the counts
        assert width / max(widths) == pytest.approx(count / max(counts), abs=0.01)
    editor_text = browser.execute_script("return document.querySelector('.CodeMirror').CodeMirror.getValue()")
    assert editor_text == get(CHART_QUERY).text


def test_the_editor_runs_its_text_and_a_result_link_opens_a_resource_page(browser, server, store):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait
    browser.get(server + "/")
    rows = _run_example(browser, LINK_QUERY)   # fills the editor with cq01's text
    assert rows > 0
    query = "SELECT ?action WHERE { ?action a kgb:KeyAction ; kgb:sourceSpan [] } ORDER BY ?action LIMIT 3"
    expected = [str(row[0]) for row in store.select(query).rows]
    browser.execute_script("document.querySelector('.CodeMirror').CodeMirror.setValue(arguments[0])", query)
    browser.find_element(By.ID, "run").click()
    WebDriverWait(browser, 60).until(lambda b: b.find_element(By.ID, "status").text == "3 rows")
    assert not browser.find_elements(By.CSS_SELECTOR, "#chart svg"), "no chart without a count column"
    links = browser.find_elements(By.CSS_SELECTOR, "#results td a")
    assert [link.text for link in links] == expected
    links[0].click()
    WebDriverWait(browser, 60).until(lambda b: unquote(urlsplit(b.current_url).path) == served_path(expected[0]))
    assert browser.find_element(By.CSS_SELECTOR, "code").text == expected[0]
    assert browser.find_element(By.CSS_SELECTOR, "h1").text
    # follow a link to another resource under the base, as its IRI says
    mount = urlsplit(base_iri()).path
    onward = [a for a in browser.find_elements(By.CSS_SELECTOR, "table a")
              if urlsplit(a.get_attribute("href")).path.startswith(mount)
              and unquote(urlsplit(a.get_attribute("href")).path) != served_path(expected[0])]
    assert onward, "the resource page links to no other served resource"
    target = base_iri() + unquote(urlsplit(onward[0].get_attribute("href")).path)[len(mount):]
    onward[0].click()
    WebDriverWait(browser, 60).until(lambda b: b.find_element(By.CSS_SELECTOR, "code").text == target)
    assert browser.find_elements(By.CSS_SELECTOR, "table tr td")
