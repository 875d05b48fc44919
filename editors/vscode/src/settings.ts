// Settings → what the server is told. Pure (no `vscode` import) so it is unit-tested.

export type LogLevel = 'off' | 'error' | 'warn' | 'info' | 'debug' | 'trace';
export type RuleSeverity = 'error' | 'warning' | 'info' | 'hint' | 'off';

/** The `keywire.*` settings the server cares about, as read from the configuration. */
export interface Settings {
  logLevel?: unknown;
  select?: unknown;
  ignore?: unknown;
  severity?: unknown;
  assumeDefined?: unknown;
}

/** `initializationOptions` sent to `keywire lsp`. */
export interface InitializationOptions {
  logLevel: LogLevel;
  /** Rules to run; null: not set (all, unless the project's keywire.toml says otherwise). */
  select: string[] | null;
  /** Rules not to run. */
  ignore: string[];
  /** Severity per rule code, prefix or name. */
  severity: Record<string, RuleSeverity>;
  /** Variables the deployment sets; only sent when some are given. */
  assumeDefined?: string[];
}

const LOG_LEVELS: readonly LogLevel[] = ['off', 'error', 'warn', 'info', 'debug', 'trace'];
const SEVERITIES: readonly RuleSeverity[] = ['error', 'warning', 'info', 'hint', 'off'];

/** Settings whose change restarts the server (it gets them as initialization options). */
export const RESTART_SETTINGS: readonly string[] = [
  'keywire.path',
  'keywire.logLevel',
  'keywire.select',
  'keywire.ignore',
  'keywire.severity',
  'keywire.assumeDefined',
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
  const options: InitializationOptions = {
    logLevel: (LOG_LEVELS as readonly string[]).includes(level) ? (level as LogLevel) : 'info',
    select: select.length > 0 ? select : null,
    ignore: stringList(s.ignore),
    severity,
  };
  const assumeDefined = stringList(s.assumeDefined);
  if (assumeDefined.length > 0) {
    options.assumeDefined = assumeDefined;
  }
  return options;
}

/** Whether a configuration change (as `affectsConfiguration`) needs a server restart. */
export function needsRestart(affects: (section: string) => boolean): boolean {
  return RESTART_SETTINGS.some((section) => affects(section));
}
