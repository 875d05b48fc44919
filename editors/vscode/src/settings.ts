// Settings → what the server is told. Pure (no `vscode` import) so it is unit-tested.

export type LogLevel = 'off' | 'error' | 'warn' | 'info' | 'debug' | 'trace';
export type RuleSeverity = 'error' | 'warning' | 'info' | 'hint' | 'off';

/** The `keywire.*` settings the server cares about, as read from the configuration. */
export interface Settings {
  logLevel?: unknown;
  select?: unknown;
  ignore?: unknown;
  severity?: unknown;
}

/** `initializationOptions` sent to `keywire lsp`. */
export interface InitializationOptions {
  logLevel: LogLevel;
  /** Rules to run; null: use the project's keywire.toml / [tool.keywire] (default all). */
  select: string[] | null;
  /** Rules not to run, on top of the project's `ignore`. */
  ignore: string[];
  /** Severity per rule code, prefix or name. */
  severity: Record<string, RuleSeverity>;
}

const LOG_LEVELS: readonly LogLevel[] = ['off', 'error', 'warn', 'info', 'debug', 'trace'];
const SEVERITIES: readonly RuleSeverity[] = ['error', 'warning', 'info', 'hint', 'off'];

/** Settings whose change needs a new server process (initialization options are read once). */
export const RESTART_SETTINGS: readonly string[] = [
  'keywire.path',
  'keywire.logLevel',
  'keywire.select',
  'keywire.ignore',
  'keywire.severity',
];

function stringList(v: unknown): string[] {
  if (!Array.isArray(v)) {
    return [];
  }
  return v
    .filter((x): x is string => typeof x === 'string')
    .map((x) => x.trim())
    .filter((x) => x.length > 0);
}

/** Builds the initialization options, dropping values the server would reject. */
export function initializationOptions(s: Settings): InitializationOptions {
  const level = typeof s.logLevel === 'string' ? s.logLevel.toLowerCase() : '';
  const select = stringList(s.select);
  const severity: Record<string, RuleSeverity> = {};
  if (s.severity && typeof s.severity === 'object' && !Array.isArray(s.severity)) {
    for (const [rule, sev] of Object.entries(s.severity as Record<string, unknown>)) {
      const value = typeof sev === 'string' ? sev.toLowerCase() : '';
      if (rule.trim() && (SEVERITIES as readonly string[]).includes(value)) {
        severity[rule.trim()] = value as RuleSeverity;
      }
    }
  }
  return {
    logLevel: (LOG_LEVELS as readonly string[]).includes(level) ? (level as LogLevel) : 'info',
    select: select.length > 0 ? select : null,
    ignore: stringList(s.ignore),
    severity,
  };
}

/** Whether a configuration change (as `affectsConfiguration`) needs a server restart. */
export function needsRestart(affects: (section: string) => boolean): boolean {
  return RESTART_SETTINGS.some((section) => affects(section));
}
