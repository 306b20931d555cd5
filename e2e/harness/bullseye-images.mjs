// Debian 11 scenarios (issue 13), each an image built once and cached by tag, FROM debian:bullseye:
//   kura-test/postfix:bullseye  postfix installed with non-default debconf answers (mailname, mailer type):
//                               what the install decided lives only in debconf's database, in the image.
//   kura-test/sshd:bullseye     openssh-server with its host keys removed from the image; the container
//                               makes them when it first starts (ssh-keygen -A), as many real images do,
//                               so they live in the container's writable layer.
// Plain Node (the harness runs before node_modules exists). Docker is called with argv arrays only.
import { ensureImageFromDockerfile } from "./engine.mjs";

export const POSTFIX_TAG = "kura-test/postfix:bullseye";
export const POSTFIX_MAILNAME = "mail.example.org";

const POSTFIX_DOCKERFILE = [
  "FROM debian:bullseye",
  `RUN echo "postfix postfix/mailname string ${POSTFIX_MAILNAME}" | debconf-set-selections \\`,
  ' && echo "postfix postfix/main_mailer_type select Internet Site" | debconf-set-selections \\',
  " && apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends postfix \\",
  " && rm -rf /var/lib/apt/lists/*",
  "",
].join("\n");

export const SSHD_TAG = "kura-test/sshd:bullseye";
/** The container's command: host keys made at first start (kept when they exist), then it stays up. */
export const SSHD_COMMAND = ["sh", "-c", "ssh-keygen -A && exec sleep infinity"];

const SSHD_DOCKERFILE = [
  "FROM debian:bullseye",
  "RUN apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends openssh-server \\",
  " && rm -rf /var/lib/apt/lists/* && rm -f /etc/ssh/ssh_host_*",
  `CMD ${JSON.stringify(SSHD_COMMAND)}`,
  "",
].join("\n");

/** Builds kura-test/postfix:bullseye when the tag is missing (about a minute). */
export function ensurePostfixImage(dockerHost) {
  return ensureImageFromDockerfile(dockerHost, {
    tag: POSTFIX_TAG,
    dockerfile: POSTFIX_DOCKERFILE,
    what: "apt-get install postfix with preseeded debconf answers, about a minute",
    suite: "bullseye",
  });
}

/** Builds kura-test/sshd:bullseye when the tag is missing (about a minute). */
export function ensureSshdImage(dockerHost) {
  return ensureImageFromDockerfile(dockerHost, {
    tag: SSHD_TAG,
    dockerfile: SSHD_DOCKERFILE,
    what: "apt-get install openssh-server, host keys made at first start, about a minute",
    suite: "bullseye",
  });
}
