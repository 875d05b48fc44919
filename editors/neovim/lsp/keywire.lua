-- keywire language server for Neovim 0.11+ (`:help lsp-config`).
--
-- Put this directory on 'runtimepath' (or copy this file to ~/.config/nvim/lsp/keywire.lua), then:
--   vim.lsp.enable('keywire')
-- Override anything with vim.lsp.config('keywire', { ... }), e.g. cmd = { '/path/to/keywire', 'lsp' }.
--
-- Neovim gives `.env` the filetype `sh`, `.ipynb` notebooks `json` and compose files `yaml` (or
-- `yaml.docker-compose`); keywire only lints files whose name it knows (`.env`, `.env.local`, ...,
-- `OAI_CONFIG_LIST*`, `*.ipynb`, `compose.yaml`, `docker-compose.yml`, `Dockerfile`, ...), so
-- attaching to `sh`, `json` and `yaml` leaves other shell scripts, JSON and YAML files alone. plugin/keywire.lua makes
-- `.env.*` files `sh` and `OAI_CONFIG_LIST*` files `json` (Neovim detects neither). Dependency
-- manifests are `requirements` (requirements*.txt), `toml` (pyproject.toml, Pipfile) and `cfg`
-- (setup.cfg); keywire reads which AutoGen and openai they declare.

---@type vim.lsp.Config
return {
  cmd = { 'keywire', 'lsp' },
  filetypes = { 'python', 'sh', 'dotenv', 'json', 'yaml', 'yaml.docker-compose', 'dockerfile', 'requirements', 'toml', 'cfg' },
  root_markers = { 'pyproject.toml', 'keywire.toml', '.git', '.env' },
  -- initializationOptions: logLevel, select, ignore, severity, assumeDefined (docs/editors/neovim.md)
  init_options = { logLevel = 'info' },
}
