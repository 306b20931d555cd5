import { describe, expect, it } from "vitest";
import { parseAptPolicy } from "./parse-apt-policy";

describe("parseAptPolicy", () => {
  it("keeps candidates and drops packages the repositories cannot install", () => {
    const text = [
      "samba:",
      "  Installed: (none)",
      "  Candidate: 2:4.22.4+dfsg-1~deb13u1",
      "  Version table:",
      "     2:4.22.4+dfsg-1~deb13u1 500",
      "        500 http://deb.debian.org/debian trixie/main amd64 Packages",
      "policykit-1:",
      "  Installed: (none)",
      "  Candidate: (none)",
      "  Version table:",
      "libc6:amd64:",
      "  Installed: 2.41-12",
      "  Candidate: 2.41-12",
    ].join("\n");
    expect(parseAptPolicy(text)).toEqual({ samba: "2:4.22.4+dfsg-1~deb13u1", libc6: "2.41-12" });
  });
});
