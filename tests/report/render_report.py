"""Looks at a recur report as a person would: in headless Chromium.

Usage: render_report.py PAGE.html SCREENSHOT.png [--open FILE ...]

Starts Debian's `chromium` (--headless --no-sandbox --disable-gpu
--disable-background-networking, a fresh --user-data-dir) and drives it over
the DevTools protocol on a pipe (--remote-debugging-pipe: fd 3 in, fd 4 out,
NUL-terminated JSON), with the standard library only. It opens the page from
disk, waits for the viewer, takes a full-page screenshot, reads back what the
page shows (run status, missing items, charts, the ARC viewer's tasks, badges
and filter counts, the Sudoku/Maze samples), clicks every filter and counts
what it then shows, and collects every console error and uncaught exception.
With --open it then hands those files to the page's "open a submission.json"
input, as a person picking them would, and reads the viewer again.

Prints one JSON object: {"errors": [...], "page": {...}, "opened": {...} | null}.
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import base64

# What the page shows, as JSON (evaluated in the page).
READ_PAGE = r"""
(() => {
  const q = (s, r) => (r || document).querySelector(s);
  const all = (s, r) => Array.from((r || document).querySelectorAll(s));
  const text = s => (q(s) ? q(s).textContent : null);
  // Clicks each filter of a viewer and counts what it then lists.
  const filterCounts = (listSelector, itemSelector) => {
    const out = {};
    all('.filters button').forEach(b => {
      b.click();
      const list = q(listSelector);
      out[b.dataset.filter] = {label: +b.dataset.count,
                               shown: list.dataset.matching !== undefined ? +list.dataset.matching
                                                                          : all(itemSelector, list).length};
    });
    const first = q('.filters button[data-filter="all"]');
    if (first) first.click();
    return out;
  };
  // The colour of a grid canvas's top-left cell, as "#rrggbb" (cells start at pixel 1).
  const firstCellColour = canvas => {
    if (!canvas) return null;
    const w = +canvas.title.split('\u00d7')[1], cell = (canvas.width - 1) / w;
    const [r, g, b] = canvas.getContext('2d').getImageData(1 + cell / 2, 1 + cell / 2, 1, 1).data;
    return '#' + [r, g, b].map(v => v.toString(16).padStart(2, '0')).join('');
  };
  // How many tasks the search box lists for `text` (the box is cleared after).
  const searchCount = text => {
    const box = q('#task-search');
    box.value = text;
    box.dispatchEvent(new Event('input'));
    const n = +q('#task-list').dataset.matching;
    box.value = '';
    box.dispatchEvent(new Event('input'));
    return n;
  };
  const arcSummary = q('#arc-summary');
  const samplesSummary = q('#samples-summary');
  return JSON.stringify({
    errors_attribute: document.body.getAttribute('data-errors'),
    viewer: document.body.getAttribute('data-viewer'),
    status: text('#run-status'),
    steps_trained: text('#steps-trained'),
    missing: all('#missing li').map(li => li.textContent),
    charts: all('svg.chart').length,
    config_shown: !!q('#config details pre'),
    evaluation_rows: all('table.evals tr').length - 1,
    arc: arcSummary ? {
      tasks: +arcSummary.dataset.tasks, solved: +arcSummary.dataset.solved,
      unsolved: +arcSummary.dataset.unsolved, pass_k: +arcSummary.dataset.passK,
      summary: arcSummary.textContent,
      shown: all('.task').map(t => ({
        id: t.dataset.task, status: t.dataset.status, score: +t.dataset.score,
        badge: q('.task-badge', t).textContent,
        tests: all('.test', t).map(x => ({status: x.dataset.status, badge: q('.test-badge', x).textContent,
                                          attempts: all('.attempt', x).length,
                                          wrong_cells: all('.attempt canvas', x).map(c => c.dataset.wrongCells)})),
        grids: all('canvas', t).length,
        grid_shapes: all('canvas', t).map(c => c.title),
        first_cell_colour: firstCellColour(q('canvas', t))})),
      filters: filterCounts('#task-list', '.task'),
      search: all('.task').length ? {hit: searchCount(q('.task').dataset.task), miss: searchCount('no such task')}
                                  : null,
    } : null,
    samples: samplesSummary ? {
      puzzles: +samplesSummary.dataset.puzzles, solved: +samplesSummary.dataset.solved,
      unsolved: +samplesSummary.dataset.unsolved, summary: samplesSummary.textContent,
      shown: all('.puzzle').map(p => ({solved: p.dataset.solved === 'true', wrong: all('.wrong', p).length,
                                       badge: q('.puzzle-badge', p).textContent})),
      filters: filterCounts('#puzzle-list', '.puzzle'),
    } : null,
  });
})()
"""


class Browser:
    """One headless Chromium, one page, over the DevTools pipe."""

    def __init__(self):
        chromium = shutil.which("chromium")
        if not chromium:
            sys.exit("render_report.py: no `chromium` on PATH (scripts/setup.sh installs Debian's chromium)")
        self.profile = tempfile.mkdtemp(prefix="recur-chromium-")
        to_chrome_r, self.to_chrome = os.pipe()
        self.from_chrome, from_chrome_w = os.pipe()
        flags = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--user-data-dir=" + self.profile, "--remote-debugging-pipe", "--no-first-run",
                 "--hide-scrollbars", "--window-size=1280,900", "about:blank"]
        command = "exec " + " ".join(map(shlex_quote, [chromium] + flags)) + \
            " 3<&%d 4>&%d 2>/dev/null" % (to_chrome_r, from_chrome_w)
        self.process = subprocess.Popen(["/bin/sh", "-c", command], pass_fds=(to_chrome_r, from_chrome_w),
                                        stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL)
        os.close(to_chrome_r)
        os.close(from_chrome_w)
        self.buffer = b""
        self.next_id = 0
        self.events = []
        self.session = None
        target = self.call("Target.createTarget", {"url": "about:blank"})["targetId"]
        self.session = self.call("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
        for domain in ("Page", "Runtime", "Log"):
            self.call(domain + ".enable")

    def close(self):
        try:
            self.call("Browser.close", session=False)
        except Exception:  # noqa: BLE001 -- it may already be gone
            pass
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        shutil.rmtree(self.profile, ignore_errors=True)

    def _read_message(self, deadline):
        while b"\0" not in self.buffer:
            if time.time() > deadline:
                raise TimeoutError("chromium did not answer in time")
            chunk = os.read(self.from_chrome, 1 << 20)
            if not chunk:
                raise RuntimeError("chromium closed the DevTools pipe (did it start?)")
            self.buffer += chunk
        message, self.buffer = self.buffer.split(b"\0", 1)
        return json.loads(message)

    def call(self, method, params=None, session=True, timeout=60):
        self.next_id += 1
        message = {"id": self.next_id, "method": method, "params": params or {}}
        if session and self.session:
            message["sessionId"] = self.session
        os.write(self.to_chrome, json.dumps(message).encode() + b"\0")
        deadline = time.time() + timeout
        while True:
            reply = self._read_message(deadline)
            if reply.get("id") == self.next_id:
                if "error" in reply:
                    raise RuntimeError("%s: %s" % (method, reply["error"]))
                return reply.get("result", {})
            if "method" in reply:
                self.events.append(reply)

    def evaluate(self, expression):
        result = self.call("Runtime.evaluate", {"expression": expression, "returnByValue": True,
                                                "awaitPromise": True})
        if "exceptionDetails" in result:
            raise RuntimeError("evaluating in the page failed: %s" % result["exceptionDetails"])
        return result["result"].get("value")

    def wait_for(self, expression, timeout=30):
        deadline = time.time() + timeout
        while time.time() < deadline:
            if self.evaluate(expression):
                return
            time.sleep(0.05)
        raise TimeoutError("the page never got to: " + expression)

    def errors(self):
        """Console errors and uncaught exceptions seen so far."""
        found = []
        for e in self.events:
            method, params = e.get("method"), e.get("params", {})
            if method == "Runtime.exceptionThrown":
                details = params.get("exceptionDetails", {})
                found.append("exception: " + details.get("exception", {}).get("description", details.get("text", "")))
            elif method == "Runtime.consoleAPICalled" and params.get("type") in ("error", "assert"):
                found.append("console.%s: %s" % (params["type"], " ".join(
                    str(a.get("value", a.get("description", ""))) for a in params.get("args", []))))
            elif method == "Log.entryAdded" and params.get("entry", {}).get("level") == "error":
                found.append("log: " + params["entry"].get("text", ""))
        return found


def shlex_quote(word):
    import shlex
    return shlex.quote(word)


def main():
    args = sys.argv[1:]
    if len(args) < 2:
        sys.exit(__doc__)
    page, screenshot = os.path.abspath(args[0]), args[1]
    to_open = [os.path.abspath(p) for p in args[3:]] if len(args) > 2 and args[2] == "--open" else []
    browser = Browser()
    try:
        browser.call("Page.navigate", {"url": "file://" + page})
        browser.wait_for("document.readyState === 'complete' && document.body.getAttribute('data-viewer') === 'ready'")
        shown = json.loads(browser.evaluate(READ_PAGE))
        height = min(6000, int(browser.evaluate("document.documentElement.scrollHeight")))
        browser.call("Emulation.setDeviceMetricsOverride",
                     {"width": 1280, "height": height, "deviceScaleFactor": 1, "mobile": False})
        png = browser.call("Page.captureScreenshot", {"format": "png"})["data"]
        with open(screenshot, "wb") as f:
            f.write(base64.b64decode(png))
        opened = None
        if to_open:
            document = browser.call("DOM.getDocument")["root"]["nodeId"]
            node = browser.call("DOM.querySelector", {"nodeId": document, "selector": "#open-submission"})["nodeId"]
            before = browser.evaluate("document.getElementById('viewer-root').innerHTML.length")
            browser.evaluate("document.body.removeAttribute('data-viewer')")
            browser.call("DOM.setFileInputFiles", {"nodeId": node, "files": to_open})
            browser.wait_for("document.body.getAttribute('data-viewer') === 'ready' || "
                             "(document.getElementById('open-message') || {}).textContent")
            opened = json.loads(browser.evaluate(READ_PAGE))
            opened["message"] = browser.evaluate("(document.getElementById('open-message') || {}).textContent || ''")
            opened["changed"] = before != browser.evaluate("document.getElementById('viewer-root').innerHTML.length")
        print(json.dumps({"errors": browser.errors(), "page": shown, "opened": opened}))
    finally:
        browser.close()


if __name__ == "__main__":
    main()
