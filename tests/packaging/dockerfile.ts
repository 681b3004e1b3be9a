/** A small Dockerfile reader for tests: instructions grouped into build stages. */

export interface Instruction {
  /** Upper-case keyword: `FROM`, `RUN`, `COPY`, … */
  keyword: string;
  /** Everything after the keyword, continuation lines joined. */
  args: string;
  line: number;
}

export interface Stage {
  /** The FROM argument with `${ARG}` references replaced by the ARG defaults before the FROM. */
  image: string;
  name: string | null;
  instructions: Instruction[];
}

export interface Dockerfile {
  /** `ARG`s declared before the first FROM, with their defaults. */
  globalArgs: Map<string, string>;
  stages: Stage[];
  all: Instruction[];
}

export function parseDockerfile(text: string): Dockerfile {
  const all = instructionsOf(text);
  const globalArgs = new Map<string, string>();
  const stages: Stage[] = [];

  for (const instruction of all) {
    if (instruction.keyword === 'FROM') {
      const words = instruction.args.split(/\s+/).filter((w) => !w.startsWith('--platform'));
      const asIndex = words.findIndex((w) => w.toUpperCase() === 'AS');
      stages.push({
        image: substitute(words[0] ?? '', globalArgs),
        name: asIndex >= 0 ? (words[asIndex + 1] ?? null) : null,
        instructions: [],
      });
      continue;
    }
    const stage = stages.at(-1);
    if (stage) {
      stage.instructions.push(instruction);
    } else if (instruction.keyword === 'ARG') {
      const [name, value = ''] = instruction.args.split('=', 2);
      globalArgs.set((name ?? '').trim(), value.trim());
    }
  }

  return { globalArgs, stages, all };
}

/** The exec-form (JSON array) arguments of CMD/ENTRYPOINT/HEALTHCHECK CMD, or null for shell form. */
export function execForm(args: string): string[] | null {
  const start = args.indexOf('[');
  if (start < 0) return null;
  try {
    const parsed: unknown = JSON.parse(args.slice(start));
    if (Array.isArray(parsed) && parsed.every((p) => typeof p === 'string')) return parsed;
  } catch {
    return null;
  }

  return null;
}

/** `node:24-alpine` → 24; null when the image is not an official node image with a major tag. */
export function nodeMajor(image: string): number | null {
  const match = /^(?:docker\.io\/)?(?:library\/)?node:(\d+)/.exec(image);

  return match?.[1] ? Number(match[1]) : null;
}

function instructionsOf(text: string): Instruction[] {
  const result: Instruction[] = [];
  const lines = text.split('\n');
  let buffer = '';
  let startLine = 0;

  lines.forEach((raw, index) => {
    const line = raw.trim();
    if (buffer === '' && (line === '' || line.startsWith('#'))) return;
    if (buffer !== '' && line.startsWith('#')) return;
    if (buffer === '') startLine = index + 1;
    if (line.endsWith('\\')) {
      buffer += `${line.slice(0, -1).trim()} `;
      return;
    }
    buffer += line;
    const [keyword = '', ...rest] = buffer.split(/\s+/);
    result.push({ keyword: keyword.toUpperCase(), args: rest.join(' '), line: startLine });
    buffer = '';
  });

  return result;
}

function substitute(value: string, args: Map<string, string>): string {
  return value.replace(/\$\{?(\w+)\}?/g, (whole, name: string) => args.get(name) ?? whole);
}
