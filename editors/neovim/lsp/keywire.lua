-- keywire language server for Neovim 0.11+ (`:help lsp-config`).
--
-- Put this directory on 'runtimepath' (or copy this file to ~/.config/nvim/lsp/keywire.lua), then:
--   vim.lsp.enable('keywire')
-- Override anything with vim.lsp.config('keywire', { ... }), e.g. cmd = { '/path/to/keywire', 'lsp' }.
--
-- Neovim gives `.env` the filetype `sh` and `.ipynb` notebooks `json`; keywire only lints files
-- whose name it knows (`.env`, `.env.local`, ..., `OAI_CONFIG_LIST*`, `*.ipynb`), so attaching to
-- `sh` and `json` leaves other shell scripts and JSON files alone. plugin/keywire.lua makes
-- `.env.*` files `sh` and `OAI_CONFIG_LIST*` files `json` (Neovim detects neither).

---@type vim.lsp.Config
return {
  cmd = { 'keywire', 'lsp' },
  filetypes = { 'python', 'sh', 'dotenv', 'json' },
  root_markers = { 'pyproject.toml', 'keywire.toml', '.git', '.env' },
  -- initializationOptions: logLevel, select, ignore, severity, assumeDefined (docs/editors/neovim.md)
  init_options = { logLevel = 'info' },
}
