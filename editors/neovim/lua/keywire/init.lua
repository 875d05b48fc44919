-- keywire for Neovim 0.8-0.10 (0.11+ can use lsp/keywire.lua with vim.lsp.enable instead).
--
--   require('keywire').setup()                       -- defaults
--   require('keywire').setup({ cmd = { vim.fn.expand('~/.cargo/bin/keywire'), 'lsp' },
--                              init_options = { logLevel = 'debug', ignore = { 'KW204' } } })
--
-- Starts `keywire lsp` (one client per project root, reused by vim.lsp.start) for python, sh,
-- dotenv, json, yaml and dockerfile buffers. `.env` is `sh` in Neovim, `OAI_CONFIG_LIST` and
-- `.ipynb` are `json`, compose files `yaml` (`yaml.docker-compose` in newer Neovim): keywire itself
-- decides by file name which files it checks, so other shell scripts, JSON and YAML files are not
-- linted.
local M = {}

M.defaults = {
  name = 'keywire',
  cmd = { 'keywire', 'lsp' },
  filetypes = { 'python', 'sh', 'dotenv', 'json', 'yaml', 'yaml.docker-compose', 'dockerfile', 'requirements', 'toml', 'cfg' },
  root_markers = { 'pyproject.toml', 'keywire.toml', '.git', '.env' },
  -- initializationOptions: logLevel, select, ignore, severity, assumeDefined
  init_options = { logLevel = 'info' },
}

local filetypes_added = false

--- Make `.env.*` files (`.env.local`, `.env.production`, ...) filetype `sh`, like `.env`, and
--- AutoGen's config lists (`OAI_CONFIG_LIST`, `OAI_CONFIG_LIST_sample`, ...) and Jupyter notebooks
--- (`*.ipynb`) `json`. Low priority, so a real extension (`.env.py`, `OAI_CONFIG_LIST.md`) still
--- wins.
function M.filetypes()
  if filetypes_added then
    return
  end
  filetypes_added = true
  if vim.filetype and vim.filetype.add then
    vim.filetype.add({
      pattern = {
        ['%.env%..+'] = { 'sh', { priority = -1 } },
        ['OAI_CONFIG_LIST.*'] = { 'json', { priority = -1 } },
        -- Neovim 0.9+ knows .ipynb as json already.
        ['.+%.ipynb'] = { 'json', { priority = -1 } },
        -- Dependency manifests (newer Neovim knows `requirements.txt` only).
        ['requirements.*%.txt'] = { 'requirements', { priority = -1 } },
        ['requirements.*%.in'] = { 'requirements', { priority = -1 } },
      },
    })
  end
  if vim.fn.has('nvim-0.8') == 0 then
    -- Neovim 0.7 detects with filetype.vim unless g:do_filetype_lua is set: add the same rules there.
    vim.cmd([[augroup keywire_filetype
      autocmd!
      autocmd BufNewFile,BufRead .env.* setfiletype sh
      autocmd BufNewFile,BufRead OAI_CONFIG_LIST*,*.ipynb setfiletype json
      autocmd BufNewFile,BufRead requirements*.txt,requirements*.in setfiletype requirements
    augroup END]])
  end
end

--- The directory that holds one of `markers`, searching upwards from `path`, or nil.
function M.find_root(path, markers)
  local dir = vim.fn.fnamemodify(path, ':p:h')
  while true do
    for _, marker in ipairs(markers) do
      local candidate = dir .. '/' .. marker
      if vim.loop.fs_stat(candidate) then
        return dir
      end
    end
    local parent = vim.fn.fnamemodify(dir, ':h')
    if parent == dir then
      return nil
    end
    dir = parent
  end
end

--- The vim.lsp.start() / start_client() configuration for a buffer's file.
function M.client_config(opts, bufnr)
  local path = vim.api.nvim_buf_get_name(bufnr)
  local root = M.find_root(path, opts.root_markers) or vim.fn.fnamemodify(path, ':p:h')
  local config = vim.tbl_deep_extend('force', {}, opts, {
    root_dir = root,
    workspace_folders = { { uri = vim.uri_from_fname(root), name = root } },
  })
  config.filetypes = nil
  config.root_markers = nil
  return config
end

--- Start keywire for python, sh, dotenv, json, yaml and dockerfile buffers (Neovim 0.8+: vim.lsp.start).
function M.setup(opts)
  opts = vim.tbl_deep_extend('force', M.defaults, opts or {})
  M.filetypes()
  if not vim.lsp.start then
    vim.notify('keywire: setup() needs Neovim 0.8 or newer', vim.log.levels.ERROR)
    return
  end
  if vim.fn.executable(opts.cmd[1]) == 0 then
    vim.notify(
      ('keywire: server not found: %q is not executable (install it with `cargo install --path server`, or pass cmd = { "/path/to/keywire", "lsp" })'):format(
        opts.cmd[1]
      ),
      vim.log.levels.WARN
    )
    return
  end
  local group = vim.api.nvim_create_augroup('keywire', { clear = true })
  vim.api.nvim_create_autocmd('FileType', {
    group = group,
    pattern = opts.filetypes,
    callback = function(args)
      if vim.bo[args.buf].buftype ~= '' or vim.api.nvim_buf_get_name(args.buf) == '' then
        return
      end
      vim.lsp.start(M.client_config(opts, args.buf), { bufnr = args.buf })
    end,
  })
  -- Buffers opened before setup() ran.
  for _, buf in ipairs(vim.api.nvim_list_bufs()) do
    if vim.api.nvim_buf_is_loaded(buf) and vim.tbl_contains(opts.filetypes, vim.bo[buf].filetype) then
      vim.api.nvim_exec_autocmds('FileType', { group = group, buffer = buf })
    end
  end
end

return M
