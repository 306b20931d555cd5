import { maskEnv } from "./mask-env";

// Secret values in ENV and ARG instructions of Dockerfile text (a Dockerfile, a diff of one, or a
// build log that echoes its steps) masked the way maskEnv masks a container's environment. Pure.

const INSTRUCTION = /\b(ENV|ARG)(\s+)(.*)$/i;
const PAIR = /([^\s=]+)=("(?:[^"\\]|\\.)*"|'[^']*'|\S*)/g;
/** `"${NAME}"`: a reference to a build argument, not a value. */
const REFERENCE = /^\$\{?[A-Za-z_][A-Za-z0-9_]*\}?$/;

function unquote(raw: string): string {
  if (raw.length >= 2 && raw.startsWith('"') && raw.endsWith('"')) return raw.slice(1, -1).replace(/\\(.)/g, "$1");
  if (raw.length >= 2 && raw.startsWith("'") && raw.endsWith("'")) return raw.slice(1, -1);
  return raw;
}

const quote = (value: string) => `"${value.replace(/[\\"$]/g, (ch) => `\\${ch}`)}"`;

/** The value as a viewer may see it, or null when it needs no masking. */
function maskedValue(name: string, value: string): string | null {
  if (REFERENCE.test(value)) return null;
  const shown = maskEnv([`${name}=${value}`])[0];
  return shown && (shown.masked || shown.value !== value) ? shown.value : null;
}

function maskArguments(text: string): string {
  if (!text.includes("=")) {
    // The old form: ENV NAME the value
    const legacy = /^([^\s=]+)(\s+)(.+)$/.exec(text);
    if (!legacy) return text;
    const masked = maskedValue(legacy[1]!, legacy[3]!);
    return masked === null ? text : `${legacy[1]}${legacy[2]}${masked}`;
  }
  return text.replace(PAIR, (pair, name: string, raw: string) => {
    const masked = maskedValue(name, unquote(raw));
    return masked === null ? pair : `${name}=${quote(masked)}`;
  });
}

export function maskDockerfileEnv(text: string): string {
  return text
    .split("\n")
    .map((line) => {
      const match = INSTRUCTION.exec(line);
      if (!match) return line;
      return `${line.slice(0, match.index)}${match[1]}${match[2]}${maskArguments(match[3]!)}`;
    })
    .join("\n");
}
