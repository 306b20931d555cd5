import { describe, expect, it } from "vitest";
import { findAccountCollisions, parseAccountLines, userWillExist } from "@/lib/restores/plan/find-account-collisions";

const base = {
  passwd: "root:x:0:0:root:/root:/bin/bash\nubuntu:x:1000:1000::/home/ubuntu:/bin/bash\n",
  group: "root:x:0:\nubuntu:x:1000:\nsambashare:x:101:\n",
};
const archived = {
  passwd: "root:x:0:0:root:/root:/bin/sh\nbob:x:1000:1000::/home/bob:/bin/sh\nalice:x:1001:1001::/home/alice:/bin/sh\n",
  group: "root:x:0:\nbob:x:1000:\nsambashare:x:107:alice\nalice:x:1001:\n",
};

describe("findAccountCollisions", () => {
  it("warns about each archived user or group whose id belongs to another name in the base", () => {
    expect(findAccountCollisions({ archived, base, baseImage: "ubuntu:24.04" })).toEqual([
      {
        kind: "gid-collision",
        message:
          'Group "bob" (gid 1000) will not be recreated because gid 1000 belongs to "ubuntu" in ubuntu:24.04; its files keep gid 1000 and so appear to belong to "ubuntu". Give "bob" a free gid in accounts/group of the build context, or run groupadd bob after the build and chgrp its files.',
      },
      {
        kind: "uid-collision",
        message:
          'User "bob" (uid 1000) will not be recreated because uid 1000 belongs to "ubuntu" in ubuntu:24.04; its files keep uid 1000 and so appear to belong to "ubuntu". Give "bob" a free uid in accounts/passwd of the build context, or run useradd bob after the build and chown its files.',
      },
    ]);
  });
  it("says nothing without the base's accounts or the archived files", () => {
    expect(findAccountCollisions({ archived, base: null, baseImage: "x" })).toEqual([]);
    expect(findAccountCollisions({ archived: {}, base, baseImage: "x" })).toEqual([]);
  });
});

describe("parseAccountLines and userWillExist", () => {
  it("skips comments, blanks, NIS lines and short lines", () => {
    expect(parseAccountLines("# c\n\n+::0:0:::\nshort:x\nok:x:5:5::/:/bin/sh\r\n").map((line) => [line.name, line.id])).toEqual([
      ["ok", "5"],
    ]);
  });
  it("knows whether USER will resolve in the rebuilt image", () => {
    expect(userWillExist("alice", archived, base)).toBe(true);
    expect(userWillExist("bob", archived, base)).toBe(false);
    expect(userWillExist("ubuntu", archived, base)).toBe(true);
    expect(userWillExist("ghost", archived, base)).toBe(false);
    expect(userWillExist("1234", archived, base)).toBe(true);
    expect(userWillExist("ghost", archived, null)).toBeNull();
  });
});
