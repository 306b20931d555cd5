import { describe, expect, it } from "vitest";
import { parseOsRelease } from "./parse-os-release";

const BOOKWORM = `PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"
NAME="Debian GNU/Linux"
VERSION_ID="12"
VERSION="12 (bookworm)"
VERSION_CODENAME=bookworm
ID=debian
HOME_URL="https://www.debian.org/"
`;

describe("parseOsRelease", () => {
  it("reads Debian 12", () => {
    expect(parseOsRelease(BOOKWORM)).toMatchObject({
      id: "debian",
      versionId: "12",
      prettyName: "Debian GNU/Linux 12 (bookworm)",
      versionCodename: "bookworm",
    });
  });
  it("handles comments, single quotes, escapes and ID_LIKE", () => {
    const parsed = parseOsRelease(`# comment\nID='rocky'\nID_LIKE="rhel centos fedora"\nNAME="Say \\"hi\\""\nVERSION_ID=9.3\n`);
    expect(parsed).toMatchObject({ id: "rocky", versionId: "9.3", idLike: ["rhel", "centos", "fedora"], prettyName: 'Say "hi" 9.3' });
  });
  it("returns null without an ID", () => {
    expect(parseOsRelease("NAME=nothing\n")).toBeNull();
    expect(parseOsRelease("")).toBeNull();
  });
  it("handles Alpine (no VERSION_CODENAME)", () => {
    expect(parseOsRelease('NAME="Alpine Linux"\nID=alpine\nVERSION_ID=3.20.0\nPRETTY_NAME="Alpine Linux v3.20"\n')).toMatchObject({
      id: "alpine",
      versionCodename: null,
      prettyName: "Alpine Linux v3.20",
    });
  });
});
