-- keywire language server for Neovim 0.11+ (`:help lsp-config`).
--
-- Put this directory on 'runtimepath' (or copy this file to ~/.config/nvim/lsp/keywire.lua), then:
--   vim.lsp.enable('keywire')
-- Override anything with vim.lsp.config('keywire', { ... }), e.g. cmd = { '/path/to/keywire', 'lsp' }.
--
-- Neovim gives `.env` the filetype `sh`; keywire only lints files whose name is a .env name
-- (`.env`, `.env.local`, ...), so attaching to `sh` leaves other shell scripts alone.
-- plugin/keywire.lua makes `.env.*` files (which Neovim does not detect) `sh` as well.

---@type vim.lsp.Config
return {
  cmd = { 'keywire', 'lsp' },
  filetypes = { 'python', 'sh', 'dotenv' },
  root_markers = { 'pyproject.toml', 'keywire.toml', '.git', '.env' },
  -- initializationOptions: logLevel, select, ignore, severity, assumeDefined (docs/editors/neovim.md)
  init_options = { logLevel = 'info' },
}
