// The custom-image scenario (issue 13): a service image built FROM debian:bookworm with a Dockerfile
// that installs nginx and python3, edits nginx.conf, writes a page, copies an app, a tool into
// /usr/local/bin and a site file into /etc, and deletes two files the packages installed. None of
// that is in the container's writable layer: it lives in the image's own layers. The image is built
// once per engine (cached by tag). Docker is called with argv arrays only.
import { execFileSync } from "node:child_process";
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { dockerHostArgument, ensureDebianImage, hasImage } from "./engine.mjs";

export const NGINX_APP_TAG = "kura-test/nginx-app:bookworm";

export const NGINX_APP_FILES = {
  page: { path: "/var/www/html/index.html", content: "<h1>Kura nginx app: built into the image</h1>\n" },
  app: { path: "/opt/app/app.py", content: 'print("kura app says hello")\n' },
  tool: { path: "/usr/local/bin/kura-hello", content: "#!/bin/sh\necho kura tool says hello\n" },
  site: {
    path: "/etc/nginx/conf.d/kura-app.conf",
    content: "server {\n    listen 80 default_server;\n    root /var/www/html;\n    index index.html;\n}\n",
  },
  /** Written by the container after it started (its writable layer). */
  containerPage: { path: "/var/www/html/page2.html", content: "<h1>page written by the container</h1>\n" },
};
/** Package files (or package-made links) an image layer deleted. */
export const NGINX_APP_DELETED = ["/etc/nginx/sites-enabled/default", "/usr/share/nginx/html/index.html"];

const DOCKERFILE = [
  "FROM debian:bookworm",
  "RUN apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends nginx python3 " +
    "&& rm -rf /var/lib/apt/lists/*",
  "RUN sed -i 's/worker_connections [0-9]*;/worker_connections 999;/' /etc/nginx/nginx.conf",
  `RUN mkdir -p /var/www/html && printf '%s' '${NGINX_APP_FILES.page.content.replace(/\n$/, "")}' > /var/www/html/index.html ` +
    "&& echo >> /var/www/html/index.html",
  "COPY app.py /opt/app/",
  "COPY kura-hello /usr/local/bin/",
  "COPY kura-app.conf /etc/nginx/conf.d/",
  `RUN rm ${NGINX_APP_DELETED.join(" ")}`,
  'CMD ["sleep", "infinity"]',
  "",
].join("\n");

/** Builds kura-test/nginx-app:bookworm when the engine lacks it (apt on the host network, about a minute). */
export function ensureNginxAppImage(dockerHost) {
  const host = dockerHostArgument(dockerHost);
  const socketPath = host.slice("unix://".length);
  if (hasImage(socketPath, NGINX_APP_TAG)) return NGINX_APP_TAG;
  ensureDebianImage(socketPath, "bookworm");
  const context = mkdtempSync(path.join(tmpdir(), "kura-nginx-app-"));
  try {
    writeFileSync(path.join(context, "Dockerfile"), DOCKERFILE);
    writeFileSync(path.join(context, "app.py"), NGINX_APP_FILES.app.content);
    writeFileSync(path.join(context, "kura-hello"), NGINX_APP_FILES.tool.content);
    chmodSync(path.join(context, "kura-hello"), 0o755);
    writeFileSync(path.join(context, "kura-app.conf"), NGINX_APP_FILES.site.content);
    execFileSync("docker", ["-H", host, "build", "--network", "host", "-t", NGINX_APP_TAG, context], { stdio: "ignore" });
  } finally {
    rmSync(context, { recursive: true, force: true });
  }
  return NGINX_APP_TAG;
}

export const NGINX_APP_DERIVED_TAG = "kura-test/nginx-app-derived:bookworm-2";

/**
 * An image built FROM kura-test/nginx-app:bookworm (a base that is not a distribution's) that adds /srv/extra, and
 * /srv/data in one layer which the next replaces whole (an opaque folder in overlay2: old.txt is hidden).
 */
export function ensureNginxAppDerivedImage(dockerHost) {
  const host = dockerHostArgument(dockerHost);
  if (hasImage(host.slice("unix://".length), NGINX_APP_DERIVED_TAG)) return NGINX_APP_DERIVED_TAG;
  ensureNginxAppImage(dockerHost);
  const dockerfile = [
    `FROM ${NGINX_APP_TAG}`,
    "RUN mkdir -p /srv/extra /srv/data && echo 'derived layer' > /srv/extra/note.txt && echo old > /srv/data/old.txt",
    "RUN rm -rf /srv/data && mkdir /srv/data && echo new > /srv/data/new.txt",
    "",
  ].join("\n");
  execFileSync("docker", ["-H", host, "build", "--network", "none", "-t", NGINX_APP_DERIVED_TAG, "-"], {
    input: dockerfile,
    stdio: ["pipe", "ignore", "ignore"],
  });
  return NGINX_APP_DERIVED_TAG;
}

/**
 * A shell script (a fixed string, for `sh -c`) that proves a (restored) container holds everything the image and
 * the container wrote and that nginx serves both pages: prints "ok" and exits 0, else says what is missing.
 */
export const NGINX_APP_CHECK = [
  "set -eu",
  "grep -q 'worker_connections 999;' /etc/nginx/nginx.conf || { echo 'nginx.conf lost its edit'; exit 1; }",
  `grep -q 'built into the image' ${NGINX_APP_FILES.page.path} || { echo 'index.html missing'; exit 1; }`,
  `grep -q 'kura app says hello' ${NGINX_APP_FILES.app.path} || { echo 'app.py missing'; exit 1; }`,
  `test -x ${NGINX_APP_FILES.tool.path} || { echo 'kura-hello missing'; exit 1; }`,
  `${NGINX_APP_FILES.tool.path} | grep -q 'kura tool says hello' || { echo 'kura-hello does not run'; exit 1; }`,
  `grep -q 'listen 80 default_server' ${NGINX_APP_FILES.site.path} || { echo 'site config missing'; exit 1; }`,
  ...NGINX_APP_DELETED.map((file) => `! test -e ${file} || { echo '${file} came back'; exit 1; }`),
  "nginx -t >/dev/null 2>&1 || { nginx -t; exit 1; }",
  // A second nginx fails to bind port 80 and exits: starting one is always safe.
  "nginx >/dev/null 2>&1 || true",
  "python3 - <<'PY'",
  "import time, urllib.request",
  "for attempt in range(50):",
  "    try:",
  "        first = urllib.request.urlopen('http://127.0.0.1/').read().decode()",
  "        second = urllib.request.urlopen('http://127.0.0.1/page2.html').read().decode()",
  "        break",
  "    except OSError:",
  "        time.sleep(0.2)",
  "else:",
  "    raise SystemExit('nginx does not answer on 127.0.0.1:80')",
  "assert 'built into the image' in first, first",
  "assert 'written by the container' in second, second",
  "PY",
  "echo ok",
].join("\n");
