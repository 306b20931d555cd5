/** @type {import('next').NextConfig} */
const nextConfig = {
  // dockerode pulls in ssh2 (native addon) and better-sqlite3 is native too: keep them out of
  // the server bundle and load them from node_modules at run time.
  serverExternalPackages: [
    "dockerode",
    "docker-modem",
    "ssh2",
    "cpu-features",
    "better-sqlite3",
    "@prisma/adapter-better-sqlite3",
    "@node-rs/argon2",
  ],
  poweredByHeader: false,
  reactStrictMode: true,
};

module.exports = nextConfig;
