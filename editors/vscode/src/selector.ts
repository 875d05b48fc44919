// The documents the extension hands to keywire. Pure (no `vscode` import) so it is unit-tested.
//
// The server decides by file name what each document is (.env files, `OAI_CONFIG_LIST*`, compose
// files, Dockerfiles), so the
// patterns here may be wider than what it checks.

/** A document filter as vscode-languageclient takes it: a text document or a notebook cell. */
export type Filter =
  | { scheme: string; language?: string; pattern?: string }
  | { notebook: string; language: string };

export const DOCUMENT_SELECTOR: Filter[] = [
  { scheme: 'file', language: 'python' },
  { scheme: 'untitled', language: 'python' },
  { scheme: 'file', language: 'dotenv' },
  // .env files VS Code does not know as dotenv (older versions, `.env.local`, ...).
  { scheme: 'file', pattern: '**/.env*' },
  // AutoGen's JSON config lists: VS Code gives `OAI_CONFIG_LIST` (no extension) the language
  // plaintext and `OAI_CONFIG_LIST.json` json, so they are selected by name.
  { scheme: 'file', pattern: '**/OAI_CONFIG_LIST*' },
  // Docker Compose files: the Docker extension's `dockercompose`, else plain `yaml` by name
  // (`compose.yaml`, `docker-compose.override.yml`, ...; the server decides by exact name).
  { scheme: 'file', language: 'dockercompose' },
  { scheme: 'file', language: 'yaml', pattern: '**/*compose*.yaml' },
  { scheme: 'file', language: 'yaml', pattern: '**/*compose*.yml' },
  // Dockerfiles (`Dockerfile`, `Dockerfile.prod`, `api.Dockerfile`).
  { scheme: 'file', language: 'dockerfile' },
  // GitHub Actions workflows: the GitHub Actions extension's language, else plain `yaml`.
  { scheme: 'file', language: 'github-actions-workflow', pattern: '**/.github/workflows/*.{yml,yaml}' },
  { scheme: 'file', language: 'yaml', pattern: '**/.github/workflows/*.{yml,yaml}' },
  // Dependency manifests (which AutoGen and openai the project declares), whatever language
  // VS Code or an extension gives them (`pip-requirements`, `toml`, `ini`, `yaml`, plain text).
  { scheme: 'file', pattern: '**/requirements*.{txt,in}' },
  { scheme: 'file', pattern: '**/requirements/*.{txt,in}' },
  { scheme: 'file', pattern: '**/pyproject.toml' },
  { scheme: 'file', pattern: '**/setup.cfg' },
  { scheme: 'file', pattern: '**/Pipfile' },
  { scheme: 'file', pattern: '**/environment.{yml,yaml}' },
  // Python cells of Jupyter notebooks (VS Code's built-in notebook editor). The server syncs
  // them as notebooks (LSP notebookDocumentSync) and reports on each cell.
  { notebook: 'jupyter-notebook', language: 'python' },
];
