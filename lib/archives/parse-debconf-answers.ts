// What the package installs decided, from debconf's database (issue 13): /var/cache/debconf/config.dat
// (the questions, their values, owners and flags) and templates.dat (each question's type), both in
// debconf's own 822-like format (Debconf::Format::822: "Field: value" lines, a blank line ends a
// record, a newline inside a value is written as the two characters "\n", "Variables:" is followed by
// indented "name = value" lines). The answers come back by `debconf-set-selections` before the
// restore installs the packages, so anything that file's parser could misread is refused here, with a
// reason. Pure: text in, plain data out. Input is hostile (a container's files): bounded, no regex
// that can backtrack.

// Debian policy 5.6.1, as manifest.ts has it (not imported: manifest.ts imports this module).
const DEBIAN_PACKAGE_NAME = /^[a-z0-9][a-z0-9+.-]+$/;

/** The types debconf-set-selections takes that carry an answer (note, text, title, error carry none). */
export const DEBCONF_ANSWER_TYPES = ["string", "boolean", "select", "multiselect", "password"] as const;
export type DebconfAnswerType = (typeof DEBCONF_ANSWER_TYPES)[number];

/** value null: a password, never kept (debconf keeps them in passwords.dat, which Kura does not read). */
export type DebconfAnswer = { package: string; question: string; type: DebconfAnswerType; value: string | null };
export type RefusedDebconfAnswer = { question: string; reason: string };
export type ParsedDebconfAnswers = { answers: DebconfAnswer[]; refused: RefusedDebconfAnswer[] };

/** A question's name: one word, as debconf names them ("postfix/mailname", "tzdata/Zones/Etc"). */
export const DEBCONF_QUESTION = /^[A-Za-z0-9][A-Za-z0-9_.+:/-]*$/;
const QUESTION_MAX = 200;
export const DEBCONF_VALUE_MAX = 4096;
/** More answers than any real system has; past it the rest are refused in one line. */
export const DEBCONF_ANSWERS_MAX = 5000;
const REFUSED_LISTED_MAX = 50;

type Record822 = { fields: Map<string, string>; hasVariables: boolean };

/** Records of a debconf 822 file: field names lower-cased, the first of a repeated field kept. */
function parseRecords(text: string): Record822[] {
  const records: Record822[] = [];
  let current: Record822 | null = null;
  let inVariables = false;
  for (const rawLine of text.split("\n")) {
    const line = rawLine.endsWith("\r") ? rawLine.slice(0, -1) : rawLine;
    if (line === "") {
      if (current) records.push(current);
      current = null;
      inVariables = false;
      continue;
    }
    current ??= { fields: new Map(), hasVariables: false };
    if (inVariables && /^\s/.test(line)) continue; // a template variable (e.g. the choices shown), not an answer
    inVariables = false;
    const colon = line.indexOf(":");
    if (colon <= 0) continue; // debconf reads such a line as a field with an empty name and drops it
    const key = line.slice(0, colon).toLowerCase();
    // debconf splits on /:\s?/: one optional blank after the colon, the rest is the value.
    const value = line.slice(colon + 1).replace(/^[ \t]/, "");
    if (key === "variables") {
      inVariables = true;
      current.hasVariables = true;
      continue;
    }
    if (!current.fields.has(key)) current.fields.set(key, value);
  }
  if (current) records.push(current);
  return records;
}

/** Why debconf-set-selections would not read `value` back as it is, or null when it would. */
export function debconfValueProblem(value: string, type: DebconfAnswerType): string | null {
  if (value.length > DEBCONF_VALUE_MAX) return `its value is ${value.length} characters long, over the ${DEBCONF_VALUE_MAX} Kura keeps`;
  // "\n" is how debconf writes a line break (and a literal backslash-n reads back as one): one line only.
  if (value.includes("\\n") || /[\r\n]/.test(value)) return "its value spans several lines";
  if (/[\u0000-\u0008\u000b-\u001f\u007f]/.test(value)) return "its value holds control characters";
  if (value.endsWith("\\")) return "its value ends with a backslash, which debconf-set-selections reads as a continued line";
  if (/\s$/.test(value)) return "its value ends with blanks, which would not survive being read back";
  if (type === "boolean" && value !== "true" && value !== "false") return "it is a boolean whose value is neither true nor false";
  return null;
}

/** Why a question name cannot be written on a debconf-set-selections line, or null. */
export function debconfQuestionProblem(question: string): string | null {
  if (question.length > QUESTION_MAX) return `its name is over ${QUESTION_MAX} characters`;
  if (!DEBCONF_QUESTION.test(question)) return "its name is not one word of letters, digits and _ . + : / -";
  return null;
}

const split = (list: string | undefined) =>
  (list ?? "")
    .split(",")
    .map((item) => item.trim())
    .filter(Boolean);

const printableName = (name: string) => JSON.stringify(name.length > 80 ? `${name.slice(0, 80)}…` : name);

/**
 * The answers worth preseeding in a restore: the questions owned by one of `packages` (the archive's
 * package list) whose Value is set. Which to keep: a Value is what the admin answered, what a
 * preseed gave, or what the package's config script decided for this machine (postfix's mailname
 * from the host name): all of them shaped the installed configuration, so all come back. A question
 * with no Value was answered by its template's default; the new release's default is the better
 * guess, so it is not preseeded (its "seen" flag alone says nothing about what to answer). Password
 * questions are listed with a null value: debconf keeps them apart (passwords.dat), Kura never
 * reads them, and the plan says to enter them again.
 */
export function parseDebconfAnswers(input: { config: string; templates: string; packages: Iterable<string> }): ParsedDebconfAnswers {
  const packages = new Set(input.packages);
  const types = new Map<string, string>();
  for (const record of parseRecords(input.templates)) {
    const name = record.fields.get("name");
    const type = record.fields.get("type");
    if (name && type && !types.has(name)) types.set(name, type.trim());
  }
  const answers: DebconfAnswer[] = [];
  const refused: RefusedDebconfAnswer[] = [];
  const seen = new Set<string>();
  let refusedUnlisted = 0;
  const refuse = (question: string, reason: string) => {
    if (refused.length < REFUSED_LISTED_MAX) refused.push({ question, reason });
    else refusedUnlisted++;
  };
  for (const record of parseRecords(input.config)) {
    const question = record.fields.get("name");
    if (question === undefined) continue;
    const owners = split(record.fields.get("owners")).filter((owner) => packages.has(owner));
    // Questions of packages the archive does not list (removed since, or debconf's own bookkeeping) are not the service's.
    const owner = owners.filter((name) => DEBIAN_PACKAGE_NAME.test(name)).sort()[0];
    if (!owner) continue;
    const type = types.get(record.fields.get("template") ?? question) ?? null;
    const isAnswerType = (DEBCONF_ANSWER_TYPES as readonly string[]).includes(type ?? "");
    const flags = split(record.fields.get("flags"));
    const value = record.fields.get("value");
    if (type !== null && !isAnswerType) continue; // a note, text, title or error: nothing to answer
    if (type === "password") {
      if (value !== undefined || flags.includes("seen")) {
        const problem = debconfQuestionProblem(question);
        if (problem) refuse(question, `the password question ${printableName(question)} was not recorded: ${problem}`);
        else if (!seen.has(question)) answers.push({ package: owner, question, type: "password", value: null });
        seen.add(question);
      }
      continue;
    }
    if (value === undefined) continue;
    if (seen.has(question)) continue;
    seen.add(question);
    const problem =
      debconfQuestionProblem(question) ??
      (type === null ? "debconf's templates.dat gives no type for it" : debconfValueProblem(value, type as DebconfAnswerType));
    if (problem) {
      refuse(question, `the answer to ${printableName(question)} (${owner}) was not kept: ${problem}`);
      continue;
    }
    if (answers.length >= DEBCONF_ANSWERS_MAX) {
      refuse(question, `the answer to ${printableName(question)} (${owner}) was not kept: over ${DEBCONF_ANSWERS_MAX} answers`);
      continue;
    }
    answers.push({ package: owner, question, type: type as DebconfAnswerType, value });
  }
  if (refusedUnlisted) refused.push({ question: "", reason: `${refusedUnlisted} more answers were not kept for the same reasons` });
  answers.sort((a, b) => (a.package === b.package ? (a.question < b.question ? -1 : 1) : a.package < b.package ? -1 : 1));
  return { answers, refused };
}

/** The answers as `debconf-set-selections` input: one "owner question type value" line each (passwords left out). */
export function formatDebconfSelections(answers: readonly DebconfAnswer[]): string {
  return answers
    .filter((answer) => answer.value !== null)
    .map((answer) => `${answer.package} ${answer.question} ${answer.type} ${answer.value}\n`)
    .join("");
}
