#!/usr/bin/env node
// Checks the rule ids: every SPEC.md defines its rules as `- **XX1** ...`
// (two to four capitals and a number), and tests cite them in their names,
// the id in square brackets at the start of the title. Fails when
//   - a file cites an id that no SPEC.md defines (tests and their helpers,
//     the code's comments, the READMEs and the SPECs themselves), or
//   - an id is defined twice (in one SPEC or in two): ids are unique across
//     the repository, so a citation means one rule.
// Usage: node scripts/check-rule-ids.mjs [root]
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const SKIP_DIRS = new Set(['node_modules', 'build', 'dist', '.git', '.data', 'coverage']);
const CITING = /\.(ts|tsx|mts|mjs|js|md)$/;

/** `- **XX1** text` at the start of a list item: the rule XX1 is defined here. */
export const DEFINITION = /^\s*[-*]\s+\*\*([A-Z]{1,4}\d{1,3})\*\*/;
/** The id in square brackets: a citation of that rule. */
export const CITATION = /\[([A-Z]{1,4}\d{1,3})\]/g;

/** Every file under `root` worth reading, relative paths, sorted. */
export function listFiles(root) {
  const files = [];
  const walk = (dir) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (entry.isDirectory()) {
        if (!SKIP_DIRS.has(entry.name)) walk(join(dir, entry.name));
      } else if (entry.isFile() && CITING.test(entry.name)) {
        files.push(relative(root, join(dir, entry.name)));
      }
    }
  };
  walk(root);
  return files.sort();
}

/** The rules each SPEC text defines: `[{ id, file, line }]`. */
export function definitions(file, text) {
  return text.split('\n').flatMap((line, i) => {
    const match = DEFINITION.exec(line);
    return match ? [{ id: match[1], file, line: i + 1 }] : [];
  });
}

/** The ids a text cites: `[{ id, file, line }]`. */
export function citations(file, text) {
  return text
    .split('\n')
    .flatMap((line, i) =>
      [...line.matchAll(CITATION)].map((match) => ({ id: match[1], file, line: i + 1 })),
    );
}

/** Every problem with the rule ids of these files (`{ path: text }`), in words. */
export function ruleIdProblems(files) {
  const defined = new Map();
  const problems = [];
  for (const [file, text] of Object.entries(files)) {
    if (!/(^|\/)SPEC\.md$/.test(file)) continue;
    for (const definition of definitions(file, text)) {
      const earlier = defined.get(definition.id);
      if (earlier) {
        problems.push(
          `${definition.file}:${definition.line} defines [${definition.id}], already defined at ${earlier.file}:${earlier.line}; ids must be unique across every SPEC.md`,
        );
      } else {
        defined.set(definition.id, definition);
      }
    }
  }
  for (const [file, text] of Object.entries(files)) {
    for (const citation of citations(file, text)) {
      if (!defined.has(citation.id)) {
        problems.push(
          `${citation.file}:${citation.line} cites [${citation.id}], which no SPEC.md defines`,
        );
      }
    }
  }
  return { problems, defined: defined.size };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const root = process.argv[2] ?? process.cwd();
  const files = Object.fromEntries(
    listFiles(root).map((file) => [file, readFileSync(join(root, file), 'utf8')]),
  );
  const { problems, defined } = ruleIdProblems(files);
  for (const problem of problems) console.log(problem);
  console.log(
    problems.length
      ? `Rule ids: ${problems.length} problem(s)`
      : `Rule ids: ${defined} defined, every citation resolves`,
  );
  process.exit(problems.length ? 1 : 0);
}
