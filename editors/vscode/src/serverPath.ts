// Where the keywire server binary comes from. Pure: no `vscode` import, every side effect (file
// checks, environment, home directory) is passed in, so the lookup order is unit-tested with node's
// test runner (src/test/serverPath.test.ts).
//
// Order: the KEYWIRE_PATH environment variable, the `keywire.path` setting (`~` expanded), the
// binary bundled in the extension (`bundled/keywire`), then `keywire` on PATH. The first candidate
// that is an executable file wins; the others are reported, so the one error message can say
// exactly what was tried.

import * as path from 'path';

export type Source = 'KEYWIRE_PATH' | 'keywire.path' | 'bundled' | 'PATH';

export interface Candidate {
  source: Source;
  /** The path to try, after `~` expansion (absolute unless the user gave a relative one). */
  path: string;
}

export interface Rejected {
  candidate: Candidate;
  reason: string;
}

export interface LookupInput {
  /** The process environment (KEYWIRE_PATH, PATH, PATHEXT are read). */
  env: Record<string, string | undefined>;
  /** The `keywire.path` setting (undefined, null or empty when not set). */
  setting: string | null | undefined;
  /** The extension's install folder (where `bundled/` lives). */
  extensionPath: string;
  /** The user's home directory, for `~`. */
  home: string;
  platform: NodeJS.Platform;
  /** Returns null when `file` is an executable regular file, else why not. */
  check: (file: string) => string | null;
}

export interface LookupResult {
  found?: Candidate;
  /** Candidates that were tried and failed, in order (the found one is not among them). */
  rejected: Rejected[];
}

/** Expands a leading `~` (alone, or followed by `/`, or `\` on Windows) to `home`. `~user` is left alone. */
export function expandHome(p: string, home: string, platform: NodeJS.Platform = process.platform): string {
  if (p === '~') {
    return home;
  }
  const seps = platform === 'win32' ? ['/', '\\'] : ['/'];
  if (p.length > 1 && p[0] === '~' && seps.includes(p[1])) {
    const rest = p.slice(2);
    const joiner = platform === 'win32' ? path.win32 : path.posix;
    return rest ? joiner.join(home, rest) : home;
  }
  return p;
}

/** The executable's file name(s) on this platform. */
export function exeNames(platform: NodeJS.Platform, env: Record<string, string | undefined>): string[] {
  if (platform !== 'win32') {
    return ['keywire'];
  }
  const exts = (env.PATHEXT ?? '.EXE;.CMD;.BAT;.COM')
    .split(';')
    .map((e) => e.trim().toLowerCase())
    .filter((e) => e.length > 0);
  // keywire ships as keywire.exe; try that first, then whatever PATHEXT allows.
  return Array.from(new Set(['keywire.exe', ...exts.map((e) => `keywire${e}`)]));
}

/** The bundled binary's path inside the extension folder. */
export function bundledPath(extensionPath: string, platform: NodeJS.Platform): string {
  const p = platform === 'win32' ? path.win32 : path.posix;
  return p.join(extensionPath, 'bundled', platform === 'win32' ? 'keywire.exe' : 'keywire');
}

/** Every candidate, in lookup order (PATH contributes one per directory). */
export function candidates(input: LookupInput): Candidate[] {
  const out: Candidate[] = [];
  const fromEnv = input.env.KEYWIRE_PATH?.trim();
  if (fromEnv) {
    out.push({ source: 'KEYWIRE_PATH', path: expandHome(fromEnv, input.home, input.platform) });
  }
  const fromSetting = input.setting?.trim();
  if (fromSetting) {
    out.push({ source: 'keywire.path', path: expandHome(fromSetting, input.home, input.platform) });
  }
  out.push({ source: 'bundled', path: bundledPath(input.extensionPath, input.platform) });
  const p = input.platform === 'win32' ? path.win32 : path.posix;
  const delimiter = input.platform === 'win32' ? ';' : ':';
  const pathVar = input.env.PATH ?? input.env.Path ?? '';
  for (const entry of pathVar.split(delimiter)) {
    const dir = expandHome(entry, input.home, input.platform);
    // An empty or relative PATH entry means "relative to the current directory": never run a
    // binary from the workspace that way.
    if (!dir || !p.isAbsolute(dir)) {
      continue;
    }
    for (const name of exeNames(input.platform, input.env)) {
      out.push({ source: 'PATH', path: p.join(dir, name) });
    }
  }
  return out;
}

/** The first candidate that `check` accepts, and the ones rejected before it. */
export function findServer(input: LookupInput): LookupResult {
  const rejected: Rejected[] = [];
  for (const candidate of candidates(input)) {
    const why = input.check(candidate.path);
    if (why === null) {
      return { found: candidate, rejected };
    }
    rejected.push({ candidate, reason: why });
  }
  return { rejected };
}

/**
 * The rejections worth showing a user: explicit choices (KEYWIRE_PATH, keywire.path) that did not
 * work, plus a one-line summary of the bundled binary and PATH when nothing was found.
 */
export function describeFailure(result: LookupResult): string {
  const explicit = result.rejected.filter(
    (r) => r.candidate.source === 'KEYWIRE_PATH' || r.candidate.source === 'keywire.path',
  );
  const parts = explicit.map((r) => `${r.candidate.source} (${r.candidate.path}): ${r.reason}`);
  if (!result.found) {
    parts.push('no bundled binary and no keywire on PATH');
  }
  return parts.join('; ');
}

/** A `check` for real files (used by the extension; the tests pass their own). */
export function checkExecutable(fs: typeof import('fs'), platform: NodeJS.Platform): (file: string) => string | null {
  return (file: string) => {
    let stat;
    try {
      stat = fs.statSync(file);
    } catch {
      return 'not found';
    }
    if (!stat.isFile()) {
      return 'not a file';
    }
    if (platform !== 'win32') {
      try {
        fs.accessSync(file, fs.constants.X_OK);
      } catch {
        return 'not executable';
      }
    }
    return null;
  };
}
