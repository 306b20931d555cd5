import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dockerHost, exec, removeContainer, runContainer, uniqueName } from "@/e2e/fixtures/containers";
import { archiveService, restoreOntoTrixie, runScript, tryScript } from "@/e2e/fixtures/release-jump";
import { ensureRedisImage, REDIS_TAG } from "@/e2e/harness/bullseye-images.mjs";

// Issue 14: a Debian 11 Redis 6.0, set up by its admin in the running container: `maxmemory 64mb` and a
// `requirepass` in /etc/redis/redis.conf, a key set and saved (SAVE) to /var/lib/redis/dump.rdb. Archived with the
// default selection and restored onto Debian 13 (Redis 8) with no hand edit: Redis starts, redis-cli with the
// password reads the key back and CONFIG GET maxmemory says 64 MB.
// Before issue 14 the restored 6.0 redis.conf kept `bind 127.0.0.1 ::1` (a line the admin never touched); a container has
// no ::1, which Redis 6.0 skipped but Redis 8 does not: it aborted (Could not create server TCP listening socket ::1:6379).
// What brings it back: the merge gives the untouched line Redis 8's default (bind 127.0.0.1 -::1) and keeps the
// admin's maxmemory and requirepass.

const source = uniqueName("kura-it-redis");
const restored = uniqueName("kura-it-redis-restored");
const PASSWORD = "redis-secret-1";
const KEY = "kura:greeting";
const VALUE = "kept across the release jump";
let archiveId = "";

const cli = (...args: string[]) => `redis-cli -a '${PASSWORD}' --no-auth-warning ${args.join(" ")}`;
const SETUP = `
sed -i 's|^# maxmemory <bytes>|maxmemory 64mb|' /etc/redis/redis.conf
sed -i 's|^# requirepass foobared|requirepass ${PASSWORD}|' /etc/redis/redis.conf
`;

/** Starts redis-server as the redis user with the packaged config (as its service unit would), waits for PONG. */
const START = [
  "install -d -o redis -g redis /run/redis",
  "pgrep -x redis-server >/dev/null || su redis -s /bin/sh -c 'redis-server /etc/redis/redis.conf'",
  `for i in $(seq 1 50); do ${cli("ping")} 2>/dev/null | grep -q PONG && exit 0; sleep 0.2; done`,
  "tail -n 5 /var/log/redis/redis-server.log >&2",
  "exit 1",
].join("\n");
const GET = cli("GET", KEY);
const MAXMEMORY = cli("CONFIG GET maxmemory");
const CHECK = `set -e\n(${START})\n${GET}\n${MAXMEMORY}`;

describe("a Debian 11 Redis restored onto Debian 13 (issue 14)", () => {
  beforeAll(async () => {
    ensureRedisImage(dockerHost());
    runContainer({ name: source, image: REDIS_TAG });
    runScript(source, SETUP);
    runScript(source, START);
    expect(runScript(source, cli("SET", KEY, `'${VALUE}'`))).toBe("OK");
    expect(runScript(source, cli("SAVE"))).toBe("OK");
    // The scenario works on the original.
    expect(runScript(source, GET)).toBe(VALUE);
    expect(runScript(source, MAXMEMORY)).toBe("maxmemory\n67108864");
    expect(tryScript(source, `redis-cli GET ${KEY}`).output).toMatch(/NOAUTH/);
    runScript(source, `${cli("SHUTDOWN")} || true`);
    archiveId = await archiveService(source, "redis it");
  }, 600_000);

  afterAll(() => {
    removeContainer(restored);
    removeContainer(source);
  });

  it("with no hand edit: Redis 8 starts, redis-cli -a reads the saved key, CONFIG GET maxmemory says 64 MB", async () => {
    const { error, restore } = await restoreOntoTrixie(archiveId, restored, CHECK);
    expect(exec(restored, ["sh", "-c", ". /etc/os-release && echo $VERSION_CODENAME"])).toBe("trixie");
    const started = tryScript(restored, START);
    expect.soft(started.exitCode, started.output).toBe(0);
    expect.soft(tryScript(restored, GET).output).toBe(VALUE);
    expect.soft(tryScript(restored, MAXMEMORY).output).toBe("maxmemory\n67108864");
    // The password came back with the configuration: without it, Redis refuses.
    expect.soft(tryScript(restored, `redis-cli GET ${KEY}`).output).toMatch(/NOAUTH/);
    expect(error, restore.log).toBeNull();
    expect(restore.state).toBe("succeeded");
    expect(restore.check).toMatchObject({ exitCode: 0, ok: true });
  }, 900_000);
});
