// The regular expressions of capture recipes (package patterns, expected answers) are matched against what a container
// says (its package names, a command's output): a pattern whose matching time can explode on a crafted input would let
// a container stall Kura. Refused: back-references, and a repeated group (*, + or {n,}) that itself repeats or
// alternates, the shapes of catastrophic backtracking ((a+)+, (a|aa)*). Pure.

const GROUP_REPEAT = /^(?:[*+]|\{\d*,?\d*\})/;

export function checkRecipePattern(pattern: string): string | null {
  try {
    new RegExp(pattern);
  } catch (error) {
    return `not a regular expression: ${(error as Error).message}`;
  }
  if (/\\[1-9]|\\k</.test(pattern)) return "back-references are not allowed";
  // For each open group: does it repeat or alternate inside?
  const groups: boolean[] = [];
  let inClass = false;
  for (let index = 0; index < pattern.length; index++) {
    const char = pattern[index]!;
    if (char === "\\") {
      index++;
      continue;
    }
    if (inClass) {
      if (char === "]") inClass = false;
      continue;
    }
    if (char === "[") inClass = true;
    else if (char === "(") groups.push(false);
    else if ((char === "*" || char === "+" || char === "{" || char === "|") && groups.length) groups[groups.length - 1] = true;
    else if (char === ")") {
      const risky = groups.pop() ?? false;
      const repeated = GROUP_REPEAT.test(pattern.slice(index + 1));
      if (risky && repeated) return "a repeated group may not itself repeat or alternate (it can take exponential time)";
      if (groups.length && (risky || repeated)) groups[groups.length - 1] = true;
    }
  }
  return null;
}
