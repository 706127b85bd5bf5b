// YAML syntax errors in the product's words: one message per mistake, at the line and column where the user has to
// look (the opening bracket or quote that is never closed, not the end of the file where the parser noticed).
import type { LineCounter, YAMLError } from 'yaml';

export interface SyntaxIssue {
  offset: number;
  message: string;
}

/** Codes that say more than the others the parser reports for the same line. */
const MOST_TELLING = ['BLOCK_IN_FLOW', 'TAB_AS_INDENT', 'DUPLICATE_KEY'];

/** The parser's errors, translated; several errors on one line are one mistake (the most telling one is kept). */
export function describeYamlErrors(errors: readonly YAMLError[], text: string, lines: LineCounter): SyntaxIssue[] {
  const seenLines = new Set<number>();
  const issues: SyntaxIssue[] = [];
  const rank = (error: YAMLError) => (MOST_TELLING.includes(error.code) ? 0 : 1);
  const ordered = [...errors].sort((a, b) => rank(a) - rank(b));
  for (const error of ordered) {
    const issue = describeYamlError(error, text);
    const { line } = lines.linePos(issue.offset);
    if (seenLines.has(line)) continue;
    seenLines.add(line);
    issues.push(issue);
  }
  return issues.sort((a, b) => a.offset - b.offset);
}

function describeYamlError(error: YAMLError, text: string): SyntaxIssue {
  const at = error.pos[0];
  const said = error.message.split('\n')[0] ?? '';
  const here = (message: string): SyntaxIssue => ({ offset: at, message });
  switch (error.code) {
    case 'TAB_AS_INDENT':
      return here('a tab is used to indent this line; indent with spaces only');
    case 'DUPLICATE_KEY': {
      const key = /^[^\s:#,[\]{}]+/.exec(text.slice(at))?.[0];
      return here(`${key ? `"${key}"` : 'this key'} appears twice in the same block; keep one`);
    }
    case 'MULTIPLE_DOCS':
      return here('a second YAML document starts here ("---"); the config is a single document');
    case 'BLOCK_AS_IMPLICIT_KEY':
      return here('a second ": " on one line; put the value in quotes if it contains ": " (name: "a: b")');
    case 'MULTILINE_IMPLICIT_KEY':
      return here('this line is not "key: value"; add ": " after the key (or quote a value that spans lines)');
    case 'BLOCK_IN_FLOW':
      return here('"- " items and "key: value" lines cannot go inside [ ] or { }; write [a, b] or {key: value}');
    case 'BAD_SCALAR_START': {
      const char = /reserved character (\S)/.exec(said)?.[1];
      return here(`a value cannot start with ${char ? `"${char}"` : 'this character'} unless it is in quotes`);
    }
    case 'BAD_DQ_ESCAPE':
      return here('a backslash in "double quotes" starts an escape; use \'single quotes\' or write \\\\');
    case 'BAD_ALIAS':
      return here('an alias (*name) must name an anchor (&name) defined above it');
    case 'KEY_OVER_1024_CHARS':
      return here('this key is longer than 1024 characters');
    default:
      break;
  }
  if (/Missing closing "quote/.test(said)) return unclosed(text, at, '"', '"', 'a string in "double quotes"');
  if (/Missing closing 'quote/.test(said)) return unclosed(text, at, "'", "'", "a string in 'single quotes'");
  if (/Flow sequence .*end with a \]/.test(said)) return unclosed(text, at, '[', ']', 'a [ list');
  if (/Flow map .*end with a \}/.test(said)) return unclosed(text, at, '{', '}', 'a { mapping');
  if (/Sequence item without - indicator/.test(said)) {
    return here('this line is indented like a list item but has no "- "; line it up with the keys above it');
  }
  if (/must start at the same column/.test(said) || error.code === 'BAD_INDENT') {
    return here('this line is not lined up with the lines above it; keys of one block need the same indentation');
  }
  if (/Missing , /.test(said) || /Unexpected , /.test(said) || /Unexpected flow-(map|seq)-start/.test(said)) {
    return here('items inside [ ] or { } are separated by ", " (one comma between two items)');
  }
  if (/Implicit map keys need to be followed by map values/.test(said)) {
    return here('a key without ": " after it; write "key: value"');
  }
  return here(`this is not valid YAML here (${said.replace(/\.$/, '').toLowerCase()})`);
}

/** Points at the opening character that was never closed, found by walking back from where the parser gave up. */
function unclosed(text: string, at: number, open: string, close: string, what: string): SyntaxIssue {
  const offset = findOpener(text, Math.min(at, text.length), open, close);
  return offset === undefined
    ? { offset: at, message: `${what} is not closed with ${close}` }
    : { offset, message: `${what} opened here is not closed; add ${close} where it ends` };
}

function findOpener(text: string, from: number, open: string, close: string): number | undefined {
  if (open === close) {
    // A quote: the last line before `from` with an odd number of that quote holds the opener.
    const before = text.slice(0, from);
    for (let end = before.length; end > 0; ) {
      const start = before.lastIndexOf('\n', end - 1) + 1;
      const line = before.slice(start, end);
      const count = line.split(open).length - 1;
      if (count % 2 === 1) return start + line.lastIndexOf(open);
      end = start - 1;
    }
    return undefined;
  }
  let depth = 0;
  for (let i = from - 1; i >= 0; i--) {
    const char = text[i];
    if (char === close) depth += 1;
    else if (char === open) {
      if (depth === 0) return i;
      depth -= 1;
    }
  }
  return undefined;
}
