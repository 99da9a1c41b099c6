"""A real PostgreSQL 15 for end-to-end tests and benchmarks: initdb into a temporary folder (as
the `postgres` user when running as root: initdb refuses root), listening on a Unix socket in
that folder and a free port of 127.0.0.1; stop() stops it and removes the folder. Binaries from
$HAYLOFT_PG_BIN, else /usr/lib/postgresql/15/bin. TCP connections need the password."""
import os
import shutil
import subprocess
import tempfile

from harness import free_port

PG_BIN = os.environ.get("HAYLOFT_PG_BIN", "/usr/lib/postgresql/15/bin")
PASSWORD = "hayloft-e2e"


def available():
    return os.path.exists(os.path.join(PG_BIN, "initdb"))


class Postgres:
    def __init__(self):
        self.dir = tempfile.mkdtemp(prefix="hayloft-pg-")
        self.port = free_port()
        self.running = False

    def _run(self, *cmd):
        argv = list(cmd)
        if os.geteuid() == 0:
            argv = ["runuser", "-u", "postgres", "--"] + argv
        r = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        if r.returncode != 0:
            raise RuntimeError("%s failed:\n%s" % (" ".join(argv), r.stdout))
        return r.stdout

    def start(self):
        if os.geteuid() == 0:
            shutil.chown(self.dir, "postgres", "postgres")
        pwfile = os.path.join(self.dir, "pwfile")
        with open(pwfile, "w") as f:
            f.write(PASSWORD + "\n")
        if os.geteuid() == 0:
            shutil.chown(pwfile, "postgres", "postgres")
        self._run(os.path.join(PG_BIN, "initdb"), "-D", os.path.join(self.dir, "data"), "-U", "postgres",
                  "--pwfile=" + pwfile, "--auth-local=trust", "--auth-host=scram-sha-256", "-E", "UTF8",
                  "--locale=C.UTF-8", "--no-sync")
        self.restart()
        return self

    def restart(self):
        opts = "-k %s -p %d -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200" % (self.dir, self.port)
        self._run(os.path.join(PG_BIN, "pg_ctl"), "-D", os.path.join(self.dir, "data"), "-l",
                  os.path.join(self.dir, "log"), "-w", "-t", "30", "-o", opts, "start")
        self.running = True

    def stop_server(self, mode="fast"):
        self._run(os.path.join(PG_BIN, "pg_ctl"), "-D", os.path.join(self.dir, "data"), "-w", "-m", mode, "stop")
        self.running = False

    def stop(self):
        if self.running:
            try:
                self.stop_server("immediate")
            except RuntimeError:
                pass
        shutil.rmtree(self.dir, ignore_errors=True)

    def url(self, db="postgres"):
        return "postgresql://postgres:%s@127.0.0.1:%d/%s" % (PASSWORD, self.port, db)

    def psql(self, sql, db="postgres"):
        return self._run(os.path.join(PG_BIN, "psql"), "-X", "-q", "-At", "-v", "ON_ERROR_STOP=1", "-h", self.dir,
                         "-p", str(self.port), "-U", "postgres", "-d", db, "-c", sql)
