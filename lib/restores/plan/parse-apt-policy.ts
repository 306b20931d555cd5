// `apt-cache policy a b c` output -> candidate version per package that the repositories have.
// A package the repositories do not know is absent from the output (or has "Candidate: (none)").

export function parseAptPolicy(text: string): Record<string, string> {
  const found: Record<string, string> = {};
  let current: string | null = null;
  for (const line of text.split("\n")) {
    const header = /^(\S+):$/.exec(line);
    if (header) {
      current = header[1]!.replace(/:[a-z0-9]+$/, "");
      continue;
    }
    const candidate = /^\s+Candidate:\s*(\S+)/.exec(line);
    if (candidate && current && candidate[1] !== "(none)") found[current] = candidate[1]!;
  }
  return found;
}
