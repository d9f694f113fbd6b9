#!/usr/bin/env python3
"""Browser test of `netsift report --html`: headless Chromium loads each page from a file
and, through the DevTools protocol (over a pipe, no extra package), this script checks the
DOM: every section is there, every chart has one point per capture of the input (counted
here from the input itself, not from netsift), the sorting script works, the print styles
apply, and no request left the page. A control page that does make a request must be
caught, so the network check can fail.

Run from the project root after `cargo build` (or `cargo test`):

    python3 tests/browser/check_report.py [--netsift target/debug/netsift] [--out target/report-browser]

Prints one line per check and `N passed, M failed`; exits 1 on any failure. Screenshots
of each page are kept in the output directory (an artefact of the run, not committed).
"""

import argparse
import base64
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

SECTIONS = ["sources", "listeners", "connections", "counters", "interfaces", "timeline", "notes"]
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--remote-debugging-pipe",
]

RESULTS = []


def check(name, ok, detail=""):
    RESULTS.append(bool(ok))
    print(("PASS " if ok else "FAIL ") + name + ("" if ok or not detail else f": {detail}"))


class Browser:
    """Chromium driven over --remote-debugging-pipe (fd 3: commands in, fd 4: replies out)."""

    def __init__(self, chromium):
        self.profile = tempfile.mkdtemp(prefix="netsift-chromium-")
        to_browser_r, self.to_browser = os.pipe()
        self.from_browser, from_browser_w = os.pipe()

        def fds():
            # Copies first: the pipe's own numbers may be 3 or 4.
            r, w = os.dup(to_browser_r), os.dup(from_browser_w)
            os.dup2(r, 3)
            os.dup2(w, 4)

        self.proc = subprocess.Popen(
            [chromium, *FLAGS, f"--user-data-dir={self.profile}", "about:blank"],
            pass_fds=(3, 4, to_browser_r, from_browser_w),
            preexec_fn=fds,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        os.close(to_browser_r)
        os.close(from_browser_w)
        self.buf = b""
        self.next_id = 0
        self.events = []

    def _read_message(self, deadline):
        while b"\0" not in self.buf:
            if time.time() > deadline:
                raise TimeoutError("no answer from chromium")
            chunk = os.read(self.from_browser, 1 << 16)
            if not chunk:
                raise EOFError("chromium closed its pipe")
            self.buf += chunk
        msg, self.buf = self.buf.split(b"\0", 1)
        return json.loads(msg)

    def send(self, method, params=None, session=None, timeout=30):
        self.next_id += 1
        msg = {"id": self.next_id, "method": method, "params": params or {}}
        if session:
            msg["sessionId"] = session
        os.write(self.to_browser, json.dumps(msg).encode() + b"\0")
        deadline = time.time() + timeout
        while True:
            reply = self._read_message(deadline)
            if reply.get("id") == self.next_id:
                if "error" in reply:
                    raise RuntimeError(f"{method}: {reply['error']}")
                return reply.get("result", {})
            self.events.append(reply)

    def wait_event(self, method, session, timeout=30):
        deadline = time.time() + timeout
        for i, ev in enumerate(self.events):
            if ev.get("method") == method and ev.get("sessionId") == session:
                return self.events.pop(i)
        while True:
            ev = self._read_message(deadline)
            if ev.get("method") == method and ev.get("sessionId") == session:
                return ev
            self.events.append(ev)

    def close(self):
        try:
            self.send("Browser.close", timeout=5)
        except Exception:
            pass
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
        shutil.rmtree(self.profile, ignore_errors=True)


class Page:
    def __init__(self, browser, path, width=1366, height=900):
        self.b = browser
        target = browser.send("Target.createTarget", {"url": "about:blank"})["targetId"]
        self.s = browser.send("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
        browser.send("Network.enable", session=self.s)
        browser.send("Page.enable", session=self.s)
        browser.send(
            "Emulation.setDeviceMetricsOverride",
            {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": False},
            session=self.s,
        )
        browser.events.clear()
        self.url = Path(path).resolve().as_uri()
        browser.send("Page.navigate", {"url": self.url}, session=self.s)
        browser.wait_event("Page.loadEventFired", self.s)
        time.sleep(0.3)  # let any late request show up

    def eval(self, js):
        r = self.b.send("Runtime.evaluate", {"expression": js, "returnByValue": True}, session=self.s)
        if "exceptionDetails" in r:
            raise RuntimeError(r["exceptionDetails"])
        return r["result"].get("value")

    def requests(self):
        """URLs requested by this page (the page itself included)."""
        # Drain what is pending.
        try:
            self.b.send("Runtime.evaluate", {"expression": "1"}, session=self.s)
        except Exception:
            pass
        return [
            ev["params"]["request"]["url"]
            for ev in self.b.events
            if ev.get("sessionId") == self.s and ev.get("method") == "Network.requestWillBeSent"
        ]

    def screenshot(self, out, full=True):
        params = {"format": "png"}
        if full:
            size = self.eval("[document.documentElement.scrollWidth, document.documentElement.scrollHeight]")
            params["clip"] = {"x": 0, "y": 0, "width": size[0], "height": size[1], "scale": 1}
            params["captureBeyondViewport"] = True
        data = self.b.send("Page.captureScreenshot", params, session=self.s)["data"]
        Path(out).write_bytes(base64.b64decode(data))


    def screenshot_of(self, selector, out, height=None):
        """A screenshot of one element (its top `height` pixels, if given)."""
        r = json.loads(self.eval(
            "JSON.stringify((r => ({x: r.left + scrollX, y: r.top + scrollY, w: r.width, h: r.height}))"
            "(document.querySelector(%s).getBoundingClientRect()))" % json.dumps(selector)
        ))
        pad = 16
        clip = {
            "x": max(0, r["x"] - pad),
            "y": max(0, r["y"] - pad),
            "width": r["w"] + 2 * pad,
            "height": min(r["h"], height or r["h"]) + pad,
            "scale": 1,
        }
        data = self.b.send(
            "Page.captureScreenshot", {"format": "png", "clip": clip, "captureBeyondViewport": True}, session=self.s
        )["data"]
        Path(out).write_bytes(base64.b64decode(data))


def foreign(urls, page_url):
    return [u for u in urls if u != page_url and not u.startswith("data:")]


def sections_present(page, label):
    found = page.eval(
        "JSON.stringify(%s.map(id => { const s = document.getElementById(id);"
        " return s && s.tagName === 'SECTION' && s.querySelector('h2') !== null; }))" % json.dumps(SECTIONS)
    )
    found = json.loads(found)
    missing = [s for s, ok in zip(SECTIONS, found) if not ok]
    check(f"{label}: every section is there ({', '.join(SECTIONS)})", not missing, f"missing {missing}")


def common_checks(page, label):
    sections_present(page, label)
    check(f"{label}: the page's script ran", page.eval("document.documentElement.getAttribute('data-script')") == "ran")
    csp = page.eval("(document.querySelector('meta[http-equiv=\"Content-Security-Policy\"]') || {}).content || ''")
    check(f"{label}: a Content-Security-Policy forbids requests", "default-src 'none'" in csp, csp)
    external = page.eval(
        "Array.from(document.querySelectorAll('script[src],link[href],img[src],iframe,object,embed,"
        "[style*=\"url(\"]')).length"
    )
    check(f"{label}: no element refers to another resource", external == 0, f"{external} elements")
    # Sorting: a click on a numeric header orders the column, a second click reverses it.
    sorted_ok = page.eval(
        """(() => {
      const tables = Array.from(document.querySelectorAll('table.sortable')).filter(t => t.tBodies[0].rows.length > 2);
      for (const t of tables) {
        const ths = Array.from(t.tHead.rows[0].cells);
        const col = ths.findIndex(th => th.classList.contains('num'));
        if (col < 0) continue;
        const vals = () => Array.from(t.tBodies[0].rows).map(r => parseFloat(r.cells[col].getAttribute('data-v')));
        ths[col].click();
        const up = vals();
        ths[col].click();
        const down = vals();
        const asc = up.every((v, i) => i === 0 || up[i - 1] <= v);
        const desc = down.every((v, i) => i === 0 || down[i - 1] >= v);
        return JSON.stringify({table: t.className, asc, desc, n: up.length});
      }
      return JSON.stringify(null);
    })()"""
    )
    result = json.loads(sorted_ok)
    check(
        f"{label}: clicking a header sorts the table up, then down",
        result is not None and result["asc"] and result["desc"],
        str(result),
    )
    # Print styles: the navigation is hidden on paper.
    page.b.send("Emulation.setEmulatedMedia", {"media": "print"}, session=page.s)
    nav = page.eval("getComputedStyle(document.querySelector('nav')).display")
    page.b.send("Emulation.setEmulatedMedia", {"media": ""}, session=page.s)
    check(f"{label}: print styles hide the navigation", nav == "none", nav)
    urls = page.requests()
    check(f"{label}: no request left the page", not foreign(urls, page.url), str(foreign(urls, page.url)))


def netstat_s_captures(path):
    """Captures of a periodic netstat -s log, and their `date` lines: counted from the text."""
    lines = Path(path).read_text(encoding="utf-8", errors="replace").splitlines()
    captures = sum(1 for line in lines if line == "Ip:")
    stamps = [line for line in lines if re.match(r"^[A-Z][a-z]{2} [A-Z][a-z]{2} +\d+ \d\d:\d\d:\d\d ", line)]
    return captures, stamps


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--netsift", default="target/debug/netsift")
    ap.add_argument("--out", default="target/report-browser")
    ap.add_argument("--chromium", default=shutil.which("chromium") or shutil.which("chromium-browser") or "chromium")
    args = ap.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)

    periodic_log = "tests/fixtures/captured/deb12_periodic_netstat-s.txt"
    sosreport = "tests/fixtures/archives/sosreport-deb12.tar.xz"
    pages = {}
    periodic_neopa = "tests/fixtures/captured/deb12_periodic_netstat-neopa.txt"
    for name, source in [("periodic", periodic_log), ("sosreport", sosreport), ("neopa", periodic_neopa)]:
        html = out / f"{name}.html"
        run = subprocess.run([args.netsift, "report", "--html", str(html), source], capture_output=True, text=True)
        check(f"{name}: netsift report --html exits 0", run.returncode == 0, run.stderr)
        pages[name] = html

    browser = Browser(args.chromium)
    try:
        # The control: a page that fetches something must be caught by the network check.
        with tempfile.TemporaryDirectory() as tmp:
            control = Path(tmp) / "control.html"
            control.write_text('<!DOCTYPE html><img src="http://127.0.0.1:9/x.png"><p>control</p>')
            page = Page(browser, control)
            urls = page.requests()
            check("control: a page that makes a request is caught", foreign(urls, page.url), str(urls))

        captures, stamps = netstat_s_captures(periodic_log)
        page = Page(browser, pages["periodic"])
        page.screenshot(out / "periodic.png")
        page.screenshot(out / "periodic-top.png", full=False)
        page.screenshot_of("#timeline", out / "periodic-charts.png", height=1400)
        common_checks(page, "periodic")
        charts = json.loads(
            page.eval(
                """JSON.stringify(Array.from(document.querySelectorAll('figure.chart')).map(f => ({
              name: f.getAttribute('data-chart'),
              series: Array.from(f.querySelectorAll('g.series')).map(g => g.querySelectorAll('circle.pt').length),
              labels: Array.from(f.querySelectorAll('svg > text')).map(t => t.textContent),
            })))"""
            )
        )
        check(f"periodic: there are charts ({len(charts)})", len(charts) >= 2)
        wrong = [c["name"] for c in charts if not c["series"] or any(n != captures for n in c["series"])]
        check(f"periodic: every chart has one point per capture ({captures})", captures >= 20 and not wrong, f"wrong: {wrong}")
        names = [c["name"] for c in charts]
        check("periodic: TcpExt:ListenOverflows is charted", "TcpExt:ListenOverflows" in names, str(names[:10]))
        first_clock = re.search(r"\d\d:\d\d:\d\d", stamps[0]).group(0)
        last_clock = re.search(r"\d\d:\d\d:\d\d", stamps[-1]).group(0)
        labels = charts[0]["labels"] if charts else []
        check(
            "periodic: the time axis is labelled with the capture times",
            first_clock in labels and last_clock in labels and "capture time" in labels,
            f"{first_clock}..{last_clock} in {labels}",
        )
        check(
            "periodic: the axes carry units",
            all(any(u in c["labels"] for u in ("increase", "value", "sockets")) for c in charts),
        )

        # The picture for the README (docs/report.png is a copy): the charts, laptop-wide.
        page = Page(browser, pages["periodic"], width=1100, height=800)
        page.screenshot_of("#timeline", out / "report-docs.png", height=640)

        # Sockets by state over a periodic netstat -neopa log: captures are its title lines.
        text = Path(periodic_neopa).read_text(encoding="utf-8", errors="replace")
        neopa_captures = text.count("Active Internet connections")
        page = Page(browser, pages["neopa"])
        page.screenshot(out / "neopa.png")
        page.screenshot_of("#timeline", out / "neopa-charts.png", height=900)
        common_checks(page, "neopa")
        states = json.loads(
            page.eval(
                """JSON.stringify(Array.from(document.querySelectorAll('figure.chart[data-chart="Sockets by state"] g.series'))
                  .map(g => [g.getAttribute('data-series'), g.querySelectorAll('circle.pt').length]))"""
            )
        )
        names = [s for s, _ in states]
        check(
            f"neopa: the sockets-by-state chart has one point per capture ({neopa_captures}) for each state",
            neopa_captures == 3 and "ESTABLISHED" in names and all(n == neopa_captures for _, n in states),
            str(states),
        )

        page = Page(browser, pages["sosreport"])
        page.screenshot(out / "sosreport.png")
        page.screenshot(out / "sosreport-top.png", full=False)
        common_checks(page, "sosreport")
        listeners = page.eval("document.querySelectorAll('table.listeners tbody tr').length")
        check("sosreport: listeners are listed", listeners and listeners > 0, str(listeners))
        compared = page.eval(
            "Array.from(document.querySelectorAll('#notes li')).filter(li => /netstat_-.*ss_-tupna/.test(li.textContent)).length"
        )
        check("sosreport: the notes compare netstat with ss", compared == 1, str(compared))
    finally:
        browser.close()

    passed = sum(RESULTS)
    failed = len(RESULTS) - passed
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
