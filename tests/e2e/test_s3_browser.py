"""A web page on a second origin uploads to hayloft with a presigned PUT through fetch(), after the
browser's CORS preflight, in real headless Chromium (Debian's chromium + chromium-driver, driven
by python3-selenium, as the dashboard test). The same page is refused without a CORS rule."""
import http.server
import json
import os
import shutil
import socketserver
import sys
import tempfile
import threading
import unittest

sys.path.insert(0, os.path.dirname(__file__))
from harness import HayloftTestCase  # noqa: E402

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMEDRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"
try:
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    from selenium.webdriver.support.ui import WebDriverWait
    HAVE_SELENIUM = True
except ImportError:
    HAVE_SELENIUM = False

MISSING = [what for what, ok in (("python3-selenium", HAVE_SELENIUM), ("chromium", os.path.exists(CHROMIUM)),
                                 ("chromium-driver", os.path.exists(CHROMEDRIVER))) if not ok]

PAGE = """<!doctype html><html><head><title>waiting</title></head><body><script>
fetch(%s, {method: "PUT", headers: {"Content-Type": "text/plain"}, body: "hello from the browser"})
  .then(r => { document.title = "status " + r.status + " etag " + r.headers.get("ETag"); })
  .catch(e => { document.title = "error " + e; });
</script></body></html>"""


@unittest.skipIf(MISSING, "not installed: %s (scripts/setup installs them)" % ", ".join(MISSING))
class BrowserUploadTest(HayloftTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        options = webdriver.ChromeOptions()
        options.binary_location = CHROMIUM
        for arg in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu", "--no-first-run",
                    "--disable-extensions"):
            options.add_argument(arg)
        cls.profile = tempfile.mkdtemp(prefix="hayloft-chromium-")
        options.add_argument("--user-data-dir=" + cls.profile)
        cls.browser = webdriver.Chrome(service=Service(executable_path=CHROMEDRIVER), options=options)
        # The page's origin: a plain HTTP server on another port serving one page per path.
        cls.pages = {}
        pages = cls.pages

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                body = pages.get(self.path, "").encode()
                self.send_response(200 if body else 404)
                self.send_header("Content-Type", "text/html")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        cls.site = socketserver.TCPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=cls.site.serve_forever, daemon=True).start()
        cls.origin = "http://127.0.0.1:%d" % cls.site.server_address[1]

    @classmethod
    def tearDownClass(cls):
        cls.browser.quit()
        cls.site.shutdown()
        cls.site.server_close()
        shutil.rmtree(cls.profile, ignore_errors=True)
        super().tearDownClass()

    def upload_from_page(self, bucket, key):
        url = self.s3.generate_presigned_url("put_object", Params={"Bucket": bucket, "Key": key,
                                                                   "ContentType": "text/plain"}, ExpiresIn=300)
        path = "/%s-%s.html" % (bucket, key.replace("/", "_"))
        self.pages[path] = PAGE % json.dumps(url)
        self.browser.get(self.origin + path)
        WebDriverWait(self.browser, 30).until(lambda b: b.title != "waiting")
        return self.browser.title

    def setUp(self):
        super().setUp()
        self.s3 = self.hayloft.client("s3")

    def test_presigned_put_from_another_origin_after_preflight(self):
        self.s3.create_bucket(Bucket="web-uploads")
        self.s3.put_bucket_cors(Bucket="web-uploads", CORSConfiguration={"CORSRules": [{
            "AllowedOrigins": [self.origin], "AllowedMethods": ["PUT"], "AllowedHeaders": ["*"],
            "ExposeHeaders": ["ETag"], "MaxAgeSeconds": 60}]})
        title = self.upload_from_page("web-uploads", "from/browser.txt")
        etag = self.s3.head_object(Bucket="web-uploads", Key="from/browser.txt")["ETag"]
        self.assertEqual(title, "status 200 etag %s" % etag)
        body = self.s3.get_object(Bucket="web-uploads", Key="from/browser.txt")["Body"].read()
        self.assertEqual(body, b"hello from the browser")

    def test_without_a_cors_rule_the_browser_refuses(self):
        self.s3.create_bucket(Bucket="no-cors")
        title = self.upload_from_page("no-cors", "x.txt")
        self.assertTrue(title.startswith("error"), title)
        objects = self.s3.list_objects_v2(Bucket="no-cors").get("Contents", [])
        self.assertEqual(objects, [])


if __name__ == "__main__":
    unittest.main()
